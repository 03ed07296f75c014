"""Contracts of the Intune policy types (`deviceManagement`, `deviceAppManagement`; pure data).

Volatile fields here are the ones Graph's metadata and docs describe as set by the service
(read-only counters, derived display names, catalogue text); an admin's setting is never volatile.
"""

from __future__ import annotations

from typing import Final

from shared.core.contracts.model import (
    ASSIGNMENT_FILTER,
    EXPAND_ASSIGNMENTS,
    HIGH_ALL,
    PERM_APPS,
    PERM_CLOUD_PC,
    PERM_CONFIG,
    PERM_RBAC,
    PERM_SCRIPTS,
    PERM_SERVICE,
    SCOPE_TAG,
    CountCheck,
    FollowUp,
    PolicyContract,
    SettingsLayout,
    Severity,
    Source,
)


def _scripts(
    key: str,
    collection: str,
    content_fields: frozenset[str],
    display_name: str,
    detail_query: str = EXPAND_ASSIGNMENTS,
    has_assignments: bool = True,
) -> PolicyContract:
    # Script bodies come only with the item read by id (GRAPH.md), assignments with them.
    return PolicyContract(
        key=key,
        api_version="beta",
        sources=(Source(f"deviceManagement/{collection}"),),
        permission=PERM_SCRIPTS,
        display_name=display_name,
        detail_query=detail_query,
        script_fields=content_fields,
        has_assignments=has_assignments,
        severity={"settings": "high", "added": "high"},
    )


