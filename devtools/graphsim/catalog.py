"""What the simulator serves: collections, their API versions, navigation properties and paging.

A *bucket* is a stored collection path (``deviceManagement/configurationPolicies``). A *type key*
names a policy type of the app and maps to one or more buckets (app protection has three platform
buckets, app configuration two). ``deviceAppManagement/managedAppPolicies`` is a virtual union view.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BETA = "beta"
V1 = "v1.0"
VERSIONS: frozenset[str] = frozenset({BETA, V1})
BOTH: frozenset[str] = VERSIONS
BETA_ONLY: frozenset[str] = frozenset({BETA})

DEFAULT_PAGE_SIZE = 100
SETTINGS_CATALOG_PAGE_SIZE = 25
MAX_TOP = 999
EXPAND_LIMIT = 100
"""Strict mode: an expanded collection holds at most this many elements, then `<nav>@odata.nextLink`."""


@dataclass(frozen=True)
class Nav:
    """A navigation property: returned only when expanded, or fetched by its own path."""

    name: str
    single: bool = False
    page_size: int = DEFAULT_PAGE_SIZE
    max_top: int = MAX_TOP
    children: tuple[Nav, ...] = ()
    entity_type: str = ""
    expands_empty: bool = False
    """Strict mode: the service answers this navigation with an empty collection when it is expanded
    (admin template presentation values, scope tag assignments); its own path answers in full."""
    refused_when: tuple[str, str] | None = None
    """Strict mode: (field, value) of the owner for which the navigation's own path is a 400
    (combination configurations of a built-in authentication strength)."""

    def child(self, name: str) -> Nav | None:
        return next((n for n in self.children if n.name == name), None)


@dataclass(frozen=True)
class CollectionSpec:
    """One servable collection (or singleton)."""

    path: str
    type_key: str | None
    entity_type: str
    versions: frozenset[str]
    navs: tuple[Nav, ...] = ()
    page_size: int = DEFAULT_PAGE_SIZE
    max_top: int = MAX_TOP
    detail_only: tuple[str, ...] = ()
    singleton: bool = False
    virtual: bool = False
    count_and_tips: bool = False
    intune: bool = True
    extra: dict[str, str] = field(default_factory=dict)
    max_expansion_depth: int | None = None
    """Strict mode: a deeper `$expand` anywhere under this collection is a 400 (Group Policy service)."""
    takes_query_options: bool = True
    """Strict mode: False answers any query option with a 400 (the authentication methods policy)."""
    inline_navs: tuple[str, ...] = ()
    """Strict mode: navigations the service sends without being asked for."""
    uncounted_when_cut: tuple[str, str] | None = None
    """Strict mode: (count property, navigation): a list item whose expanded navigation was cut short
    comes without the count (the reader must read the item by id for it)."""
    setting_definitions: str | None = None
    """The catalogue (a bucket) whose definitions `settings(…)/settingDefinitions` expands: the
    definition of every instance a setting row holds, nested children included."""
    permissions: frozenset[str] = frozenset()
    """Application permissions any one of which lets an app read here (a tenant that consented to
    none of them gets 403). Empty: not checked."""
    key_field: str = "id"
    """The property that keys an element (cross-tenant access partners are keyed by ``tenantId``)."""
    parent: str | None = None
    """For a nested collection (``a/b/{id}/c``): the collection whose elements own these (``a/b``)."""
    list_omits: tuple[str, ...] = ()
    """Strict mode: properties the list leaves out; the item read by id has them (apps' scope tags)."""
    expand_refused: tuple[str, ...] = ()
    """Strict mode: navigations the service refuses to ``$expand`` here (terms and conditions'
    assignments): read at their own path."""
    list_expand_refused: bool = False
    """Strict mode: the list takes no ``$expand`` at all (policy sets); the item read by id does."""
    select_only: tuple[str, ...] = ()
    """Strict mode: properties sent only when ``$select`` names them (a reusable setting's instance)."""
    own_path_properties: tuple[str, ...] = ()
    """Strict mode: properties never in an answer about the object, only at their own path
    (``{item}/{property}``; branding logos)."""
    stamped: bool = True
    """Intune objects added without timestamps get ``createdDateTime`` / ``lastModifiedDateTime``;
    False where the entity has no such properties (role definitions, device categories ...)."""
    versioned: bool = True
    """Every save raises an integer ``version`` (Intune's counter); False where ``version`` is the
    admin's (terms and conditions: raised to make users accept again)."""

    def nav(self, name: str) -> Nav | None:
        return next((n for n in self.navs if n.name == name), None)


ASSIGNMENTS = Nav("assignments", entity_type="assignment")
SETTING_DEFINITIONS = Nav("settingDefinitions", entity_type="deviceManagementConfigurationSettingDefinition")
# The settings-catalog service (configuration and compliance policies) pages settings at 25.
SETTINGS = Nav(
    "settings",
    page_size=SETTINGS_CATALOG_PAGE_SIZE,
    max_top=SETTINGS_CATALOG_PAGE_SIZE,
    children=(SETTING_DEFINITIONS,),
)


def _read(*names: str) -> frozenset[str]:
    """The read permissions and their ReadWrite counterparts (Graph takes either)."""
    return frozenset(n for name in names for n in (name, name.replace(".Read.", ".ReadWrite.")))


CONFIG = _read("DeviceManagementConfiguration.Read.All")
APPS = _read("DeviceManagementApps.Read.All")
SERVICE = _read("DeviceManagementServiceConfig.Read.All")
SCRIPTS = _read("DeviceManagementScripts.Read.All")
RBAC = _read("DeviceManagementRBAC.Read.All")
POLICY = _read("Policy.Read.All")
CLOUD_PC = _read("CloudPC.Read.All")
DEVICE_REGISTRATION = _read("Policy.Read.DeviceConfiguration")
GROUP_SETTINGS = _read("GroupSettings.Read.All", "Group.Read.All", "Directory.Read.All")
GROUPS = _read("Group.Read.All", "GroupMember.Read.All", "Directory.Read.All")
BRANDING_IMAGES = ("themeColorLogo", "lightBackgroundLogo", "landingPageCustomizedImage")

_SPECS: tuple[CollectionSpec, ...] = (
    CollectionSpec(
        "deviceManagement/configurationPolicies",
        "settingsCatalogPolicy",
        "microsoft.graph.deviceManagementConfigurationPolicy",
        BETA_ONLY,
        navs=(
            SETTINGS,
            ASSIGNMENTS,
        ),
        page_size=SETTINGS_CATALOG_PAGE_SIZE,
        max_top=SETTINGS_CATALOG_PAGE_SIZE,
        count_and_tips=True,
        uncounted_when_cut=("settingCount", "settings"),
        permissions=CONFIG,
        setting_definitions="deviceManagement/configurationSettings",
    ),
    CollectionSpec(
        "deviceManagement/configurationSettings",
        None,
        "microsoft.graph.deviceManagementConfigurationSettingDefinition",
        BETA_ONLY,
        permissions=CONFIG,
    ),
    CollectionSpec(
        "deviceManagement/deviceConfigurations",
        "deviceConfiguration",
        "microsoft.graph.deviceConfiguration",
        BOTH,
        navs=(ASSIGNMENTS,),
        permissions=CONFIG,
    ),
    CollectionSpec(
        "deviceManagement/deviceCompliancePolicies",
        "deviceCompliancePolicy",
        "microsoft.graph.deviceCompliancePolicy",
        BOTH,
        navs=(
            ASSIGNMENTS,
            Nav("scheduledActionsForRule", children=(Nav("scheduledActionConfigurations"),)),
        ),
        permissions=CONFIG,
    ),
    CollectionSpec(
        "deviceManagement/groupPolicyConfigurations",
        "groupPolicyConfiguration",
        "microsoft.graph.groupPolicyConfiguration",
        BETA_ONLY,
        navs=(
            ASSIGNMENTS,
            Nav(
                "definitionValues",
                children=(
                    Nav("definition", single=True),
                    Nav("presentationValues", children=(Nav("presentation", single=True),), expands_empty=True),
                ),
            ),
        ),
        max_expansion_depth=1,
        permissions=CONFIG,
    ),
    CollectionSpec(
        "deviceManagement/groupPolicyDefinitions",
        None,
        "microsoft.graph.groupPolicyDefinition",
        BETA_ONLY,
        navs=(Nav("presentations"),),
        permissions=CONFIG,
    ),
    CollectionSpec(
        "deviceManagement/intents",
        "endpointSecurityIntent",
        "microsoft.graph.deviceManagementIntent",
        BETA_ONLY,
        navs=(ASSIGNMENTS, Nav("settings"), Nav("categories", children=(Nav("settings"),))),
        permissions=CONFIG,
    ),
    CollectionSpec(
        "deviceAppManagement/managedAppPolicies",
        "appProtectionPolicy",
        "microsoft.graph.managedAppPolicy",
        BOTH,
        virtual=True,
        permissions=APPS,
    ),
    CollectionSpec(
        "deviceAppManagement/iosManagedAppProtections",
        "appProtectionPolicy",
        "microsoft.graph.iosManagedAppProtection",
        BOTH,
        navs=(Nav("apps"), ASSIGNMENTS),
        permissions=APPS,
    ),
    CollectionSpec(
        "deviceAppManagement/androidManagedAppProtections",
        "appProtectionPolicy",
        "microsoft.graph.androidManagedAppProtection",
        BOTH,
        navs=(Nav("apps"), ASSIGNMENTS),
        permissions=APPS,
    ),
    CollectionSpec(
        "deviceAppManagement/windowsManagedAppProtections",
        "appProtectionPolicy",
        "microsoft.graph.windowsManagedAppProtection",
        BETA_ONLY,
        navs=(Nav("apps"), ASSIGNMENTS),
        permissions=APPS,
    ),
    CollectionSpec(
        "deviceAppManagement/mobileAppConfigurations",
        "mobileAppConfiguration",
        "microsoft.graph.managedDeviceMobileAppConfiguration",
        BOTH,
        navs=(ASSIGNMENTS,),
        permissions=APPS,
    ),
    CollectionSpec(
        "deviceAppManagement/targetedManagedAppConfigurations",
        "mobileAppConfiguration",
        "microsoft.graph.targetedManagedAppConfiguration",
        BOTH,
        navs=(Nav("apps"), ASSIGNMENTS),
        permissions=APPS,
    ),
    CollectionSpec(
        "deviceManagement/deviceManagementScripts",
        "deviceManagementScript",
        "microsoft.graph.deviceManagementScript",
        BETA_ONLY,
        navs=(ASSIGNMENTS,),
        detail_only=("scriptContent",),
        permissions=SCRIPTS,
    ),
    CollectionSpec(
        "deviceManagement/deviceShellScripts",
        "deviceShellScript",
        "microsoft.graph.deviceShellScript",
        BETA_ONLY,
        navs=(ASSIGNMENTS,),
        detail_only=("scriptContent",),
        permissions=SCRIPTS,
    ),
    CollectionSpec(
        "deviceManagement/deviceHealthScripts",
        "deviceHealthScript",
        "microsoft.graph.deviceHealthScript",
        BETA_ONLY,
        navs=(ASSIGNMENTS,),
        detail_only=("detectionScriptContent", "remediationScriptContent"),
        permissions=SCRIPTS,
    ),
    CollectionSpec(
        "deviceManagement/windowsAutopilotDeploymentProfiles",
        "windowsAutopilotDeploymentProfile",
        "microsoft.graph.windowsAutopilotDeploymentProfile",
        BETA_ONLY,
        navs=(ASSIGNMENTS,),
        permissions=SERVICE,
    ),
    CollectionSpec(
        "deviceManagement/deviceEnrollmentConfigurations",
        "deviceEnrollmentConfiguration",
        "microsoft.graph.deviceEnrollmentConfiguration",
        BOTH,
        navs=(ASSIGNMENTS,),
        permissions=SERVICE,
    ),
    CollectionSpec(
        "deviceManagement/windowsFeatureUpdateProfiles",
        "windowsFeatureUpdateProfile",
        "microsoft.graph.windowsFeatureUpdateProfile",
        BETA_ONLY,
        navs=(ASSIGNMENTS,),
        permissions=CONFIG,
    ),
    CollectionSpec(
        "deviceManagement/windowsQualityUpdateProfiles",
        "windowsQualityUpdateProfile",
        "microsoft.graph.windowsQualityUpdateProfile",
        BETA_ONLY,
        navs=(ASSIGNMENTS,),
        permissions=CONFIG,
    ),
    CollectionSpec(
        "deviceManagement/windowsDriverUpdateProfiles",
        "windowsDriverUpdateProfile",
        "microsoft.graph.windowsDriverUpdateProfile",
        BETA_ONLY,
        navs=(ASSIGNMENTS,),
        permissions=CONFIG,
    ),
    CollectionSpec(
        "deviceManagement/assignmentFilters",
        "assignmentFilter",
        "microsoft.graph.deviceAndAppManagementAssignmentFilter",
        BETA_ONLY,
        permissions=CONFIG,
    ),
    CollectionSpec(
        "deviceManagement/roleScopeTags",
        "roleScopeTag",
        "microsoft.graph.roleScopeTag",
        BETA_ONLY,
        navs=(Nav("assignments", entity_type="roleScopeTagAutoAssignment", expands_empty=True),),
        permissions=RBAC,
        stamped=False,
    ),
    CollectionSpec(
        "identity/conditionalAccess/policies",
        "conditionalAccessPolicy",
        "microsoft.graph.conditionalAccessPolicy",
        BOTH,
        intune=False,
        permissions=POLICY,
    ),
    CollectionSpec(
        "identity/conditionalAccess/namedLocations",
        "namedLocation",
        "microsoft.graph.namedLocation",
        BOTH,
        intune=False,
        permissions=POLICY,
    ),
    CollectionSpec(
        "policies/authenticationMethodsPolicy",
        "authenticationMethodsPolicy",
        "microsoft.graph.authenticationMethodsPolicy",
        BOTH,
        navs=(Nav("authenticationMethodConfigurations"),),
        singleton=True,
        intune=False,
        takes_query_options=False,
        inline_navs=("authenticationMethodConfigurations",),
        permissions=POLICY,
    ),
    # -- DESIGN §10 ------------------------------------------------------------------------------
    CollectionSpec(
        "deviceAppManagement/mobileApps",
        "mobileApp",
        "microsoft.graph.mobileApp",
        BOTH,
        navs=(Nav("assignments", entity_type="mobileAppAssignment"), Nav("categories")),
        permissions=APPS,
        list_omits=("roleScopeTagIds",),
    ),
    CollectionSpec(
        "deviceAppManagement/policySets",
        "policySet",
        "microsoft.graph.policySet",
        BETA_ONLY,
        navs=(ASSIGNMENTS, Nav("items")),
        permissions=CONFIG,
        list_expand_refused=True,
    ),
    CollectionSpec(
        "deviceManagement/roleDefinitions",
        "roleDefinition",
        "microsoft.graph.roleDefinition",
        BOTH,
        permissions=RBAC,
        stamped=False,
    ),
    CollectionSpec(
        "deviceManagement/roleAssignments",
        "roleAssignment",
        "microsoft.graph.deviceAndAppManagementRoleAssignment",
        BOTH,
        navs=(Nav("roleDefinition", single=True),),
        permissions=RBAC,
        stamped=False,
    ),
    CollectionSpec(
        "deviceManagement/deviceCategories",
        "deviceCategory",
        "microsoft.graph.deviceCategory",
        BOTH,
        permissions=CONFIG,
        stamped=False,
    ),
    CollectionSpec(
        "deviceManagement/notificationMessageTemplates",
        "notificationMessageTemplate",
        "microsoft.graph.notificationMessageTemplate",
        BOTH,
        navs=(Nav("localizedNotificationMessages"),),
        permissions=SERVICE,
        stamped=False,
    ),
    CollectionSpec(
        "deviceManagement/termsAndConditions",
        "termsAndConditions",
        "microsoft.graph.termsAndConditions",
        BOTH,
        navs=(Nav("assignments", entity_type="termsAndConditionsAssignment"),),
        permissions=SERVICE,
        expand_refused=("assignments",),
        versioned=False,
    ),
    CollectionSpec(
        "deviceManagement/intuneBrandingProfiles",
        "intuneBrandingProfile",
        "microsoft.graph.intuneBrandingProfile",
        BETA_ONLY,
        navs=(ASSIGNMENTS,),
        permissions=APPS | SERVICE,
        own_path_properties=BRANDING_IMAGES,
    ),
    CollectionSpec(
        "deviceManagement/depOnboardingSettings",
        None,
        "microsoft.graph.depOnboardingSetting",
        BETA_ONLY,
        permissions=SERVICE,
        stamped=False,
    ),
    CollectionSpec(
        "deviceManagement/depOnboardingSettings/{id}/enrollmentProfiles",
        "depEnrollmentProfile",
        "microsoft.graph.enrollmentProfile",
        BETA_ONLY,
        permissions=SERVICE,
        parent="deviceManagement/depOnboardingSettings",
        stamped=False,
    ),
    CollectionSpec(
        "deviceManagement/androidDeviceOwnerEnrollmentProfiles",
        "androidDeviceOwnerEnrollmentProfile",
        "microsoft.graph.androidDeviceOwnerEnrollmentProfile",
        BETA_ONLY,
        permissions=CONFIG,
    ),
    CollectionSpec(
        "deviceManagement/deviceComplianceScripts",
        "deviceComplianceScript",
        "microsoft.graph.deviceComplianceScript",
        BETA_ONLY,
        navs=(ASSIGNMENTS,),
        detail_only=("detectionScriptContent",),
        permissions=SCRIPTS,
    ),
    CollectionSpec(
        "deviceManagement/deviceCustomAttributeShellScripts",
        "deviceCustomAttributeShellScript",
        "microsoft.graph.deviceCustomAttributeShellScript",
        BETA_ONLY,
        navs=(ASSIGNMENTS,),
        detail_only=("scriptContent",),
        permissions=SCRIPTS,
    ),
    CollectionSpec(
        "deviceManagement/compliancePolicies",
        "compliancePolicy",
        "microsoft.graph.deviceManagementCompliancePolicy",
        BETA_ONLY,
        navs=(
            SETTINGS,
            ASSIGNMENTS,
            Nav("scheduledActionsForRule", children=(Nav("scheduledActionConfigurations"),)),
        ),
        page_size=SETTINGS_CATALOG_PAGE_SIZE,
        max_top=SETTINGS_CATALOG_PAGE_SIZE,
        count_and_tips=True,
        uncounted_when_cut=("settingCount", "settings"),
        permissions=CONFIG,
        setting_definitions="deviceManagement/complianceSettings",
    ),
    CollectionSpec(
        "deviceManagement/complianceSettings",
        None,
        "microsoft.graph.deviceManagementConfigurationSettingDefinition",
        BETA_ONLY,
        permissions=CONFIG,
    ),
    CollectionSpec(
        "deviceManagement/reusablePolicySettings",
        "reusablePolicySetting",
        "microsoft.graph.deviceManagementReusablePolicySetting",
        BETA_ONLY,
        permissions=CONFIG,
        select_only=("settingInstance",),
    ),
    CollectionSpec(
        "deviceManagement/virtualEndpoint/provisioningPolicies",
        "cloudPcProvisioningPolicy",
        "microsoft.graph.cloudPcProvisioningPolicy",
        BOTH,
        navs=(Nav("assignments", entity_type="cloudPcProvisioningPolicyAssignment"),),
        permissions=CLOUD_PC,
    ),
    CollectionSpec(
        "deviceManagement/virtualEndpoint/userSettings",
        "cloudPcUserSetting",
        "microsoft.graph.cloudPcUserSetting",
        BOTH,
        navs=(Nav("assignments", entity_type="cloudPcUserSettingAssignment"),),
        permissions=CLOUD_PC,
    ),
    CollectionSpec(
        "policies/identitySecurityDefaultsEnforcementPolicy",
        "identitySecurityDefaultsEnforcementPolicy",
        "microsoft.graph.identitySecurityDefaultsEnforcementPolicy",
        BOTH,
        singleton=True,
        intune=False,
        permissions=POLICY,
    ),
    CollectionSpec(
        # A collection in beta: the singleton shape is v1.0's.
        "policies/authorizationPolicy",
        "authorizationPolicy",
        "microsoft.graph.authorizationPolicy",
        frozenset({V1}),
        singleton=True,
        intune=False,
        permissions=POLICY,
    ),
    CollectionSpec(
        "policies/authenticationStrengthPolicies",
        "authenticationStrengthPolicy",
        "microsoft.graph.authenticationStrengthPolicy",
        BOTH,
        navs=(Nav("combinationConfigurations", refused_when=("policyType", "builtIn")),),
        intune=False,
        permissions=POLICY,
    ),
    CollectionSpec(
        "policies/crossTenantAccessPolicy",
        "crossTenantAccessPolicy",
        "microsoft.graph.crossTenantAccessPolicy",
        BOTH,
        navs=(Nav("default", single=True),),
        singleton=True,
        intune=False,
        permissions=POLICY,
    ),
    CollectionSpec(
        "policies/crossTenantAccessPolicy/partners",
        "crossTenantAccessPartner",
        "microsoft.graph.crossTenantAccessPolicyConfigurationPartner",
        BOTH,
        intune=False,
        permissions=POLICY,
        key_field="tenantId",
    ),
    CollectionSpec(
        "groupSettings",
        "groupSetting",
        "microsoft.graph.groupSetting",
        frozenset({V1}),
        intune=False,
        permissions=GROUP_SETTINGS,
    ),
    CollectionSpec(
        "policies/deviceRegistrationPolicy",
        "deviceRegistrationPolicy",
        "microsoft.graph.deviceRegistrationPolicy",
        BOTH,
        singleton=True,
        intune=False,
        permissions=DEVICE_REGISTRATION,
    ),
    CollectionSpec("groups", None, "microsoft.graph.group", BOTH, intune=False, permissions=GROUPS),
)

COLLECTIONS: dict[str, CollectionSpec] = {spec.path: spec for spec in _SPECS}
"""Every servable path (without version) to its spec."""

NESTED: tuple[CollectionSpec, ...] = tuple(spec for spec in _SPECS if spec.parent)
"""Collections owned by an element of another (their paths hold ``{id}``)."""

BUCKETS: tuple[str, ...] = tuple(spec.path for spec in _SPECS if not spec.virtual)
"""Stored collections, in a stable order."""

TYPE_KEYS: tuple[str, ...] = (
    "settingsCatalogPolicy",
    "deviceConfiguration",
    "deviceCompliancePolicy",
    "groupPolicyConfiguration",
    "endpointSecurityIntent",
    "appProtectionPolicy",
    "mobileAppConfiguration",
    "deviceManagementScript",
    "deviceShellScript",
    "deviceHealthScript",
    "windowsAutopilotDeploymentProfile",
    "deviceEnrollmentConfiguration",
    "windowsFeatureUpdateProfile",
    "windowsQualityUpdateProfile",
    "windowsDriverUpdateProfile",
    "assignmentFilter",
    "roleScopeTag",
    "conditionalAccessPolicy",
    "namedLocation",
    "authenticationMethodsPolicy",
    # DESIGN §10
    "mobileApp",
    "policySet",
    "roleDefinition",
    "roleAssignment",
    "deviceCategory",
    "notificationMessageTemplate",
    "termsAndConditions",
    "intuneBrandingProfile",
    "depEnrollmentProfile",
    "androidDeviceOwnerEnrollmentProfile",
    "deviceComplianceScript",
    "deviceCustomAttributeShellScript",
    "compliancePolicy",
    "reusablePolicySetting",
    "cloudPcProvisioningPolicy",
    "cloudPcUserSetting",
    "identitySecurityDefaultsEnforcementPolicy",
    "authorizationPolicy",
    "authenticationStrengthPolicy",
    "crossTenantAccessPolicy",
    "crossTenantAccessPartner",
    "groupSetting",
    "deviceRegistrationPolicy",
)

_FIRST_TYPES = frozenset(TYPE_KEYS[:20])
TYPE_COLLECTIONS: dict[str, str] = {
    "settingsCatalogPolicy": "deviceManagement/configurationPolicies",
    "deviceConfiguration": "deviceManagement/deviceConfigurations",
    "deviceCompliancePolicy": "deviceManagement/deviceCompliancePolicies",
    "groupPolicyConfiguration": "deviceManagement/groupPolicyConfigurations",
    "endpointSecurityIntent": "deviceManagement/intents",
    "appProtectionPolicy": "deviceAppManagement/managedAppPolicies",
    "mobileAppConfiguration": "deviceAppManagement/mobileAppConfigurations",
    "deviceManagementScript": "deviceManagement/deviceManagementScripts",
    "deviceShellScript": "deviceManagement/deviceShellScripts",
    "deviceHealthScript": "deviceManagement/deviceHealthScripts",
    "windowsAutopilotDeploymentProfile": "deviceManagement/windowsAutopilotDeploymentProfiles",
    "deviceEnrollmentConfiguration": "deviceManagement/deviceEnrollmentConfigurations",
    "windowsFeatureUpdateProfile": "deviceManagement/windowsFeatureUpdateProfiles",
    "windowsQualityUpdateProfile": "deviceManagement/windowsQualityUpdateProfiles",
    "windowsDriverUpdateProfile": "deviceManagement/windowsDriverUpdateProfiles",
    "assignmentFilter": "deviceManagement/assignmentFilters",
    "roleScopeTag": "deviceManagement/roleScopeTags",
    "conditionalAccessPolicy": "identity/conditionalAccess/policies",
    "namedLocation": "identity/conditionalAccess/namedLocations",
    "authenticationMethodsPolicy": "policies/authenticationMethodsPolicy",
    **{
        spec.type_key: spec.path
        for spec in _SPECS
        if spec.type_key and spec.type_key not in _FIRST_TYPES and not spec.virtual
    },
}
"""Type key to the collection a client lists (without version; a nested one with ``{id}``).
See TYPE_BUCKETS for all paths."""

TYPE_BUCKETS: dict[str, tuple[str, ...]] = {
    key: tuple(s.path for s in _SPECS if s.type_key == key and not s.virtual) for key in TYPE_KEYS
}
"""Type key to every stored collection holding its objects (full objects live here)."""

TYPE_VERSIONS: dict[str, frozenset[str]] = {key: COLLECTIONS[path].versions for key, path in TYPE_COLLECTIONS.items()}

APP_PROTECTION_BUCKET_BY_ODATA_TYPE: dict[str, str] = {
    "#microsoft.graph.iosManagedAppProtection": "deviceAppManagement/iosManagedAppProtections",
    "#microsoft.graph.androidManagedAppProtection": "deviceAppManagement/androidManagedAppProtections",
    "#microsoft.graph.windowsManagedAppProtection": "deviceAppManagement/windowsManagedAppProtections",
}
TARGETED_APP_CONFIG_TYPE = "#microsoft.graph.targetedManagedAppConfiguration"
MANAGED_APP_POLICY_BASE_FIELDS: tuple[str, ...] = (
    "@odata.type",
    "id",
    "displayName",
    "description",
    "createdDateTime",
    "lastModifiedDateTime",
    "roleScopeTagIds",
    "version",
)
"""Properties of the base managedAppPolicy type: what the managedAppPolicies list returns."""

SINGLETONS: frozenset[str] = frozenset(spec.type_key for spec in _SPECS if spec.singleton and spec.type_key)
"""Type keys of which a tenant holds exactly one object (the authentication methods policy ...)."""

UNORDERED_ARRAY_KEYS: frozenset[str] = frozenset(
    {
        # navigation lists keyed by id / definition
        "assignments",
        "settings",
        "scheduledActionsForRule",
        "scheduledActionConfigurations",
        "definitionValues",
        "presentationValues",
        "apps",
        "categories",
        "authenticationMethodConfigurations",
        # plain sets
        "roleScopeTagIds",
        "omaSettings",
        "notificationMessageCCList",
        "includeTargets",
        "excludeTargets",
        "targetedMobileApps",
        "allowedDataStorageLocations",
        # Conditional Access and named locations
        "includeUsers",
        "excludeUsers",
        "includeGroups",
        "excludeGroups",
        "includeRoles",
        "excludeRoles",
        "includeApplications",
        "excludeApplications",
        "includeUserActions",
        "includePlatforms",
        "excludePlatforms",
        "includeLocations",
        "excludeLocations",
        "clientAppTypes",
        "builtInControls",
        "userRiskLevels",
        "signInRiskLevels",
        "ipRanges",
        "countriesAndRegions",
        # DESIGN §10 types
        "items",
        "localizedNotificationMessages",
        "rolePermissions",
        "allowedResourceActions",
        "members",
        "scopeMembers",
        "resourceScopes",
        "allowedCombinations",
        "combinationConfigurations",
        "enabledSkipKeys",
        "companyPortalBlockedActions",
        "domainJoinConfigurations",
        "localesToInstall",
        "productIds",
    }
)
"""Array properties that ``SimTenant.shuffle_order`` reorders: their order carries no meaning.

Arrays not listed (setting ``children``, ``groupSettingCollectionValue``,
``simpleSettingCollectionValue``, presentation ``values`` ...) keep their order.
"""


def nav_names(spec: CollectionSpec) -> frozenset[str]:
    return frozenset(n.name for n in spec.navs)


def bucket_for(type_key: str, obj: dict[str, object]) -> str:
    """The bucket a new object of this type goes to (by ``@odata.type`` where it matters)."""
    if type_key not in TYPE_BUCKETS:
        raise KeyError(f"unknown type key {type_key!r}")
    odata_type = str(obj.get("@odata.type", ""))
    if type_key == "appProtectionPolicy":
        return APP_PROTECTION_BUCKET_BY_ODATA_TYPE.get(odata_type, "deviceAppManagement/iosManagedAppProtections")
    if type_key == "mobileAppConfiguration":
        if odata_type == TARGETED_APP_CONFIG_TYPE:
            return "deviceAppManagement/targetedManagedAppConfigurations"
        return "deviceAppManagement/mobileAppConfigurations"
    return TYPE_BUCKETS[type_key][0]
