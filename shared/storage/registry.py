"""The tenant registry table: one row per registered tenant."""

from __future__ import annotations

from typing import Any

from azure.core.exceptions import ResourceNotFoundError

from shared.core.clock import now_iso
from shared.core.tenants import Tenant
from shared.storage.clients import StorageClients
from shared.storage.tables import dump_json, load_json, table_client

_PARTITION = "tenant"


def _from_entity(entity: dict[str, Any]) -> Tenant:
    return Tenant(
        tenant_id=entity["RowKey"],
        display_name=entity.get("displayName", ""),
        enabled=bool(entity.get("enabled")),
        selection=load_json(entity.get("selection"), []),
        access_groups=load_json(entity.get("accessGroups"), []),
        created_at=entity.get("createdAt", ""),
        updated_at=entity.get("updatedAt", ""),
    )


class TenantRegistry:
    """Register, update, read and list tenants."""

    def __init__(self, clients: StorageClients) -> None:
        self._table = table_client(clients, "tenants")

    def get(self, tenant_id: str) -> Tenant | None:
        try:
            return _from_entity(self._table.get_entity(_PARTITION, tenant_id))
        except ResourceNotFoundError:
            return None

    def upsert(
        self, tenant_id: str, display_name: str, enabled: bool, selection: list[str], access_groups: list[str]
    ) -> tuple[Tenant, bool]:
        """Create or replace a tenant's registration; returns (tenant, created)."""
        existing = self.get(tenant_id)
        now = now_iso()
        entity = {
            "PartitionKey": _PARTITION,
            "RowKey": tenant_id,
            "displayName": display_name,
            "enabled": enabled,
            "selection": dump_json(selection),
            "accessGroups": dump_json(sorted(set(access_groups))),
            "createdAt": existing.created_at if existing else now,
            "updatedAt": now,
        }
        self._table.upsert_entity(entity)
        return _from_entity(entity), existing is None

    def list(self) -> list[Tenant]:
        entities = self._table.query_entities(f"PartitionKey eq '{_PARTITION}'")
        return sorted((_from_entity(e) for e in entities), key=lambda t: t.tenant_id)
