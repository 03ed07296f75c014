"""Deterministic tenant generation: ``generate_tenant(seed, size, mix)`` and ``generate_portfolio``.

``size`` top-level objects are spread over all type keys (one of each first when size reaches the
number of type keys, the rest by ``mix`` weights; a singleton is one object or none). Microsoft's
built-in store apps come on top and are not counted (``SimTenant.is_builtin``). The same seed, size,
mix and name always give the same tenant, ids and timestamps included.
"""

from __future__ import annotations

from collections.abc import Callable

from devtools.graphsim.catalog import SINGLETONS, TYPE_KEYS
from devtools.graphsim.gen_admin import AdminBuilders
from devtools.graphsim.gen_apps import AppBuilders
from devtools.graphsim.gen_base import Obj
from devtools.graphsim.gen_devices import DeviceBuilders, admx_catalog
from devtools.graphsim.gen_entra import EntraBuilders
from devtools.graphsim.gen_identity import IdentityBuilders
from devtools.graphsim.gen_mobile_apps import MobileAppBuilders
from devtools.graphsim.setting_definitions import (
    COMPLIANCE_DEFINITIONS_BUCKET,
    SETTING_DEFINITIONS_BUCKET,
    compliance_catalog,
    definition_catalog,
)
from devtools.graphsim.store import GROUP_POLICY_DEFINITIONS, SimTenant

# An MSP customer's tenant: the shares of each type in a tenant of about 1,500 objects (bench.scan).
DEFAULT_MIX: dict[str, float] = {
    "settingsCatalogPolicy": 0.207,
    "deviceConfiguration": 0.1,
    "deviceCompliancePolicy": 0.05,
    "groupPolicyConfiguration": 0.028,
    "endpointSecurityIntent": 0.015,
    "appProtectionPolicy": 0.03,
    "mobileAppConfiguration": 0.03,
    "deviceManagementScript": 0.035,
    "deviceShellScript": 0.015,
    "deviceHealthScript": 0.03,
    "windowsAutopilotDeploymentProfile": 0.015,
    "deviceEnrollmentConfiguration": 0.025,
    "windowsFeatureUpdateProfile": 0.015,
    "windowsQualityUpdateProfile": 0.01,
    "windowsDriverUpdateProfile": 0.015,
    "assignmentFilter": 0.035,
    "roleScopeTag": 0.015,
    "conditionalAccessPolicy": 0.09,
    "namedLocation": 0.025,
    "authenticationMethodsPolicy": 0.0,
    # DESIGN §10
    "mobileApp": 0.08,
    "policySet": 0.003,
    "roleDefinition": 0.006,
    "roleAssignment": 0.008,
    "deviceCategory": 0.006,
    "notificationMessageTemplate": 0.006,
    "termsAndConditions": 0.002,
    "intuneBrandingProfile": 0.002,
    "depEnrollmentProfile": 0.006,
    "androidDeviceOwnerEnrollmentProfile": 0.006,
    "deviceComplianceScript": 0.006,
    "deviceCustomAttributeShellScript": 0.006,
    "compliancePolicy": 0.006,
    "reusablePolicySetting": 0.01,
    "cloudPcProvisioningPolicy": 0.004,
    "cloudPcUserSetting": 0.004,
    "authenticationStrengthPolicy": 0.004,
    "crossTenantAccessPartner": 0.006,
    "groupSetting": 0.003,
    "identitySecurityDefaultsEnforcementPolicy": 0.0,
    "authorizationPolicy": 0.0,
    "crossTenantAccessPolicy": 0.0,
    "deviceRegistrationPolicy": 0.0,
}

# Microsoft's settings catalogue is the same in every tenant: built once per process.
_SETTING_CATALOG = definition_catalog()
_COMPLIANCE_CATALOG = compliance_catalog()


