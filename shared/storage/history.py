"""Triage history in Table Storage: append-only, one partition per finding, insert-if-absent."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from azure.core.exceptions import ResourceExistsError

from shared.storage.clients import StorageClients
from shared.storage.tables import table_client


class HistoryStore:
    """Append-only history: one partition per finding, row key sorts by time, insert-if-absent."""

    def __init__(self, clients: StorageClients) -> None:
        self._table = table_client(clients, "history")

    @staticmethod
    def _partition(tenant_id: str, finding_id: str) -> str:
        return f"{tenant_id}_{finding_id}"

    def append(self, tenant_id: str, events: Iterable[Mapping[str, Any]]) -> int:
        """Insert events that are not there yet; returns how many were new."""
        added = 0
        for event in events:
            entity = {k: v for k, v in event.items() if v is not None}
            entity["PartitionKey"] = self._partition(tenant_id, str(event["findingId"]))
            entity["RowKey"] = f"{event['at']}_{event['id']}"
            try:
                self._table.create_entity(entity)
                added += 1
            except ResourceExistsError:
                pass
        return added

    def for_finding(self, tenant_id: str, finding_id: str) -> list[dict[str, Any]]:
        entities = self._table.query_entities(
            "PartitionKey eq @p", parameters={"p": self._partition(tenant_id, finding_id)}
        )
        out = [{k: v for k, v in e.items() if k not in ("PartitionKey", "RowKey", "Timestamp")} for e in entities]
        return sorted(out, key=lambda e: (e["at"], e["id"]))
