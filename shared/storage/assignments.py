"""Template assignments (DESIGN §14): one entity per (tenant, template) with the tenant's variable values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from azure.core.exceptions import ResourceNotFoundError

from shared.storage.clients import StorageClients
from shared.storage.tables import dump_json, load_json, table_client


@dataclass(frozen=True)
class Assignment:
    """A template assigned to a tenant, with the tenant's values for the template's variables."""

    tenant_id: str
    template_id: str
    variables: dict[str, str]
    assigned_at: str
    assigned_by: str

    def to_json(self) -> dict[str, Any]:
        return {
            "tenantId": self.tenant_id,
            "templateId": self.template_id,
            "variables": self.variables,
            "assignedAt": self.assigned_at,
            "assignedBy": self.assigned_by,
        }


def _assignment(entity: dict[str, Any]) -> Assignment:
    return Assignment(
        tenant_id=entity["PartitionKey"],
        template_id=entity["RowKey"],
        variables=load_json(entity.get("variables"), {}),
        assigned_at=entity.get("assignedAt", ""),
        assigned_by=entity.get("assignedBy", ""),
    )


class AssignmentStore:
    """One partition per tenant, row key = template id."""

    def __init__(self, clients: StorageClients) -> None:
        self._table = table_client(clients, "templateassignments")

    def get(self, tenant_id: str, template_id: str) -> Assignment | None:
        try:
            return _assignment(self._table.get_entity(tenant_id, template_id))
        except ResourceNotFoundError:
            return None

    def put(self, tenant_id: str, template_id: str, variables: dict[str, str], at: str, by: str) -> bool:
        """Assign or replace; True when the assignment is new."""
        created = self.get(tenant_id, template_id) is None
        self._table.upsert_entity(
            {
                "PartitionKey": tenant_id,
                "RowKey": template_id,
                "variables": dump_json(variables),
                "assignedAt": at,
                "assignedBy": by,
            }
        )
        return created

    def delete(self, tenant_id: str, template_id: str) -> bool:
        """Unassign; True when there was an assignment."""
        existed = self.get(tenant_id, template_id) is not None
        self._table.delete_entity(tenant_id, template_id)
        return existed

    def for_tenant(self, tenant_id: str) -> list[Assignment]:
        entities = self._table.query_entities("PartitionKey eq @t", parameters={"t": tenant_id})
        return sorted((_assignment(e) for e in entities), key=lambda a: a.template_id)

    def for_template(self, template_id: str) -> list[Assignment]:
        """Every tenant a template is assigned to (a scan across tenants: admin operations only)."""
        entities = self._table.query_entities("RowKey eq @t", parameters={"t": template_id})
        return sorted((_assignment(e) for e in entities), key=lambda a: a.tenant_id)
