"""Contracts of the Intune policy types (`deviceManagement`, `deviceAppManagement`; pure data).

Volatile fields here are the ones Graph's metadata and docs describe as set by the service
(read-only counters, derived display names, catalogue text); an admin's setting is never volatile.
"""

from __future__ import annotations

from typing import Final

from shared.core.contracts.model import (
    ASSIGNMENT_FILTER,
    EXPAND_ASSIGNMENTS,
    PERM_APPS,
    PERM_CONFIG,
    PERM_RBAC,
    PERM_SCRIPTS,
    PERM_SERVICE,
    SCOPE_TAG,
    CountCheck,
    FollowUp,
    PolicyContract,
    SettingsLayout,
    Source,
)


def _scripts(key: str, collection: str, content_fields: frozenset[str]) -> PolicyContract:
    return PolicyContract(
        key=key,
        api_version="beta",
        sources=(Source(f"deviceManagement/{collection}"),),
        permission=PERM_SCRIPTS,
        detail_query=EXPAND_ASSIGNMENTS,
        script_fields=content_fields,
        severity={"settings": "high", "added": "high"},
    )


def _simple(key: str, collection: str, permission: str = PERM_CONFIG, **extra: object) -> PolicyContract:
    return PolicyContract(
        key=key,
        api_version="beta",
        sources=(Source(f"deviceManagement/{collection}", EXPAND_ASSIGNMENTS),),
        permission=permission,
        **extra,  # type: ignore[arg-type]
    )


# Catalogue text of an administrative template definition: Microsoft's, not the admin's.
_ADMX_DEFINITION_TEXT: Final = frozenset(
    {
        "explainText",
        "supportedOn",
        "categoryPath",
        "minDeviceCspVersion",
        "minUserCspVersion",
        "hasRelatedDefinitions",
        "groupPolicyCategoryId",
        "policyType",
    }
)

