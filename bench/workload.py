"""What a fleet looks like to the benchmarks and the chaos schedules: tenant sizes and mixes, and the
changes admins make between two scans. Deterministic from a seed.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from typing import Any

from devtools.graphsim import DEFAULT_MIX, SimTenant, generate_tenant
from devtools.graphsim.catalog import SINGLETONS
from devtools.graphsim.generator import ENTRA_MIX, WINDOWS_INTUNE_MIX

MIXES: dict[str, dict[str, float]] = {"mixed": DEFAULT_MIX, "windows": WINDOWS_INTUNE_MIX, "entra": ENTRA_MIX}
# Types whose objects a change may add or delete (plain collections with generated ids).
ADDABLE = ("conditionalAccessPolicy", "namedLocation", "deviceConfiguration", "deviceCompliancePolicy",
           "settingsCatalogPolicy", "deviceManagementScript")  # fmt: skip
# Never renamed, added or deleted: the singletons, the types whose ids the simulator derives, and
# cross-tenant partners (named by the partner's tenant id, they have no name of their own).
FIXED = SINGLETONS | {"appProtectionPolicy", "roleScopeTag", "crossTenantAccessPartner"}


@dataclass(frozen=True)
class TenantSpec:
    """One simulated customer tenant: generator seed, object count and type mix."""

    tenant_id: str
    seed: int
    size: int
    mix: str

    def build(self) -> SimTenant:
        return generate_tenant(
            self.seed, self.size, MIXES[self.mix], name=f"Tenant {self.seed}", tenant_id=self.tenant_id
        )


def fleet_specs(count: int, seed: int) -> list[TenantSpec]:
    """`count` tenants the way an MSP's customers look: mostly small Windows shops, some mixed,
    a few Entra-heavy; 30-1,000 objects, log-uniform (median about 150)."""
    rng = random.Random(seed)
    specs = []
    for index in range(count):
        size = round(30 * (1000 / 30) ** rng.random())
        mix = rng.choices(("windows", "mixed", "entra"), weights=(0.55, 0.35, 0.10))[0]
        tenant_id = f"f{seed % 10_000:07d}-0000-4000-8000-{index:012d}"
        specs.append(TenantSpec(tenant_id, seed * 100_003 + index, size, mix))
    return specs


@dataclass(frozen=True)
class Change:
    """One change made in a simulated tenant: what became of which object."""

    policy_type: str
    object_id: str
    kind: str  # added | removed | modified


def change_tenant(
    tenant: SimTenant, rng: random.Random, count: int, *, avoid: set[tuple[str, str]] | None = None
) -> list[Change]:
    """Make `count` admin changes (about 70 % edits, 15 % deletions, 15 % additions), never touching
    an object in `avoid` (which then holds every object changed, so each changes at most once)."""
    used = avoid if avoid is not None else set()
    candidates = [
        (policy_type, object_id)
        for policy_type in sorted(tenant.counts())
        if policy_type not in FIXED
        for object_id in tenant.ids(policy_type)
        # Microsoft's built-in apps are not the tenant's: no admin edits them and the scan skips them.
        if (policy_type, object_id) not in used and not tenant.is_builtin(policy_type, object_id)
    ]
    rng.shuffle(candidates)
    changes: list[Change] = []
    for policy_type, object_id in candidates:
        if len(changes) >= count:
            break
        roll = rng.random()
        if roll < 0.15 and policy_type in ADDABLE and len(tenant.objects(policy_type)) > 1:
            tenant.delete(policy_type, object_id)
            changes.append(Change(policy_type, object_id, "removed"))
        elif roll < 0.30 and policy_type in ADDABLE:
            template: dict[str, Any] = copy.deepcopy(tenant.get(policy_type, object_id))
            template.pop("id", None)
            name_key = "name" if "name" in template and "displayName" not in template else "displayName"
            template[name_key] = f"{template.get(name_key) or policy_type} (copy {rng.randrange(10**6)})"
            new_id = tenant.add(policy_type, template)
            used.add((policy_type, new_id))
            changes.append(Change(policy_type, new_id, "added"))
        else:
            tenant.rename(policy_type, object_id, f"Edited {rng.randrange(10**9)}")
            changes.append(Change(policy_type, object_id, "modified"))
        used.add((policy_type, object_id))
    return changes