def _simple(
    key: str, collection: str, display_name: str, permission: str = PERM_CONFIG, **extra: object
) -> PolicyContract:
    return PolicyContract(
        key=key,
        api_version="beta",
        sources=(Source(f"deviceManagement/{collection}", EXPAND_ASSIGNMENTS),),
        permission=permission,
        display_name=display_name,
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

# Set by the service on an app: upload and publishing state, counters, hashes of the uploaded
# binary and of store manifests, store and VPP licence bookkeeping, names derived from a VPP token.
_APP_SERVICE_FIELDS: Final = frozenset(
    {
        "uploadState",
        "publishingState",
        "dependentAppCount",
        "supersedingAppCount",
        "supersededAppCount",
        "committedContentVersion",
        "size",
        "md5Hash",
        "md5HashChunkSize",
        "manifestHash",
        "usedLicenseCount",
        "totalLicenseCount",
        "revokeLicenseActionResults",
        "releaseDateTime",
        "vppTokenDisplayName",
    }
)
_LOW: Final[dict[str, Severity]] = {"added": "low", "removed": "low", "settings": "low", "assignments": "low"}
# The settings-catalog style compliance discovery script of Linux, kept in a reusable setting.
LINUX_DISCOVERY_SCRIPT: Final = "linux_customcompliance_discoveryscript_reusablesetting"
BRANDING_IMAGES: Final = ("themeColorLogo", "lightBackgroundLogo", "landingPageCustomizedImage")

INTUNE: Final[tuple[PolicyContract, ...]] = (
    PolicyContract(
        key="settingsCatalogPolicy",
        api_version="beta",
        sources=(Source("deviceManagement/configurationPolicies", "$expand=assignments,settings"),),
        permission=PERM_CONFIG,
        display_name="Settings catalog",
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
        "Device configuration",
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
        display_name="Compliance policy",
        severity={"settings": "high", "removed": "high", "assignments": "high"},
    ),
    PolicyContract(
        key="groupPolicyConfiguration",
        api_version="beta",
        sources=(Source("deviceManagement/groupPolicyConfigurations", EXPAND_ASSIGNMENTS),),
        permission=PERM_CONFIG,
        display_name="Administrative template",
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
        display_name="Endpoint security (intent)",
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
        display_name="App protection",
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
        display_name="App configuration",
        volatile_fields=frozenset({"deployedAppCount"}),
    ),
    _scripts(
        "deviceManagementScript", "deviceManagementScripts", frozenset({"scriptContent"}), "Platform script (Windows)"
    ),
    _scripts("deviceShellScript", "deviceShellScripts", frozenset({"scriptContent"}), "Shell script (macOS)"),
    _scripts(
        "deviceHealthScript",
        "deviceHealthScripts",
        frozenset({"detectionScriptContent", "remediationScriptContent"}),
        "Remediation",
    ),
    _simple(
        "windowsAutopilotDeploymentProfile", "windowsAutopilotDeploymentProfiles", "Autopilot profile", PERM_SERVICE
    ),
    _simple(
        "deviceEnrollmentConfiguration", "deviceEnrollmentConfigurations", "Enrollment configuration", PERM_SERVICE
    ),
    _simple(
        "windowsFeatureUpdateProfile",
        "windowsFeatureUpdateProfiles",
        "Feature update profile",
        volatile_fields=frozenset({"endOfSupportDate", "deployableContentDisplayName"}),
    ),
    _simple(
        "windowsQualityUpdateProfile",
        "windowsQualityUpdateProfiles",
        "Quality update profile",
        volatile_fields=frozenset({"releaseDateDisplayName", "deployableContentDisplayName"}),
    ),
    _simple(
        "windowsDriverUpdateProfile",
        "windowsDriverUpdateProfiles",
        "Driver update profile",
        volatile_fields=frozenset({"deviceReporting", "newUpdates", "inventorySyncStatus"}),
    ),
    PolicyContract(
        key="assignmentFilter",
        api_version="beta",
        sources=(Source("deviceManagement/assignmentFilters"),),
        permission=PERM_CONFIG,
        display_name="Assignment filter",
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
        display_name="Scope tag",
        follow_ups=(FollowUp("assignments", "assignments"),),
        volatile_fields=frozenset({"isBuiltIn"}),
        severity={"assignments": "low", "settings": "low"},
        names_kind=SCOPE_TAG,
    ),
    # -- DESIGN §10: the rest of what an MSP's Intune tenant holds ------------------------------------
    PolicyContract(
        key="mobileApp",
        api_version="beta",
        sources=(Source("deviceAppManagement/mobileApps"),),
        permission=PERM_APPS,
        display_name="App",
        # The list answers without roleScopeTagIds (IntuneCD and IntuneManagement read them per app):
        # one read by id per app brings them, with assignments and categories. Metadata only: the
        # binaries are never read, the icon is kept as hash and size.
        detail_query="$expand=assignments,categories",
        skip_when=(("appAvailability", ("global",)), ("isAssigned", (False, None))),
        reference_fields=frozenset({"categories"}),
        volatile_fields=_APP_SERVICE_FIELDS,
        # A Store for Business product key: masked, as product keys are elsewhere.
        secret_fields=frozenset({"productKey"}),
        script_fields=frozenset({"largeIcon", "scriptContent", "officeConfigurationXml"}),
        severity={"added": "low", "removed": "medium", "settings": "medium", "assignments": "high"},
    ),
    PolicyContract(
        key="policySet",
        api_version="beta",
        sources=(Source("deviceAppManagement/policySets"),),
        permission=PERM_CONFIG,
        display_name="Policy set",
        # The list refuses $expand (IntuneManagement): items and assignments come with each set by id.
        detail_query="$expand=assignments,items",
        # Validation state the service keeps on the set and on each item.
        volatile_fields=frozenset({"status", "errorCode"}),
        severity={"assignments": "high"},
    ),
    PolicyContract(
        key="roleDefinition",
        api_version="beta",
        sources=(Source("deviceManagement/roleDefinitions"),),
        permission=PERM_RBAC,
        display_name="Intune role",
        has_assignments=False,
        # `permissions` is the service's mirror of `rolePermissions` for older clients.
        volatile_fields=frozenset({"isBuiltInRoleDefinition", "permissions"}),
        severity=HIGH_ALL,
    ),
    PolicyContract(
        key="roleAssignment",
        api_version="beta",
        sources=(Source("deviceManagement/roleAssignments"),),
        permission=PERM_RBAC,
        display_name="Intune role assignment",
        # Which role an assignment grants is only in its roleDefinition navigation (and
        # roleDefinitions/{id}/roleAssignments is refused): each assignment is read by id with it.
        detail_query="$expand=roleDefinition",
        reference_fields=frozenset({"roleDefinition"}),
        has_assignments=False,
        severity=HIGH_ALL,
    ),
    PolicyContract(
        key="deviceCategory",
        api_version="beta",
        sources=(Source("deviceManagement/deviceCategories"),),
        permission=PERM_CONFIG,
        display_name="Device category",
        has_assignments=False,
        severity=_LOW,
    ),
    PolicyContract(
        key="notificationMessageTemplate",
        api_version="beta",
        sources=(Source("deviceManagement/notificationMessageTemplates", "$expand=localizedNotificationMessages"),),
        permission=PERM_SERVICE,
        display_name="Notification message template",
        has_assignments=False,
        severity=_LOW,
    ),
    PolicyContract(
        key="termsAndConditions",
        api_version="beta",
        sources=(Source("deviceManagement/termsAndConditions"),),
        permission=PERM_SERVICE,
        display_name="Terms and conditions",
        # $expand=assignments is refused here (IntuneManagement): read per item.
        follow_ups=(FollowUp("assignments", "assignments"),),
        # Raised by an admin who wants users to accept the changed terms again.
        admin_set_fields=frozenset({"version"}),
    ),
    PolicyContract(
        key="intuneBrandingProfile",
        api_version="beta",
        sources=(Source("deviceManagement/intuneBrandingProfiles", EXPAND_ASSIGNMENTS),),
        permission=PERM_APPS,
        display_name="Company Portal branding",
        name_field="profileName",
        # The logos come only at their own paths (IntuneManagement); kept as hash and size.
        follow_ups=tuple(FollowUp(image, image, single=True) for image in BRANDING_IMAGES),
        script_fields=frozenset(BRANDING_IMAGES),
        severity=_LOW,
    ),
    PolicyContract(
        key="depEnrollmentProfile",
        api_version="beta",
        sources=(Source("deviceManagement/depOnboardingSettings/{id}/enrollmentProfiles"),),
        permission=PERM_SERVICE,
        display_name="Apple automated device enrollment profile",
        has_assignments=False,
        # The endpoint URL and the management certificates are generated by the service per profile.
        volatile_fields=frozenset({"configurationEndpointUrl", "managementCertificates"}),
        severity={"settings": "medium", "removed": "high"},
    ),
    PolicyContract(
        key="androidDeviceOwnerEnrollmentProfile",
        api_version="beta",
        sources=(Source("deviceManagement/androidDeviceOwnerEnrollmentProfiles"),),
        permission=PERM_CONFIG,
        display_name="Android Enterprise enrollment profile",
        has_assignments=False,
        # The enrollment token enrolls a device into the tenant: the token, the QR code that carries
        # it and its image are secrets; a new token shows as a changed marker.
        secret_fields=frozenset({"tokenValue", "qrCodeContent", "qrCodeImage"}),
        # Counters, the token's creation time and the tenant's Intune account id: the service's.
        volatile_fields=frozenset(
            {"enrolledDeviceCount", "enrollmentTokenUsageCount", "tokenCreationDateTime", "accountId"}
        ),
        severity={"settings": "medium", "removed": "high"},
    ),
    _scripts(
        "deviceComplianceScript",
        "deviceComplianceScripts",
        frozenset({"detectionScriptContent"}),
        "Custom compliance script",
        # Referenced by compliance policies, never assigned itself.
        detail_query="",
        has_assignments=False,
    ),
    _scripts(
        "deviceCustomAttributeShellScript",
        "deviceCustomAttributeShellScripts",
        frozenset({"scriptContent"}),
        "Custom attribute script (macOS)",
    ),
    PolicyContract(
        key="compliancePolicy",
        api_version="beta",
        # The settings-catalog service: settings page at 25 and are cut when expanded, as there.
        sources=(Source("deviceManagement/compliancePolicies", "$expand=assignments,settings"),),
        permission=PERM_CONFIG,
        display_name="Compliance policy (settings catalog)",
        name_field="name",
        count_check=CountCheck("settingCount", "settings", "settings"),
        # Aligned setting by setting, like the settings catalog (DESIGN §14); its definitions are
        # compliance settings, a catalogue of their own.
        settings_layout=SettingsLayout(catalog="deviceManagement/complianceSettings"),
        follow_ups=(
            FollowUp("scheduledActionsForRule", "scheduledActionsForRule", "$expand=scheduledActionConfigurations"),
        ),
        severity={"settings": "high", "removed": "high", "assignments": "high"},
    ),
    PolicyContract(
        key="reusablePolicySetting",
        api_version="beta",
        # The instance comes only when selected (IntuneCD and IntuneManagement select it).
        sources=(
            Source(
                "deviceManagement/reusablePolicySettings",
                "$select=id,displayName,description,settingDefinitionId,settingInstance",
            ),
        ),
        permission=PERM_CONFIG,
        display_name="Reusable settings",
        has_assignments=False,
        script_setting_ids=frozenset({LINUX_DISCOVERY_SCRIPT}),
        severity={"settings": "high"},
    ),
    PolicyContract(
        key="cloudPcProvisioningPolicy",
        api_version="beta",
        sources=(Source("deviceManagement/virtualEndpoint/provisioningPolicies", EXPAND_ASSIGNMENTS),),
        permission=PERM_CLOUD_PC,
        display_name="Windows 365 provisioning policy",
        # Who touched it last and the image's display name are the service's.
        volatile_fields=frozenset({"createdBy", "lastModifiedBy", "imageDisplayName", "alternateResourceUrl"}),
        severity={"settings": "high", "assignments": "high"},
    ),
    PolicyContract(
        key="cloudPcUserSetting",
        api_version="beta",
        sources=(Source("deviceManagement/virtualEndpoint/userSettings", EXPAND_ASSIGNMENTS),),
        permission=PERM_CLOUD_PC,
        display_name="Windows 365 user setting",
        severity={"settings": "medium", "assignments": "medium"},
    ),
)
