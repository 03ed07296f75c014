"""Generated tenants (determinism, spread, realistic content, planted secrets) and the mutation API."""

from __future__ import annotations

import json
from typing import Any

import pytest

from devtools.graphsim import (
    TYPE_COLLECTIONS,
    TYPE_KEYS,
    TYPE_VERSIONS,
    UNORDERED_ARRAY_KEYS,
    SimTenant,
    allocate,
    generate_portfolio,
    generate_tenant,
)
from devtools.graphsim.catalog import SINGLETONS
from devtools.graphsim.store import iter_setting_instances
from tests.devtools.graphsim.helpers import GraphClient

VOLATILE_KEYS = {"id", "createdDateTime", "lastModifiedDateTime"}


def _dump(tenant: SimTenant) -> str:
    return json.dumps({k: tenant.objects(k) for k in TYPE_KEYS}, sort_keys=True)


def _canonical(value: Any, parent: str = "") -> Any:
    """Order-free, volatile-free form: what a drift engine should compare."""
    if isinstance(value, dict):
        nested = parent in {
            "assignments",
            "settings",
            "scheduledActionsForRule",
            "scheduledActionConfigurations",
            "definitionValues",
            "presentationValues",
            "items",
            "localizedNotificationMessages",
        }
        return {k: _canonical(v, k) for k, v in value.items() if not (nested and k in VOLATILE_KEYS)}
    if isinstance(value, list):
        items = [_canonical(v, parent) for v in value]
        if parent in UNORDERED_ARRAY_KEYS:
            items.sort(key=lambda v: json.dumps(v, sort_keys=True))
        return items
    return value


def test_generation_is_deterministic_for_a_seed() -> None:
    a, b = generate_tenant(5, size=60), generate_tenant(5, size=60)
    assert a.tenant_id == b.tenant_id
    assert _dump(a) == _dump(b)
    assert a.planted_secrets() == b.planted_secrets()
    assert _dump(generate_tenant(6, size=60)) != _dump(a)


def test_size_spreads_over_all_type_keys() -> None:
    tenant = generate_tenant(1, size=120)
    counts = tenant.counts()
    assert sum(counts.values()) == tenant.size == 120
    assert set(counts) == set(TYPE_KEYS) == set(TYPE_COLLECTIONS)
    assert all(n >= 1 for n in counts.values())
    assert all(counts[k] == 1 for k in SINGLETONS)
    every = len(TYPE_KEYS)
    assert sum(allocate(every).values()) == every and set(allocate(every).values()) == {1}
    # Every tenant has its singletons, whatever its size and mix.
    small = allocate(7, {"conditionalAccessPolicy": 1.0})
    assert sum(small.values()) == 7 and all(small[k] == 1 for k in SINGLETONS)
    assert small["conditionalAccessPolicy"] == 7 - len(SINGLETONS)
    heavy = allocate(100, {"conditionalAccessPolicy": 1.0})
    assert heavy["conditionalAccessPolicy"] == 1 + 100 - every
    with pytest.raises(ValueError):
        allocate(10, {"notAType": 1.0})


def test_microsofts_store_apps_are_served_but_not_counted() -> None:
    tenant = generate_tenant(1, size=120)
    apps = tenant.objects("mobileApp")
    builtin = [a for a in apps if tenant.is_builtin("mobileApp", a["id"])]
    assert builtin and all(a["appAvailability"] == "global" and not a["isAssigned"] for a in builtin)
    assert tenant.counts()["mobileApp"] == len(apps) - len(builtin)