INTUNE: Final[tuple[PolicyContract, ...]] = (
    PolicyContract(
        key="settingsCatalogPolicy",
        api_version="beta",
        sources=(Source("deviceManagement/configurationPolicies", "$expand=assignments,settings"),),
        permission=PERM_CONFIG,
        name_field="name",
        count_check=CountCheck("settingCount", "settings", "settings"),
        # Derived by the service from templateReference.templateId.
        volatile_fields=frozenset({"templateDisplayName", "templateDisplayVersion"}),
        severity={"settings": "high"},
        settings_layout=SettingsLayout(),
    ),
    _simple(
        "deviceConfiguration",
        "deviceConfigurations",
        # Secret whatever the name says: the PIN that leaves Android kiosk mode, a Log Analytics
        # workspace key (Surface Hub), a Windows product key (edition upgrade).
        secret_fields=frozenset({"kioskModeExitCode", "azureOperationalInsightsWorkspaceKey", "productKey"}),
        # Custom profile payloads (a mobileconfig, an imported Wi-Fi profile with its key, an OMA CP
        # document) can embed credentials: kept as hash and size, like script bodies.
        script_fields=frozenset({"payload", "configurationXml"}),
    ),
    PolicyContract(
        key="deviceCompliancePolicy",
        api_version="beta",
        sources=(
            Source(
                "deviceManagement/deviceCompliancePolicies",
                "$expand=assignments,scheduledActionsForRule($expand=scheduledActionConfigurations)",
            ),
        ),
        permission=PERM_CONFIG,
        severity={"settings": "high", "removed": "high", "assignments": "high"},
    ),
    PolicyContract(
        key="groupPolicyConfiguration",
        api_version="beta",
        sources=(Source("deviceManagement/groupPolicyConfigurations", EXPAND_ASSIGNMENTS),),
        permission=PERM_CONFIG,
        # The Group Policy service refuses a nested $expand here and answers presentationValues expanded
        # at depth one with empty lists (GRAPH.md): presentation values are read per definition value,
        # and only where the definition has presentations at all (docs/decisions.md has the cost).
        follow_ups=(
            FollowUp(
                "definitionValues",
                "definitionValues",
                "$expand=definition",
                children=(
                    FollowUp(
                        "presentationValues",
                        "presentationValues",
                        "$expand=presentation",
                        only_if_nonempty="deviceManagement/groupPolicyDefinitions/{definition.id}/presentations",
                    ),
                ),
            ),
        ),
        volatile_fields=_ADMX_DEFINITION_TEXT | {"policyConfigurationIngestionType"},
    ),
    PolicyContract(
        key="endpointSecurityIntent",
        api_version="beta",
        sources=(Source("deviceManagement/intents", EXPAND_ASSIGNMENTS),),
        permission=PERM_CONFIG,
        # The setting instances are the configuration. `categories` only group them by the template's
        # sections (name, hasRequiredSetting): Microsoft's structure, one operation per intent for
        # nothing an admin sets, so not read.
        follow_ups=(FollowUp("settings", "settings"),),
        volatile_fields=frozenset({"isMigratingToConfigurationPolicy"}),
        severity={"settings": "high"},
    ),
    PolicyContract(
        key="appProtectionPolicy",
        api_version="beta",
        sources=(Source("deviceAppManagement/managedAppPolicies"),),
        permission=PERM_APPS,
        detail_collection_by_type=(
            ("#microsoft.graph.iosManagedAppProtection", "deviceAppManagement/iosManagedAppProtections"),
            ("#microsoft.graph.androidManagedAppProtection", "deviceAppManagement/androidManagedAppProtections"),
            ("#microsoft.graph.windowsManagedAppProtection", "deviceAppManagement/windowsManagedAppProtections"),
        ),
        detail_expand_for_subtype="$expand=apps,assignments",
        skip_odata_types=frozenset({"#microsoft.graph.targetedManagedAppConfiguration"}),
        volatile_fields=frozenset({"deployedAppCount"}),
    ),
    PolicyContract(
        key="mobileAppConfiguration",
        api_version="beta",
        sources=(
            Source("deviceAppManagement/mobileAppConfigurations", EXPAND_ASSIGNMENTS),
            # The apps a MAM app configuration targets are configuration as much as its assignments.
            Source("deviceAppManagement/targetedManagedAppConfigurations", "$expand=apps,assignments"),
        ),
        permission=PERM_APPS,
        volatile_fields=frozenset({"deployedAppCount"}),
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
        "windowsFeatureUpdateProfile",
        "windowsFeatureUpdateProfiles",
        volatile_fields=frozenset({"endOfSupportDate", "deployableContentDisplayName"}),
    ),
    _simple(
        "windowsQualityUpdateProfile",
        "windowsQualityUpdateProfiles",
        volatile_fields=frozenset({"releaseDateDisplayName", "deployableContentDisplayName"}),
    ),
    _simple(
        "windowsDriverUpdateProfile",
        "windowsDriverUpdateProfiles",
        volatile_fields=frozenset({"deviceReporting", "newUpdates", "inventorySyncStatus"}),
    ),
    PolicyContract(
        key="assignmentFilter",
        api_version="beta",
        sources=(Source("deviceManagement/assignmentFilters"),),
        permission=PERM_CONFIG,
        has_assignments=False,
        volatile_fields=frozenset({"payloads"}),
        names_kind=ASSIGNMENT_FILTER,
    ),
    PolicyContract(
        key="roleScopeTag",
        api_version="beta",
        # `$expand=assignments` answers with empty assignments on every tag: read them per tag.
        sources=(Source("deviceManagement/roleScopeTags"),),
        permission=PERM_RBAC,
        follow_ups=(FollowUp("assignments", "assignments"),),
        volatile_fields=frozenset({"isBuiltIn"}),
        severity={"assignments": "low", "settings": "low"},
        names_kind=SCOPE_TAG,
    ),
)
