"""Pinned baselines in Table Storage: one entity per (tenant, scope key)."""

from __future__ import annotations

from azure.core.exceptions import ResourceNotFoundError

from shared.storage.clients import StorageClients
from shared.storage.tables import table_client


class BaselineStore:
    """Pinned baselines: one entity per (tenant, scope key)."""

    def __init__(self, clients: StorageClients) -> None:
        self._table = table_client(clients, "baselines")

    def pinned(self, tenant_id: str, scope_key: str) -> str | None:
        try:
            return str(self._table.get_entity(tenant_id, scope_key)["runId"])
        except ResourceNotFoundError:
            return None

    def pin(self, tenant_id: str, scope_key: str, run_id: str, by: str, at: str) -> None:
        self._table.upsert_entity(
            {"PartitionKey": tenant_id, "RowKey": scope_key, "runId": run_id, "pinnedBy": by, "pinnedAt": at}
        )

    def unpin(self, tenant_id: str, scope_key: str) -> None:
        try:
            self._table.delete_entity(tenant_id, scope_key)
        except ResourceNotFoundError:
            pass
