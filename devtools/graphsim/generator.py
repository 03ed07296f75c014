"""Deterministic tenant generation: ``generate_tenant(seed, size, mix)`` and ``generate_portfolio``.

``size`` top-level objects are spread over all 20 type keys (one of each first when size >= 20, the
rest by ``mix`` weights). The same seed, size, mix and name always give the same tenant, ids and
timestamps included.
"""

from __future__ import annotations

from collections.abc import Callable

from devtools.graphsim.catalog import TYPE_KEYS
from devtools.graphsim.gen_apps import AppBuilders
from devtools.graphsim.gen_base import Obj
from devtools.graphsim.gen_devices import DeviceBuilders, admx_catalog
from devtools.graphsim.gen_entra import EntraBuilders
from devtools.graphsim.setting_definitions import SETTING_DEFINITIONS_BUCKET, definition_catalog
from devtools.graphsim.store import GROUP_POLICY_DEFINITIONS, SimTenant

DEFAULT_MIX: dict[str, float] = {
    "settingsCatalogPolicy": 0.24,
    "deviceConfiguration": 0.12,
    "deviceCompliancePolicy": 0.06,
    "groupPolicyConfiguration": 0.05,
    "endpointSecurityIntent": 0.02,
    "appProtectionPolicy": 0.05,
    "mobileAppConfiguration": 0.03,
    "deviceManagementScript": 0.05,
    "deviceShellScript": 0.02,
    "deviceHealthScript": 0.04,
    "windowsAutopilotDeploymentProfile": 0.02,
    "deviceEnrollmentConfiguration": 0.03,
    "windowsFeatureUpdateProfile": 0.02,
    "windowsQualityUpdateProfile": 0.01,
    "windowsDriverUpdateProfile": 0.02,
    "assignmentFilter": 0.04,
    "roleScopeTag": 0.02,
    "conditionalAccessPolicy": 0.12,
    "namedLocation": 0.03,
    "authenticationMethodsPolicy": 0.0,
}

SINGLETONS = frozenset({"authenticationMethodsPolicy"})
# Microsoft's settings catalogue is the same in every tenant: built once per process.
_SETTING_CATALOG = definition_catalog()


def allocate(size: int, mix: dict[str, float] | None = None) -> dict[str, int]:
    """How many objects of each type key a tenant of ``size`` gets (largest remainder)."""
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
    if size >= len(TYPE_KEYS):
        counts = dict.fromkeys(TYPE_KEYS, 1)
        remaining = size - len(TYPE_KEYS)
    else:
        remaining = size
        if weights["authenticationMethodsPolicy"] > 0:
            counts["authenticationMethodsPolicy"] = 1
            remaining -= 1
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


class _Generator(DeviceBuilders, AppBuilders, EntraBuilders):
    """All builders, run in a fixed order."""

    def run(self) -> None:
        self.build_groups()
        for definition in admx_catalog():
            self.t.add_catalog_object(GROUP_POLICY_DEFINITIONS, definition)
        for definition in _SETTING_CATALOG:
            self.t.add_catalog_object(SETTING_DEFINITIONS_BUCKET, definition)
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
        ]
        assert {k for k, _ in order} == set(TYPE_KEYS)
        for type_key, build in order:
            for i in range(self.counts[type_key]):
                self.t.add(type_key, build(i))
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
    """A deterministic tenant of ``size`` top-level objects over all 20 type keys."""
    tenant = SimTenant(name=name, tenant_id=tenant_id, seed=seed)
    _Generator(tenant, seed, size, allocate(size, mix)).run()
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
}
ENTRA_MIX: dict[str, float] = {
    "conditionalAccessPolicy": 0.7,
    "namedLocation": 0.2,
    "settingsCatalogPolicy": 0.05,
    "appProtectionPolicy": 0.05,
}

PORTFOLIOS: dict[str, tuple[tuple[str, str, int, int, dict[str, float] | None], ...]] = {
    "demo": (
        ("2f1d6c3a-5b7e-4e21-9a0c-1c2d3e4f5a61", "Contoso Dental", 101, 60, WINDOWS_INTUNE_MIX),
        ("7a9b3c2d-1e4f-4a6b-8c7d-2e3f4a5b6c72", "Fabrikam Logistics", 202, 150, None),
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

    ``demo``: Contoso Dental (~60, mostly Intune Windows), Fabrikam Logistics (~150, mixed),
    Northwind Schools (~40, Entra / Conditional Access heavy). ``small``: the same three, tiny.
    ``bench``: ten mixed tenants of 150-250 objects.
    """
    if kind not in PORTFOLIOS:
        raise ValueError(f"unknown portfolio {kind!r}; known: {', '.join(PORTFOLIOS)}")
    return {
        tid: generate_tenant(seed, size, mix, name=name, tenant_id=tid)
        for tid, name, seed, size, mix in PORTFOLIOS[kind]
    }
