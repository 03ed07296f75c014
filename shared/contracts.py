"""The contract registry: every supported policy type described once (pure data, no I/O)."""

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

_ASSIGN = "$expand=assignments"
_HIGH_ALL: Final[dict[str, Severity]] = {
    "added": "high",
    "removed": "high",
    "settings": "high",
    "assignments": "high",
}


def _scripts(key: str, collection: str, content_fields: frozenset[str]) -> PolicyContract:
    return PolicyContract(
        key=key,
        api_version="beta",
        collections=(f"deviceManagement/{collection}",),
        permission=PERM_SCRIPTS,
        detail_query=_ASSIGN,
        script_fields=content_fields,
        severity={"settings": "high", "added": "high"},
    )


def _simple(key: str, collection: str, permission: str = PERM_CONFIG, **extra: object) -> PolicyContract:
    return PolicyContract(
        key=key,
        api_version="beta",
        collections=(f"deviceManagement/{collection}",),
        permission=permission,
        list_query=_ASSIGN,
        **extra,  # type: ignore[arg-type]
    )


_ALL: Final[tuple[PolicyContract, ...]] = (
    PolicyContract(
        key="settingsCatalogPolicy",
        api_version="beta",
        collections=("deviceManagement/configurationPolicies",),
        permission=PERM_CONFIG,
        list_query="$expand=assignments,settings",
        name_field="name",
        count_check=("settingCount", "settings"),
        count_refetch_path="settings",
        severity={"settings": "high"},
    ),
    _simple("deviceConfiguration", "deviceConfigurations"),
    PolicyContract(
        key="deviceCompliancePolicy",
        api_version="beta",
        collections=("deviceManagement/deviceCompliancePolicies",),
        permission=PERM_CONFIG,
        list_query="$expand=assignments,scheduledActionsForRule($expand=scheduledActionConfigurations)",
        severity={"settings": "high", "removed": "high", "assignments": "high"},
    ),
    PolicyContract(
        key="groupPolicyConfiguration",
        api_version="beta",
        collections=("deviceManagement/groupPolicyConfigurations",),
        permission=PERM_CONFIG,
        list_query=_ASSIGN,
        # One call per policy: presentation values come through a nested $expand instead of one
        # call per definition value (docs/decisions.md: keeps a tenant within its request budget).
        subresources=(
            SubResource(
                "definitionValues", "definitionValues", "$expand=definition,presentationValues($expand=presentation)"
            ),
        ),
    ),
    PolicyContract(
        key="endpointSecurityIntent",
        api_version="beta",
        collections=("deviceManagement/intents",),
        permission=PERM_CONFIG,
        list_query=_ASSIGN,
        subresources=(SubResource("settings", "settings"), SubResource("categories", "categories")),
        severity={"settings": "high"},
    ),
    PolicyContract(
        key="appProtectionPolicy",
        api_version="beta",
        collections=("deviceAppManagement/managedAppPolicies",),
        permission=PERM_APPS,
        detail_collection_by_type=(
            ("#microsoft.graph.iosManagedAppProtection", "deviceAppManagement/iosManagedAppProtections"),
            ("#microsoft.graph.androidManagedAppProtection", "deviceAppManagement/androidManagedAppProtections"),
            ("#microsoft.graph.windowsManagedAppProtection", "deviceAppManagement/windowsManagedAppProtections"),
        ),
        detail_expand_for_subtype="$expand=apps,assignments",
        skip_odata_types=frozenset({"#microsoft.graph.targetedManagedAppConfiguration"}),
    ),
    PolicyContract(
        key="mobileAppConfiguration",
        api_version="beta",
        collections=(
            "deviceAppManagement/mobileAppConfigurations",
            "deviceAppManagement/targetedManagedAppConfigurations",
        ),
        permission=PERM_APPS,
        list_query=_ASSIGN,
    ),
    _scripts("deviceManagementScript", "deviceManagementScripts", frozenset({"scriptContent"})),
    _scripts("deviceShellScript", "deviceShellScripts", frozenset({"scriptContent"})),
    _scripts(
        "deviceHealthScript",
        "deviceHealthScripts",
        frozenset({"detectionScriptContent", "remediationScriptContent"}),
    ),
    _simple("windowsAutopilotDeploymentProfile", "windowsAutopilotDeploymentProfiles", PERM_SERVICE),
    _simple("deviceEnrollmentConfiguration", "deviceEnrollmentConfigurations", PERM_SERVICE),
    _simple(
        "windowsFeatureUpdateProfile", "windowsFeatureUpdateProfiles", volatile_fields=frozenset({"endOfSupportDate"})
    ),
    _simple("windowsQualityUpdateProfile", "windowsQualityUpdateProfiles"),
    _simple(
        "windowsDriverUpdateProfile",
        "windowsDriverUpdateProfiles",
        volatile_fields=frozenset({"deviceReporting", "newUpdates", "inventorySyncStatus"}),
    ),
    PolicyContract(
        key="assignmentFilter",
        api_version="beta",
        collections=("deviceManagement/assignmentFilters",),
        permission=PERM_CONFIG,
        has_assignments=False,
        volatile_fields=frozenset({"payloads"}),
    ),
    _simple("roleScopeTag", "roleScopeTags", PERM_RBAC, severity={"assignments": "low", "settings": "low"}),
    PolicyContract(
        key="conditionalAccessPolicy",
        api_version="v1.0",
        collections=("identity/conditionalAccess/policies",),
        permission=PERM_POLICY,
        has_assignments=False,
        severity=_HIGH_ALL,
    ),
    PolicyContract(
        key="namedLocation",
        api_version="v1.0",
        collections=("identity/conditionalAccess/namedLocations",),
        permission=PERM_POLICY,
        has_assignments=False,
        severity={"settings": "high", "removed": "high"},
    ),
    PolicyContract(
        key="authenticationMethodsPolicy",
        api_version="v1.0",
        collections=("policies/authenticationMethodsPolicy",),
        permission=PERM_POLICY,
        list_query="$expand=authenticationMethodConfigurations",
        singleton=True,
        has_assignments=False,
        volatile_fields=frozenset({"policyMigrationState", "policyVersion", "reconfirmationInDays"}),
        severity=_HIGH_ALL,
    ),
)

CONTRACTS: Final[dict[str, PolicyContract]] = {c.key: c for c in _ALL}

# Fields that never mean drift, anywhere in an item.
GLOBAL_VOLATILE_FIELDS: Final = frozenset(
    {
        "createdDateTime",
        "lastModifiedDateTime",
        "modifiedDateTime",
        "version",
        "settingCount",
        "isAssigned",
        "creationSource",
        "supportsScopeTags",
        "deviceManagementApplicabilityRuleOsEdition",
        "deviceManagementApplicabilityRuleOsVersion",
        "deviceManagementApplicabilityRuleDeviceMode",
    }
)


def contract_for(policy_type: str) -> PolicyContract:
    """The contract of a policy type; unknown types are refused (fail safe)."""
    try:
        return CONTRACTS[policy_type]
    except KeyError:
        from shared.errors import ValidationError

        raise ValidationError(f"Unsupported policy type: {policy_type}", "unknown_policy_type") from None