def test_realistic_content(tenant: SimTenant) -> None:
    policies = tenant.objects("settingsCatalogPolicy")
    assert any(p["settingCount"] > 100 for p in policies)
    assert all(p["settingCount"] == len(p["settings"]) for p in policies)
    families = {p["templateReference"]["templateFamily"] for p in policies}
    assert {"none", "endpointSecurityAntivirus", "baseline"} <= families
    kinds = {i["@odata.type"].rsplit(".", 1)[-1] for p in policies for i in iter_setting_instances(p["settings"])}
    assert {
        "deviceManagementConfigurationChoiceSettingInstance",
        "deviceManagementConfigurationGroupSettingCollectionInstance",
        "deviceManagementConfigurationSimpleSettingCollectionInstance",
        "deviceManagementConfigurationSimpleSettingInstance",
    } <= kinds
    def_ids = {i["settingDefinitionId"] for p in policies for i in iter_setting_instances(p["settings"])}
    assert "device_vendor_msft_policy_config_defender_allowrealtimemonitoring" in def_ids
    nested = [
        i
        for p in policies
        for i in iter_setting_instances(p["settings"])
        if i.get("choiceSettingValue", {}).get("children")
    ]
    assert nested
    dc_types = {d["@odata.type"] for d in tenant.objects("deviceConfiguration")}
    assert {
        "#microsoft.graph.windows10CustomConfiguration",
        "#microsoft.graph.windowsUpdateForBusinessConfiguration",
        "#microsoft.graph.iosWiFiConfiguration",
        "#microsoft.graph.windows10GeneralConfiguration",
        "#microsoft.graph.windows10EndpointProtectionConfiguration",
    } <= dc_types
    oma = [s for d in tenant.objects("deviceConfiguration") for s in d.get("omaSettings", [])]
    assert any(s["isEncrypted"] and s["secretReferenceValueId"] for s in oma)
    targets = {
        a["target"]["@odata.type"] for k in TYPE_KEYS for o in tenant.objects(k) for a in o.get("assignments", [])
    }
    assert {"#microsoft.graph.groupAssignmentTarget", "#microsoft.graph.exclusionGroupAssignmentTarget"} <= targets
    filtered = [
        a
        for o in tenant.objects("settingsCatalogPolicy") + tenant.objects("deviceConfiguration")
        for a in o["assignments"]
        if a["target"]["deviceAndAppManagementAssignmentFilterType"] != "none"
    ]
    assert filtered and all(a["target"]["deviceAndAppManagementAssignmentFilterId"] for a in filtered)
    enrollment = {e["@odata.type"] for e in tenant.objects("deviceEnrollmentConfiguration")}
    assert len(enrollment) >= 3


def test_planted_secrets_are_in_the_raw_graph_output(client: GraphClient, tenant: SimTenant) -> None:
    secrets = tenant.planted_secrets()
    assert len(secrets) >= 5 and all("PLANTED-SECRET-" in s for s in secrets)
    raw = ""
    for type_key, path in TYPE_COLLECTIONS.items():
        version = "beta" if "beta" in TYPE_VERSIONS[type_key] else "v1.0"
        if type_key in SINGLETONS:
            continue
        expand = "?$expand=settings" if type_key == "settingsCatalogPolicy" else ""
        owners = [""]
        if "{id}" in path:  # nested: list the owners first
            owners = [o["id"] for o in client.get_all(f"/{version}/{path.split('/{id}/')[0]}")]
        for owner in owners:
            for item in client.get_all(f"/{version}/{path.replace('{id}', owner)}{expand}"):
                raw += json.dumps(item)
    for secret in secrets:
        assert secret in raw, secret
    for name in ("preSharedKey", "sharedSecret", "password", "valueState"):
        assert f'"{name}"' in raw


def test_portfolio() -> None:
    portfolio = generate_portfolio("demo")
    assert len(portfolio) >= 3
    by_name = {t.name: t for t in portfolio.values()}
    assert {"Contoso Dental", "Fabrikam Logistics", "Northwind Schools"} <= set(by_name)
    sizes = {t.size for t in portfolio.values()}
    assert len(sizes) == 3
    assert all(tid == t.tenant_id for tid, t in portfolio.items())
    entra = by_name["Northwind Schools"].counts()
    assert entra["conditionalAccessPolicy"] > entra["settingsCatalogPolicy"]
    assert generate_portfolio("demo").keys() == portfolio.keys()
    with pytest.raises(ValueError):
        generate_portfolio("nope")


def test_update_bumps_version_and_timestamp(fresh: tuple[SimTenant, GraphClient]) -> None:
    tenant, graph = fresh
    policy = tenant.objects("deviceConfiguration")[0]
    tenant.update("deviceConfiguration", policy["id"], lambda o: o.update(description="changed"))
    served = graph.get(f"/beta/deviceManagement/deviceConfigurations/{policy['id']}").json()
    assert served["description"] == "changed"
    assert served["version"] == policy["version"] + 1
    assert served["lastModifiedDateTime"] != policy["lastModifiedDateTime"]


