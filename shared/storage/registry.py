"""The tenant registry table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from azure.core.exceptions import ResourceNotFoundError

from shared.scope import scope_key
from shared.storage.clients import StorageClients
from shared.storage.tables import dump_json, load_json, table_client

_PARTITION = "tenant"


@dataclass(frozen=True)
class Tenant:
    """A registered customer tenant."""

    tenant_id: str
    display_name: str
    enabled: bool
    selection: list[str]
    access_groups: list[str]
    created_at: str
    updated_at: str

    @property
    def scope_key(self) -> str:
        return scope_key(self.selection)

    def to_json(self) -> dict[str, Any]:
        """API shape (camelCase)."""
        return {
            "tenantId": self.tenant_id,
            "displayName": self.display_name,
            "enabled": self.enabled,
            "policyTypes": self.selection,
            "accessGroups": self.access_groups,
            "scopeKey": self.scope_key,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
        }


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
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
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
