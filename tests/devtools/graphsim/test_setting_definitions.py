"""The simulator serves settings catalog definitions both ways Graph does, in Graph's shapes: expanded
on a policy's setting rows (`settings?$expand=settingDefinitions`, the definition of every instance a
row holds, children included) and from the catalogue (`configurationSettings`, by id or listed)."""

from __future__ import annotations

from typing import Any

from devtools.graphsim import SimTenant
from devtools.graphsim.setting_definitions import instance_definition_ids
from devtools.graphsim.setting_names import lookup
from devtools.graphsim.store import iter_setting_instances
from tests.devtools.graphsim.helpers import GraphClient

SC = "/beta/deviceManagement/configurationPolicies"
CATALOG = "/beta/deviceManagement/configurationSettings"
FW = "vendor_msft_firewall_mdmstore_firewallrules_{firewallrulename}"


def _policy_with(tenant: SimTenant, definition: str) -> dict[str, Any]:
    for policy in tenant.objects("settingsCatalogPolicy"):
        if any(i["settingDefinitionId"] == definition for i in iter_setting_instances(policy["settings"])):
            return dict(policy)
    raise AssertionError(f"no policy holds {definition}")


def test_expanded_rows_carry_the_definition_of_every_instance_they_hold(client: GraphClient, tenant: SimTenant) -> None:
    policy = _policy_with(tenant, FW)
    rows = client.get_all(f"{SC}/{policy['id']}/settings?$expand=settingDefinitions")
    assert len(rows) == len(policy["settings"])
    for row in rows:
        expected = instance_definition_ids(row["settingInstance"])
        assert [d["id"] for d in row["settingDefinitions"]] == expected
    (rules,) = [r for r in rows if r["settingInstance"]["settingDefinitionId"] == FW]
    group, *children = rules["settingDefinitions"]
    assert group["@odata.type"] == "#microsoft.graph.deviceManagementConfigurationSettingGroupCollectionDefinition"
    assert {c["id"] for c in children} <= set(group["childIds"])
    direction = next(c for c in children if c["id"] == f"{FW}_direction")
    assert {o["itemId"]: o["displayName"] for o in direction["options"]} == {
        f"{FW}_direction_in": "Inbound",
        f"{FW}_direction_out": "Outbound",
    }
    # Not asked for, not sent.
    plain = client.get(f"{SC}/{policy['id']}/settings").json()["value"]
    assert all("settingDefinitions" not in r for r in plain)


def test_long_policies_page_their_rows_with_definitions_and_lists_expand_them_nested(
    client: GraphClient, tenant: SimTenant
) -> None:
    office = max(tenant.objects("settingsCatalogPolicy"), key=lambda p: len(p["settings"]))
    assert len(office["settings"]) > 25
    first = client.get(f"{SC}/{office['id']}/settings?$expand=settingDefinitions").json()
    assert len(first["value"]) == 25 and "$expand=settingDefinitions" in first["@odata.nextLink"]
    rows = client.get_all(f"{SC}/{office['id']}/settings?$expand=settingDefinitions")
    assert len(rows) == len(office["settings"]) and all(r["settingDefinitions"] for r in rows)
    listed = client.get(f"{SC}?$expand=settings($expand=settingDefinitions)").json()["value"]
    assert listed and all(r["settingDefinitions"] for p in listed for r in p["settings"])
    assert client.get(f"{SC}/{office['id']}/settings?$expand=definitions").status_code == 400


def test_the_catalogue_answers_by_id_and_as_a_list(client: GraphClient, tenant: SimTenant) -> None:
    definition = "device_vendor_msft_policy_config_defender_allowbehaviormonitoring"
    one = client.get(f"{CATALOG}/{definition}").json()
    assert one["displayName"] == "Allow Behavior Monitoring"
    assert {o["itemId"]: o["displayName"] for o in one["options"]} == {
        f"{definition}_0": "Not allowed",
        f"{definition}_1": "Allowed",
    }
    braces = client.get(f"{CATALOG}/{FW.replace('{', '%7B').replace('}', '%7D')}_direction").json()
    assert braces["displayName"] == "Direction"
    missing = client.get(f"{CATALOG}/vendor_msft_no_such_setting")
    assert missing.status_code == 404
    listed = client.get_all(CATALOG)
    assert len(listed) == len(tenant.snapshot("deviceManagement/configurationSettings")) > 300
    assert client.get(f"{CATALOG}/{definition}", params={"$expand": "options"}).status_code == 400


def test_every_setting_a_tenant_holds_has_a_written_name_and_every_option_it_uses(tenant: SimTenant) -> None:
    catalog = {d["id"]: d for d in tenant.snapshot("deviceManagement/configurationSettings")}
    for policy in tenant.objects("settingsCatalogPolicy"):
        for instance in iter_setting_instances(policy["settings"]):
            definition = instance["settingDefinitionId"]
            assert lookup(definition) is not None, f"{definition} has no written name"
            served = catalog[definition]
            assert served["displayName"] == lookup(definition)[0]  # type: ignore[index]
            values = [instance.get("choiceSettingValue") or {}, *(instance.get("choiceSettingCollectionValue") or [])]
            options = {o["itemId"] for o in served.get("options") or []}
            for value in values:
                if value.get("value"):
                    assert value["value"] in options, (definition, value["value"])


def test_compliance_policies_of_the_settings_catalog_have_a_catalogue_of_their_own(
    client: GraphClient, tenant: SimTenant
) -> None:
    compliance = "/beta/deviceManagement/compliancePolicies"
    policy = tenant.objects("compliancePolicy")[0]
    rows = client.get_all(f"{compliance}/{policy['id']}/settings?$expand=settingDefinitions")
    assert len(rows) == len(policy["settings"])
    for row in rows:
        assert [d["id"] for d in row["settingDefinitions"]] == instance_definition_ids(row["settingInstance"])
        assert all(d["settingUsage"] == "compliance" for d in row["settingDefinitions"])
    one = client.get("/beta/deviceManagement/complianceSettings/linux_passwordpolicy_minimumlength").json()
    assert (one["displayName"], one["applicability"]["platform"]) == ("Minimum Length", "linux")
    # Not a configuration setting.
    assert client.get(f"{CATALOG}/linux_passwordpolicy_minimumlength").status_code == 404
    for policy in tenant.objects("compliancePolicy"):
        for instance in iter_setting_instances(policy["settings"]):
            assert lookup(instance["settingDefinitionId"]) is not None, instance["settingDefinitionId"]
