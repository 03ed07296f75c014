"""A registered customer tenant (DESIGN §3): its selection, scope key and access groups (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.core.scope import scope_key


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
        """The scope key of the tenant's current selection."""
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
