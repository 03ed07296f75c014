"""The shape of a policy contract: how one type is read from Graph and how its items are judged (pure data)."""

from __future__ import annotations

import re
from collections.abc import Iterator
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
# Group names for findings in words (`directoryObjects/getByIds`: Microsoft documents no narrower one).
PERM_DIRECTORY: Final = "Directory.Read.All"
# Who changed it (DESIGN §12): the Entra audit log; Intune's needs PERM_APPS.
PERM_AUDIT_LOG: Final = "AuditLog.Read.All"

# Kinds of objects that items refer to by id and findings show by name (DESIGN §11).
GROUP: Final = "group"
ASSIGNMENT_FILTER: Final = "assignmentFilter"
SCOPE_TAG: Final = "roleScopeTag"
NAMED_LOCATION: Final = "namedLocation"
AUTH_STRENGTH: Final = "authenticationStrength"
# Application permissions Graph asks for where Policy.Read.All or the Intune ones do not reach.
PERM_DEVICE_REGISTRATION: Final = "Policy.Read.DeviceConfiguration"
PERM_GROUP_SETTINGS: Final = "GroupSettings.Read.All"
PERM_CLOUD_PC: Final = "CloudPC.Read.All"

# `{definition.id}` in a path template: a (dotted) field of the element the path is built for.
_TEMPLATE_FIELD: Final = re.compile(r"\{([A-Za-z0-9_.]+)\}")


@dataclass(frozen=True)
class Source:
    """A collection (or singleton) a type is listed from, with the query options the service takes there.

    `query` is sent verbatim; leave it empty where the service refuses query options
    (`policies/authenticationMethodsPolicy` answers any of them with 400).

    A `{id}` segment makes a nested source: the collection before it is listed first (every page),
    and the rest of the path is listed for each of its elements through `$batch`, pages followed
    (Apple enrollment profiles live under each `depOnboardingSettings/{id}`). `query` applies to the
    nested collection.
    """

    path: str
    query: str = ""

    def split(self) -> tuple[str, str] | None:
        """(parent collection, path below each parent element) of a nested source, else None."""
        parent, marker, below = self.path.partition("/{id}/")
        return (parent, below) if marker else None


@dataclass(frozen=True)
class FollowUp:
    """A navigation read per element after the list, through `$batch` (20 per request), pages followed.

    The fetched collection is stored under `name` in its owner. `children` are read the same way for
    every element of this collection (admin template presentation values per definition value).

    `when_absent`: read only for owners that came without `name` (a navigation the service usually
    sends unasked, such as the authentication methods policy's configurations).

    `single`: the navigation is single-valued (a complex property or entity read at its own path, such
    as the cross-tenant access default); the object is stored as is, and an empty answer (204) as None.

    `only_when`: (field, value) of the owner: only owners whose field holds that value are read, the
    others get `[]` (combination configurations exist only on custom authentication strengths).

    `only_if_nonempty`: an absolute path template (`deviceManagement/groupPolicyDefinitions/{definition.id}/presentations`)
    naming a collection that must be non-empty for this follow-up to hold anything. It is read once per
    distinct path; where it is provably empty the follow-up is skipped and the owner gets `[]`; where it
    cannot be resolved or read, the follow-up is made anyway (never a guess that loses data).
    """

    name: str
    path: str
    query: str = ""
    children: tuple[FollowUp, ...] = ()
    when_absent: bool = False
    only_if_nonempty: str | None = None
    single: bool = False
    only_when: tuple[str, str] | None = None

    def url(self, owner_path: str) -> str:
        """`{owner_path}/{path}?{query}` relative to the API version."""
        return f"{owner_path}/{self.path}" + (f"?{self.query}" if self.query else "")


def template_fields(template: str) -> list[str]:
    """The dotted field names a path template refers to (`{definition.id}` → `definition.id`)."""
    return _TEMPLATE_FIELD.findall(template)


def fill_template(template: str, element: dict[str, object]) -> str | None:
    """The template with each `{a.b}` replaced by `element["a"]["b"]`; None when a field is missing."""
    values: dict[str, str] = {}
    for dotted in template_fields(template):
        node: object = element
        for part in dotted.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is None or node == "" or isinstance(node, (dict, list)):
            return None
        values[dotted] = str(node)
    return _TEMPLATE_FIELD.sub(lambda m: values[m.group(1)], template)


@dataclass(frozen=True)
class CountCheck:
    """An item is whole only when `len(item[values_field]) == item[count_field]`.

    A list response without the count is no reason to skip the check: the item is read by id for it.
    When the values come back short, `refetch_path` (relative to the item) is read alone, every page.
    """

    count_field: str
    values_field: str
    refetch_path: str


