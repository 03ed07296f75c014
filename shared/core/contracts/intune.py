"""Contracts of the Intune policy types (`deviceManagement`, `deviceAppManagement`; pure data)."""

from __future__ import annotations

from typing import Final

from shared.core.contracts.model import (
    EXPAND_ASSIGNMENTS,
    PERM_APPS,
    PERM_CONFIG,
    PERM_RBAC,
    PERM_SCRIPTS,
    PERM_SERVICE,
    PolicyContract,
    SubResource,
)


def _scripts(key: str, collection: str, content_fields: frozenset[str]) -> PolicyContract:
    return PolicyContract(
        key=key,
        api_version="beta",
        collections=(f"deviceManagement/{collection}",),
        permission=PERM_SCRIPTS,
        detail_query=EXPAND_ASSIGNMENTS,
        script_fields=content_fields,
        severity={"settings": "high", "added": "high"},
    )


def _simple(key: str, collection: str, permission: str = PERM_CONFIG, **extra: object) -> PolicyContract:
    return PolicyContract(
        key=key,
        api_version="beta",
        collections=(f"deviceManagement/{collection}",),
        permission=permission,
        list_query=EXPAND_ASSIGNMENTS,
        **extra,  # type: ignore[arg-type]
    )


INTUNE: Final[tuple[PolicyContract, ...]] = (
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
        list_query=EXPAND_ASSIGNMENTS,
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
        list_query=EXPAND_ASSIGNMENTS,
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
        list_query=EXPAND_ASSIGNMENTS,
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
)
