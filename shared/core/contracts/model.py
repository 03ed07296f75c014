"""The shape of a policy contract: how one type is read from Graph and how its items are judged (pure data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

ApiVersion = Literal["v1.0", "beta"]
Severity = Literal["low", "medium", "high"]

# Permissions named by GRAPH.md (application, read-only).
PERM_CONFIG: Final = "DeviceManagementConfiguration.Read.All"
PERM_APPS: Final = "DeviceManagementApps.Read.All"
PERM_SERVICE: Final = "DeviceManagementServiceConfig.Read.All"
PERM_SCRIPTS: Final = "DeviceManagementScripts.Read.All"
PERM_RBAC: Final = "DeviceManagementRBAC.Read.All"
PERM_POLICY: Final = "Policy.Read.All"


@dataclass(frozen=True)
class SubResource:
    """A per-item collection fetched after the list (e.g. admin template definition values)."""

    name: str  # property the fetched collection is stored under in the item
    path: str  # relative to the item's own URL, e.g. "definitionValues"
    query: str = ""
    children: tuple[SubResource, ...] = ()


@dataclass(frozen=True)
class PolicyContract:
    """How one policy type is read from Graph and how its items are normalised and judged."""

    key: str
    api_version: ApiVersion
    collections: tuple[str, ...]
    permission: str
    list_query: str = ""
    # GET {collection}/{id}?{detail_query} merged into the listed item (script bodies live only there).
    detail_query: str | None = None
    # For polymorphic lists: the full object lives in a per-subtype collection (app protection).
    detail_collection_by_type: tuple[tuple[str, str], ...] = ()
    detail_expand_for_subtype: str = ""
    skip_odata_types: frozenset[str] = frozenset()
    subresources: tuple[SubResource, ...] = ()
    singleton: bool = False
    name_field: str = "displayName"
    # (count property, collection property): the item is whole only when they agree.
    count_check: tuple[str, str] | None = None
    # Fetched alone (and paged) when an expanded collection came back short.
    count_refetch_path: str | None = None
    volatile_fields: frozenset[str] = frozenset()
    secret_fields: frozenset[str] = frozenset()
    script_fields: frozenset[str] = frozenset()
    has_assignments: bool = True
    severity: dict[str, Severity] = field(default_factory=dict)

    def severity_for(self, change: str) -> Severity:
        """Severity of an added/removed item or of a modified category."""
        return self.severity.get(change, _DEFAULT_SEVERITY[change])


_DEFAULT_SEVERITY: Final[dict[str, Severity]] = {
    "added": "medium",
    "removed": "high",
    "settings": "medium",
    "assignments": "medium",
    "metadata": "low",
}

EXPAND_ASSIGNMENTS: Final = "$expand=assignments"
HIGH_ALL: Final[dict[str, Severity]] = {
    "added": "high",
    "removed": "high",
    "settings": "high",
    "assignments": "high",
}