@dataclass(frozen=True)
class SettingsLayout:
    """Where a settings-based type keeps its settings: for alignment by setting (DESIGN §14) and for
    naming them in findings (DESIGN §11).

    `collection` names the content array whose elements each hold one setting (keyed like the
    normaliser keys them: `settingInstance.settingDefinitionId`), which is also the navigation its
    rows are read from (`{item}/{collection}?$expand=settingDefinitions` names the settings of items
    holding a definition not known yet); `partition` names the fields that must be equal for two
    policies' settings to meet on one device (platform, technologies); `catalog` is the definition
    collection read by id for what the rows did not name (`deviceManagement/configurationSettings`;
    compliance v2 has `deviceManagement/complianceSettings`).
    """

    collection: str = "settings"
    partition: tuple[str, ...] = ("platforms", "technologies")
    catalog: str = "deviceManagement/configurationSettings"


@dataclass(frozen=True)
class PolicyContract:
    """How one policy type is read from Graph and how its items are normalised and judged."""

    key: str
    api_version: ApiVersion
    sources: tuple[Source, ...]
    permission: str
    # What a person calls the type (Intune's and Entra's words): for pages and reports, never for identity.
    display_name: str = ""
    # GET {collection}/{id}?{detail_query} merged into the listed item (script bodies live only there);
    # an empty query reads the item by id without options.
    detail_query: str | None = None
    # For polymorphic lists: the full object lives in a per-subtype collection (app protection).
    detail_collection_by_type: tuple[tuple[str, str], ...] = ()
    detail_expand_for_subtype: str = ""
    skip_odata_types: frozenset[str] = frozenset()
    follow_ups: tuple[FollowUp, ...] = ()
    singleton: bool = False
    # The key of a listed element where it is not `id` (cross-tenant access partners are keyed by tenantId).
    id_field: str = "id"
    name_field: str = "displayName"
    # Listed elements that are Microsoft's rather than the tenant's, skipped before any per-item read:
    # an element is skipped when, for every (field, values) pair, its field holds one of the values
    # (a missing field counts as None). Built-in store apps offered for app protection, not assigned.
    skip_when: tuple[tuple[str, tuple[object, ...]], ...] = ()
    count_check: CountCheck | None = None
    # Set by the service, never by an admin: dropped before hashing (GLOBAL_VOLATILE_FIELDS apply too).
    volatile_fields: frozenset[str] = frozenset()
    # Names GLOBAL_VOLATILE_FIELDS drops that this type's admin sets (terms and conditions' `version`,
    # raised when users must accept the changed terms again): kept and compared.
    admin_set_fields: frozenset[str] = frozenset()
    # Hold a PIN, password, key or token whatever their names say: stored as markers only.
    secret_fields: frozenset[str] = frozenset()
    # Bodies kept as hash and size only (script bodies, custom profile payloads), compared whole.
    script_fields: frozenset[str] = frozenset()
    # Settings-catalog style instances (`settingDefinitionId`) whose simple value is a script body:
    # that value is kept as hash and size (a Linux custom compliance discovery script).
    script_setting_ids: frozenset[str] = frozenset()
    # Navigations expanded only to say which object they point at (a role assignment's role
    # definition, an app's categories): kept as `{"id"}`, so a change to that object is its own finding.
    reference_fields: frozenset[str] = frozenset()
    has_assignments: bool = True
    severity: dict[str, Severity] = field(default_factory=dict)
    # Settings-based types are aligned setting by setting across all of a tenant's policies, and
    # their settings named from their definitions; the others are paired object to object (§14).
    settings_layout: SettingsLayout | None = None
    # The kind of reference this type's objects are the names of (`assignmentFilter` for filters):
    # other objects refer to them by id, findings show their display names.
    names_kind: str | None = None

    def skips(self, element: dict[str, object]) -> bool:
        """Whether a listed element is Microsoft's and not read (see `skip_when`)."""
        return bool(self.skip_when) and all(element.get(name) in values for name, values in self.skip_when)

    def severity_for(self, change: str) -> Severity:
        """Severity of an added/removed item or of a modified category."""
        return self.severity.get(change, _DEFAULT_SEVERITY[change])

    def all_follow_ups(self) -> Iterator[tuple[tuple[str, ...], FollowUp]]:
        """Every follow-up with the chain of navigation paths leading to it (depth first)."""

        def walk(prefix: tuple[str, ...], items: tuple[FollowUp, ...]) -> Iterator[tuple[tuple[str, ...], FollowUp]]:
            for item in items:
                chain = (*prefix, item.path)
                yield chain, item
                yield from walk(chain, item.children)

        yield from walk((), self.follow_ups)


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