def test_helpers(fresh: tuple[SimTenant, GraphClient]) -> None:
    tenant, graph = fresh
    policy = next(
        p
        for p in tenant.objects("settingsCatalogPolicy")
        if p["templateReference"]["templateFamily"] == "endpointSecurityAntivirus"
    )
    def_id = "device_vendor_msft_policy_config_defender_threatseveritydefaultaction_severethreats"  # nested in a group
    assert tenant.set_setting_value(policy["id"], def_id, def_id + "_block") == 1
    with pytest.raises(KeyError):
        tenant.set_setting_value(policy["id"], "no_such_setting", 1)
    served = graph.get(f"/beta/deviceManagement/configurationPolicies/{policy['id']}?$expand=settings").json()
    values = [
        i["choiceSettingValue"]["value"]
        for i in iter_setting_instances(served["settings"])
        if i["settingDefinitionId"] == def_id
    ]
    assert values == [def_id + "_block"]

    group_id = tenant.groups()[0]["id"]
    assignment_id = tenant.add_exclusion_assignment("settingsCatalogPolicy", policy["id"], group_id)
    rows = graph.get_all(f"/beta/deviceManagement/configurationPolicies/{policy['id']}/assignments")
    row = next(r for r in rows if r["id"] == assignment_id)
    assert row["target"] == {
        "@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget",
        "deviceAndAppManagementAssignmentFilterId": None,
        "deviceAndAppManagementAssignmentFilterType": "none",
        "groupId": group_id,
    }
    tenant.rename("settingsCatalogPolicy", policy["id"], "Renamed AV")
    ca = tenant.objects("conditionalAccessPolicy")[0]
    tenant.rename("conditionalAccessPolicy", ca["id"], "CA renamed")
    assert tenant.get("settingsCatalogPolicy", policy["id"])["name"] == "Renamed AV"
    assert graph.get(f"/v1.0/identity/conditionalAccess/policies/{ca['id']}").json()["displayName"] == "CA renamed"

    new_id = tenant.add(
        "assignmentFilter", {"displayName": "FLT-New", "platform": "iOS", "rule": '(device.model -eq "x")'}
    )
    assert graph.get(f"/beta/deviceManagement/assignmentFilters/{new_id}").status_code == 200
    tenant.delete("assignmentFilter", new_id)
    assert graph.get(f"/beta/deviceManagement/assignmentFilters/{new_id}").status_code == 404


def test_rotate_secret_registers_the_new_value(fresh: tuple[SimTenant, GraphClient]) -> None:
    tenant, graph = fresh
    custom = next(
        d for d in tenant.objects("deviceConfiguration") if d["@odata.type"].endswith("windows10CustomConfiguration")
    )
    before = [s for s in custom["omaSettings"] if s["isEncrypted"]]
    new_values = tenant.rotate_secret("deviceConfiguration", custom["id"])
    assert len(new_values) == len(before) and set(new_values) <= tenant.planted_secrets()
    served = graph.get(f"/beta/deviceManagement/deviceConfigurations/{custom['id']}").json()
    after = [s for s in served["omaSettings"] if s["isEncrypted"]]
    assert {s["value"] for s in after} == set(new_values)
    assert {s["secretReferenceValueId"] for s in after}.isdisjoint({s["secretReferenceValueId"] for s in before})
    with pytest.raises(ValueError):
        tenant.rotate_secret("assignmentFilter", tenant.ids("assignmentFilter")[0])


def test_shuffle_order_keeps_the_same_objects_and_meaning() -> None:
    tenant = generate_tenant(11, size=80)
    before = {k: tenant.objects(k) for k in TYPE_KEYS}
    ids_before = {k: sorted(tenant.ids(k)) for k in TYPE_KEYS}
    tenant.shuffle_order(seed=1)
    after = {k: tenant.objects(k) for k in TYPE_KEYS}
    for key in TYPE_KEYS:
        assert ids_before[key] == sorted(tenant.ids(key))
        canon_before = sorted(json.dumps(_canonical(o), sort_keys=True) for o in before[key])
        canon_after = sorted(json.dumps(_canonical(o), sort_keys=True) for o in after[key])
        assert canon_before == canon_after, key
    assert [o["id"] for o in before["settingsCatalogPolicy"]] != [o["id"] for o in after["settingsCatalogPolicy"]]
    old_ids = {a["id"] for o in before["settingsCatalogPolicy"] for a in o["assignments"]}
    new_ids = {a["id"] for o in after["settingsCatalogPolicy"] for a in o["assignments"]}
    assert old_ids and old_ids.isdisjoint(new_ids)  # volatile child ids regenerated
    assert json.dumps(before, sort_keys=True) != json.dumps(after, sort_keys=True)