def allocate(size: int, mix: dict[str, float] | None = None) -> dict[str, int]:
    """How many objects of each type key a tenant of ``size`` gets (largest remainder).

    Every tenant holds its singletons (Entra creates them with the tenant); with room for one of
    every type, each type gets one first; the rest goes by the weights.
    """
    if mix is not None:
        unknown = sorted(set(mix) - set(TYPE_KEYS))
        if unknown:
            raise ValueError(f"unknown type key(s) in mix: {', '.join(unknown)}")
        if any(w < 0 for w in mix.values()):
            raise ValueError("mix weights must not be negative")
    weights = {k: float((mix if mix is not None else DEFAULT_MIX).get(k, 0.0)) for k in TYPE_KEYS}
    counts = dict.fromkeys(TYPE_KEYS, 0)
    if size <= 0:
        return counts
    for key in [k for k in TYPE_KEYS if k in SINGLETONS][:size]:
        counts[key] = 1
    remaining = size - sum(counts.values())
    if size >= len(TYPE_KEYS):
        for key in TYPE_KEYS:
            counts[key] = 1
        remaining = size - len(TYPE_KEYS)
    pool = {k: w for k, w in weights.items() if w > 0 and k not in SINGLETONS}
    if not pool:
        pool = {k: w for k, w in DEFAULT_MIX.items() if w > 0}
    total = sum(pool.values())
    shares = {k: remaining * w / total for k, w in pool.items()}
    floors = {k: int(v) for k, v in shares.items()}
    left = remaining - sum(floors.values())
    order = sorted(pool, key=lambda k: (-(shares[k] - floors[k]), TYPE_KEYS.index(k)))
    for k in order[:left]:
        floors[k] += 1
    for k, n in floors.items():
        counts[k] += n
    return counts


class _Generator(DeviceBuilders, AppBuilders, EntraBuilders, MobileAppBuilders, AdminBuilders, IdentityBuilders):
    """All builders, run in a fixed order (the DESIGN §10 ones after the first twenty)."""

    def run(self) -> None:
        self.build_groups()
        for definition in admx_catalog():
            self.t.add_catalog_object(GROUP_POLICY_DEFINITIONS, definition)
        for definition in _SETTING_CATALOG:
            self.t.add_catalog_object(SETTING_DEFINITIONS_BUCKET, definition)
        for definition in _COMPLIANCE_CATALOG:
            self.t.add_catalog_object(COMPLIANCE_DEFINITIONS_BUCKET, definition)
        order: list[tuple[str, Callable[[int], Obj]]] = [
            ("roleScopeTag", self.role_scope_tag),
            ("assignmentFilter", self.assignment_filter),
            ("namedLocation", self.named_location),
            ("settingsCatalogPolicy", self.settings_catalog_policy),
            ("deviceConfiguration", self.device_configuration),
            ("deviceCompliancePolicy", self.compliance_policy),
            ("groupPolicyConfiguration", self.group_policy_configuration),
            ("endpointSecurityIntent", self.endpoint_security_intent),
            ("appProtectionPolicy", self.app_protection_policy),
            ("mobileAppConfiguration", self.mobile_app_configuration),
            ("deviceManagementScript", self.device_management_script),
            ("deviceShellScript", self.device_shell_script),
            ("deviceHealthScript", self.device_health_script),
            ("windowsAutopilotDeploymentProfile", self.autopilot_profile),
            ("deviceEnrollmentConfiguration", self.enrollment_configuration),
            ("windowsFeatureUpdateProfile", self.feature_update_profile),
            ("windowsQualityUpdateProfile", self.quality_update_profile),
            ("windowsDriverUpdateProfile", self.driver_update_profile),
            ("conditionalAccessPolicy", self.conditional_access_policy),
            ("authenticationMethodsPolicy", self.authentication_methods_policy),
            ("mobileApp", self.mobile_app),
            ("roleDefinition", self.role_definition),
            ("roleAssignment", self.role_assignment),
            ("deviceCategory", self.device_category),
            ("notificationMessageTemplate", self.notification_message_template),
            ("termsAndConditions", self.terms_and_conditions),
            ("intuneBrandingProfile", self.intune_branding_profile),
            ("depEnrollmentProfile", self.dep_enrollment_profile),
            ("androidDeviceOwnerEnrollmentProfile", self.android_enrollment_profile),
            ("deviceComplianceScript", self.device_compliance_script),
            ("deviceCustomAttributeShellScript", self.custom_attribute_script),
            ("reusablePolicySetting", self.reusable_policy_setting),
            ("compliancePolicy", self.settings_compliance_policy),
            ("cloudPcProvisioningPolicy", self.cloud_pc_provisioning_policy),
            ("cloudPcUserSetting", self.cloud_pc_user_setting),
            ("identitySecurityDefaultsEnforcementPolicy", self.security_defaults),
            ("authorizationPolicy", self.authorization_policy),
            ("authenticationStrengthPolicy", self.authentication_strength),
            ("crossTenantAccessPolicy", self.cross_tenant_access_policy),
            ("crossTenantAccessPartner", self.cross_tenant_access_partner),
            ("groupSetting", self.group_setting),
            ("deviceRegistrationPolicy", self.device_registration_policy),
            ("policySet", self.policy_set),
        ]
        assert {k for k, _ in order} == set(TYPE_KEYS)
        for type_key, build in order:
            for i in range(self.counts[type_key]):
                obj = build(i)
                self.t.add(type_key, obj, parent=self.parents.get(str(obj.get("id"))))
        self.build_builtin_apps()
        if self.dangling_group in self.t.deleted_group_ids:
            # never used by an assignment: forget it
            self.t.deleted_group_ids.discard(self.dangling_group)


