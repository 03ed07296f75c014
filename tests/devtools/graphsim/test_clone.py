"""clone_tenant: the same configuration under the twin's own ids and names (what alignment must see through)."""

from __future__ import annotations

import json

from devtools.graphsim import TYPE_KEYS, clone_tenant, generate_tenant
from devtools.graphsim.clone import KEPT_TYPES

TWIN = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"


def test_a_clone_keeps_the_configuration_and_changes_every_id_and_name() -> None:
    source = generate_tenant(seed=17, size=120, name="Source Clinic")
    twin, ids = clone_tenant(source, "Twin Clinic", TWIN, name_prefix="Twin - ", seed=1)
    assert twin.counts() == source.counts() and twin.tenant_id == TWIN
    dumped = json.dumps({k: twin.objects(k) for k in TYPE_KEYS}) + json.dumps(twin.groups())
    # No id of the source's objects, groups or the tenant itself is left anywhere in the twin.
    assert ids[source.tenant_id] == TWIN and len(ids) > 100
    assert [old for old in ids if old in dumped] == []
    for type_key in TYPE_KEYS:
        if type_key in KEPT_TYPES:
            assert twin.ids(type_key) == source.ids(type_key)  # built-in ids mean the same everywhere
            continue
        assert sorted(twin.ids(type_key)) == sorted(ids[i] for i in source.ids(type_key))
        for key, obj in zip(source.ids(type_key), source.objects(type_key), strict=True):
            copy_ = twin.get(type_key, ids[key])
            assert twin.is_builtin(type_key, ids[key]) == source.is_builtin(type_key, key)
            name = "name" if "name" in obj and "displayName" not in obj else "displayName"
            assert copy_[name] == f"Twin - {obj[name]}"
    # Nested objects keep their place under the twin's own owner.
    for profile in source.ids("depEnrollmentProfile"):
        owner = source.parent_of("deviceManagement/depOnboardingSettings/{id}/enrollmentProfiles", profile)
        assert (
            owner
            and twin.parent_of("deviceManagement/depOnboardingSettings/{id}/enrollmentProfiles", ids[profile])
            == ids[owner]
        )
    # The same configuration: a setting that held a group id now holds the twin's group.
    policy = next(p for p in source.objects("conditionalAccessPolicy") if p["conditions"]["users"].get("excludeGroups"))
    twin_policy = twin.get("conditionalAccessPolicy", ids[policy["id"]])
    assert twin_policy["conditions"]["users"]["excludeGroups"] == [
        ids[g] for g in policy["conditions"]["users"]["excludeGroups"]
    ]
    assert twin_policy["grantControls"] == policy["grantControls"] and twin_policy["state"] == policy["state"]