def generate_tenant(
    seed: int,
    size: int = 120,
    mix: dict[str, float] | None = None,
    name: str = "Simulated Tenant",
    tenant_id: str | None = None,
) -> SimTenant:
    """A deterministic tenant of ``size`` top-level objects over all type keys."""
    tenant = SimTenant(name=name, tenant_id=tenant_id, seed=seed)
    tenant.audit.recording = False  # the tenant as found: its history is not the test's changes
    _Generator(tenant, seed, size, allocate(size, mix)).run()
    tenant.audit.recording = True
    return tenant


WINDOWS_INTUNE_MIX: dict[str, float] = {
    "settingsCatalogPolicy": 0.34,
    "deviceConfiguration": 0.14,
    "deviceCompliancePolicy": 0.06,
    "groupPolicyConfiguration": 0.07,
    "deviceManagementScript": 0.08,
    "deviceHealthScript": 0.07,
    "windowsAutopilotDeploymentProfile": 0.04,
    "deviceEnrollmentConfiguration": 0.04,
    "windowsFeatureUpdateProfile": 0.04,
    "windowsQualityUpdateProfile": 0.02,
    "windowsDriverUpdateProfile": 0.04,
    "assignmentFilter": 0.04,
    "conditionalAccessPolicy": 0.02,
    "mobileApp": 0.1,
}
ENTRA_MIX: dict[str, float] = {
    "conditionalAccessPolicy": 0.6,
    "namedLocation": 0.15,
    "settingsCatalogPolicy": 0.05,
    "appProtectionPolicy": 0.05,
    "authenticationStrengthPolicy": 0.06,
    "crossTenantAccessPartner": 0.05,
    "groupSetting": 0.04,
}

PORTFOLIOS: dict[str, tuple[tuple[str, str, int, int, dict[str, float] | None], ...]] = {
    "demo": (
        ("2f1d6c3a-5b7e-4e21-9a0c-1c2d3e4f5a61", "Contoso Dental", 101, 80, WINDOWS_INTUNE_MIX),
        ("7a9b3c2d-1e4f-4a6b-8c7d-2e3f4a5b6c72", "Fabrikam Logistics", 202, 200, None),
        ("c4d5e6f7-8a9b-4c0d-9e1f-3a4b5c6d7e83", "Northwind Schools", 303, 40, ENTRA_MIX),
    ),
    "small": (
        ("11111111-aaaa-4bbb-8ccc-000000000001", "Contoso Dental", 11, 24, WINDOWS_INTUNE_MIX),
        ("22222222-aaaa-4bbb-8ccc-000000000002", "Fabrikam Logistics", 22, 30, None),
        ("33333333-aaaa-4bbb-8ccc-000000000003", "Northwind Schools", 33, 22, ENTRA_MIX),
    ),
    "bench": tuple(
        (f"b0000000-0000-4000-8000-{n:012d}", f"Bench Tenant {n:02d}", 1000 + n, 150 + 25 * (n % 5), None)
        for n in range(1, 11)
    ),
}


def generate_portfolio(kind: str = "demo") -> dict[str, SimTenant]:
    """Fixed tenants of different sizes and mixes, keyed by tenant id.

    ``demo``: Contoso Dental (80, mostly Intune Windows), Fabrikam Logistics (200, mixed),
    Northwind Schools (40, Entra / Conditional Access heavy); each holds the DESIGN §10 types its
    mix reaches (Contoso and Fabrikam every type). ``small``: the same three, tiny.
    ``bench``: ten mixed tenants of 150-250 objects.
    """
    if kind not in PORTFOLIOS:
        raise ValueError(f"unknown portfolio {kind!r}; known: {', '.join(PORTFOLIOS)}")
    return {
        tid: generate_tenant(seed, size, mix, name=name, tenant_id=tid)
        for tid, name, seed, size, mix in PORTFOLIOS[kind]
    }
