"""What real Graph sends, end to end: each case of issue 10 through the registered functions against the
strict simulator. One admin change gives exactly the finding an admin expects (type, a path naming the
setting, before and after) and nothing else."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from devtools.graphsim import generate_tenant
from tests.pipeline import (
    admx_text_value,
    cycle_completed,
    drift_after,
    every_stored_byte,
    new_tenant_id,
    register,
    runs,
    snapshot,
)

Obj = dict[str, Any]
G = "#microsoft.graph."
NS = G + "deviceManagementConfiguration"
ASR = "device_vendor_msft_policy_config_defender_attacksurfacereductionrules"
FW = "vendor_msft_firewall_mdmstore_firewallrules_{firewallrulename}"
PILOT_GROUP = "5b0c9d2e-8f41-4a73-b6c5-0d1e2f3a4b5c"


@pytest.fixture
def tenant(app_env: dict[str, str], graph_sim: Any) -> str:
    assert graph_sim.strict, "these cases must run against the strict simulator"
    tid = new_tenant_id()
    graph_sim.add_tenant(tid, generate_tenant(seed=23, size=200))
    return tid


def _only(found: list[Obj], policy_type: str, subject: str) -> Obj:
    assert [(f["policyType"], f["subjectId"], f["changeType"]) for f in found] == [
        (policy_type, subject, "modified")
    ], found
    return found[0]


def _changes(finding: Obj) -> list[tuple[str, Any, Any]]:
    return [(c["path"], c["before"], c["after"]) for c in finding["changes"]]


def _settings_policy(sim_tenant: Any, definition: str) -> Obj:
    for policy in sim_tenant.objects("settingsCatalogPolicy"):
        if any(s["settingInstance"]["settingDefinitionId"] == definition for s in policy["settings"]):
            return dict(policy)
    raise AssertionError(f"no policy with {definition}")


def _group_instance(policy: Obj, definition: str) -> Obj:
    return next(
        s["settingInstance"] for s in policy["settings"] if s["settingInstance"]["settingDefinitionId"] == definition
    )


def test_a_changed_admin_template_text_value_is_one_change_at_its_presentation(
    host: Any, tenant: str, graph_sim: Any
) -> None:
    sim = graph_sim.tenant(tenant)
    config, value, pres = admx_text_value(sim)

    def edit() -> None:
        def apply(obj: Obj) -> None:
            for v in obj["definitionValues"]:
                for p in v["presentationValues"]:
                    if p["id"] == pres["id"]:
                        p["value"] = p["value"] + ";changed"

        sim.update("groupPolicyConfiguration", config["id"], apply)

    finding = _only(
        drift_after(host, tenant, ["groupPolicyConfiguration"], edit), "groupPolicyConfiguration", config["id"]
    )
    definition, presentation = value["definition"]["id"], pres["presentation"]["id"]
    assert _changes(finding) == [
        (
            f"definitionValues/definition:{definition}/presentationValues/presentation:{presentation}/value",
            pres["value"],
            pres["value"] + ";changed",
        )
    ]
    assert finding["categories"] == ["settings"]


def test_admin_template_values_are_read_per_value_through_batch_and_only_where_the_definition_has_presentations(
    host: Any, tenant: str, graph_sim: Any
) -> None:
    register(host, tenant, policyTypes=["groupPolicyConfiguration"])
    graph_sim.stats.reset()
    run_id = cycle_completed(host, tenant)
    doc = snapshot(tenant, run_id)
    sim = graph_sim.tenant(tenant)
    values = [v for c in sim.objects("groupPolicyConfiguration") for v in c["definitionValues"]]
    with_presentations = [v for v in values if v["presentationValues"]]
    log = graph_sim.stats.requests(tenant=tenant, path_contains="/presentationValues")
    assert len(log) == len(with_presentations) and all("$expand=presentation" in e.path for e in log)
    assert not any("presentationValues($expand" in e.path for e in graph_sim.stats.requests(tenant=tenant))
    stored = {
        pv["presentation"]["id"]
        for item in doc["types"]["groupPolicyConfiguration"]["items"]
        for dv in item["content"]["definitionValues"]
        for pv in dv.get("presentationValues", [])
    }
    assert stored == {pv["presentation"]["id"] for v in with_presentations for pv in v["presentationValues"]}


def test_a_scope_tag_assignment_change_is_seen(host: Any, tenant: str, graph_sim: Any) -> None:
    sim = graph_sim.tenant(tenant)
    tag = next(t for t in sim.objects("roleScopeTag") if t["id"] != "0")

    def edit() -> None:
        sim.add_assignment("roleScopeTag", tag["id"], "group", PILOT_GROUP)

    finding = _only(drift_after(host, tenant, ["roleScopeTag"], edit), "roleScopeTag", tag["id"])
    [(path, before, after)] = _changes(finding)
    assert path == f"assignments/groupAssignmentTarget/{PILOT_GROUP}"
    assert before is None and after["target"]["groupId"] == PILOT_GROUP
    assert finding["categories"] == ["assignments"]


@pytest.mark.parametrize(
    ("field", "old", "new"),
    [("policyMigrationState", "migrationComplete", "migrationInProgress"), ("reconfirmationInDays", None, 90)],
)
def test_authentication_methods_policy_reads_without_query_options_and_sees_admin_fields(
    host: Any, tenant: str, graph_sim: Any, field: str, old: Any, new: Any
) -> None:
    sim = graph_sim.tenant(tenant)
    sim.update("authenticationMethodsPolicy", "authenticationMethodsPolicy", lambda o: o.__setitem__(field, old))
    graph_sim.stats.reset()

    def edit() -> None:
        sim.update("authenticationMethodsPolicy", "authenticationMethodsPolicy", lambda o: o.__setitem__(field, new))

    found = drift_after(host, tenant, ["authenticationMethodsPolicy"], edit)
    finding = _only(found, "authenticationMethodsPolicy", "authenticationMethodsPolicy")
    assert _changes(finding) == [(field, old, new)]
    asked = graph_sim.stats.requests(tenant=tenant, path_contains="authenticationMethodsPolicy")
    assert asked and all("?" not in e.path for e in asked)
    doc = snapshot(tenant, runs(host, tenant)[0]["runId"])
    [item] = doc["types"]["authenticationMethodsPolicy"]["items"]
    assert {"Fido2", "Sms"} <= {c["id"] for c in item["content"]["authenticationMethodConfigurations"]}


def test_swapping_the_app_a_mam_app_configuration_targets_is_seen(host: Any, tenant: str, graph_sim: Any) -> None:
    sim = graph_sim.tenant(tenant)
    config = next(
        o for o in sim.objects("mobileAppConfiguration") if o["@odata.type"] == G + "targetedManagedAppConfiguration"
    )
    outlook = "com.microsoft.office.outlook"
    teams = "com.microsoft.skype.teams"

    def edit() -> None:
        def apply(obj: Obj) -> None:
            for app in obj["apps"]:
                if app["mobileAppIdentifier"]["bundleId"] == outlook:
                    app["id"] = f"{teams}.ios"
                    app["mobileAppIdentifier"]["bundleId"] = teams

        sim.update("mobileAppConfiguration", config["id"], apply)

    finding = _only(drift_after(host, tenant, ["mobileAppConfiguration"], edit), "mobileAppConfiguration", config["id"])
    changes = _changes(finding)
    assert [(p, b is None, a is None) for p, b, a in changes] == [
        (f"apps/{outlook}", False, True),
        (f"apps/{teams}", True, False),
    ]


def test_an_applicability_rule_is_an_admin_setting(host: Any, tenant: str, graph_sim: Any) -> None:
    sim = graph_sim.tenant(tenant)
    profile = next(
        o
        for o in sim.objects("deviceConfiguration")
        if o.get("deviceManagementApplicabilityRuleOsEdition") is None and "kioskModeExitCode" not in o
    )
    rule = {
        "osEditionTypes": ["windows10Enterprise", "windows10Education"],
        "name": "Enterprise and Education",
        "ruleType": "include",
    }

    def edit() -> None:
        sim.update(
            "deviceConfiguration",
            profile["id"],
            lambda o: o.__setitem__("deviceManagementApplicabilityRuleOsEdition", rule),
        )

    finding = _only(drift_after(host, tenant, ["deviceConfiguration"], edit), "deviceConfiguration", profile["id"])
    shown = dict(rule, osEditionTypes=sorted(rule["osEditionTypes"]))  # a set: sorted when normalised
    assert _changes(finding) == [("deviceManagementApplicabilityRuleOsEdition", None, shown)]


def test_the_kiosk_exit_pin_never_reaches_a_blob_table_or_log_and_its_change_is_seen(
    host: Any, tenant: str, graph_sim: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sim = graph_sim.tenant(tenant)
    kiosk = next(o for o in sim.objects("deviceConfiguration") if "kioskModeExitCode" in o)
    pins = [kiosk["kioskModeExitCode"]]

    def edit() -> None:
        pins.extend(sim.rotate_secret("deviceConfiguration", kiosk["id"]))

    finding = _only(drift_after(host, tenant, ["deviceConfiguration"], edit), "deviceConfiguration", kiosk["id"])
    [(path, before, after)] = _changes(finding)
    assert path == "kioskModeExitCode"
    assert before.startswith("<secret hmac:") and after.startswith("<secret hmac:") and before != after
    stored = every_stored_byte(tenant)
    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert len(pins) == 2
    for pin in pins:
        assert pin.encode() not in stored and pin not in logs
    response = host.http("GET", f"/api/tenants/{tenant}/drift/findings/{finding['id']}")
    assert response.status_code == 200
    assert all(pin.encode() not in response.get_body() for pin in pins)


def test_one_changed_asr_rule_is_one_change_naming_the_rule(host: Any, tenant: str, graph_sim: Any) -> None:
    sim = graph_sim.tenant(tenant)
    policy = _settings_policy(sim, ASR)
    rule = _group_instance(policy, ASR)["groupSettingCollectionValue"][0]["children"][3]
    old = rule["choiceSettingValue"]["value"]
    new = rule["settingDefinitionId"] + ("_audit" if not old.endswith("_audit") else "_block")

    def edit() -> None:
        sim.set_setting_value(policy["id"], rule["settingDefinitionId"], new)

    finding = _only(drift_after(host, tenant, ["settingsCatalogPolicy"], edit), "settingsCatalogPolicy", policy["id"])
    assert _changes(finding) == [
        (
            f"settings/{ASR}/groupSettingCollectionValue/children/{rule['settingDefinitionId']}/choiceSettingValue/value",
            old,
            new,
        )
    ]


def test_one_changed_firewall_rule_is_named_by_its_rule_name(host: Any, tenant: str, graph_sim: Any) -> None:
    sim = graph_sim.tenant(tenant)
    policy = next(
        p
        for p in sim.objects("settingsCatalogPolicy")
        if any(
            s["settingInstance"]["settingDefinitionId"] == FW
            and len(s["settingInstance"]["groupSettingCollectionValue"]) >= 2
            for s in p["settings"]
        )
    )
    rules = _group_instance(policy, FW)["groupSettingCollectionValue"]
    name = next(c for c in rules[1]["children"] if c["settingDefinitionId"] == f"{FW}_name")["simpleSettingValue"][
        "value"
    ]

    def edit() -> None:
        def apply(obj: Obj) -> None:
            element = _group_instance(obj, FW)["groupSettingCollectionValue"][1]
            for c in element["children"]:
                if c["settingDefinitionId"] == f"{FW}_enabled":
                    c["choiceSettingValue"]["value"] = f"{FW}_enabled_0"

        sim.update("settingsCatalogPolicy", policy["id"], apply)

    finding = _only(drift_after(host, tenant, ["settingsCatalogPolicy"], edit), "settingsCatalogPolicy", policy["id"])
    assert _changes(finding) == [
        (
            f"settings/{FW}/groupSettingCollectionValue/{name}/children/{FW}_enabled/choiceSettingValue/value",
            f"{FW}_enabled_1",
            f"{FW}_enabled_0",
        )
    ]


def test_reordering_group_collection_elements_and_children_gives_nothing(
    host: Any, tenant: str, graph_sim: Any
) -> None:
    sim = graph_sim.tenant(tenant)

    def edit() -> None:
        for policy in sim.objects("settingsCatalogPolicy"):

            def apply(obj: Obj) -> None:
                for s in obj["settings"]:
                    inst = s["settingInstance"]
                    for element in inst.get("groupSettingCollectionValue") or []:
                        element["children"].reverse()
                    inst.get("groupSettingCollectionValue", []).reverse()

            sim.update("settingsCatalogPolicy", policy["id"], apply)

    assert drift_after(host, tenant, ["settingsCatalogPolicy"], edit) == []


def test_cut_expansions_are_followed_and_a_missing_count_is_read_by_id(host: Any, tenant: str, graph_sim: Any) -> None:
    register(host, tenant, policyTypes=["settingsCatalogPolicy"])
    graph_sim.stats.reset()
    doc = snapshot(tenant, cycle_completed(host, tenant))
    sim = graph_sim.tenant(tenant)
    big = [p for p in sim.objects("settingsCatalogPolicy") if p["settingCount"] > 100]
    assert big, "the tenant should hold a policy whose settings expansion is cut"
    items = {i["id"]: i for i in doc["types"]["settingsCatalogPolicy"]["items"]}
    for policy in big:
        assert len(items[policy["id"]]["content"]["settings"]) == policy["settingCount"]
        # The list came without the count: the item was read by id for it, and the rest followed.
        by_id = graph_sim.stats.requests(tenant=tenant, path_contains=f"configurationPolicies/{policy['id']}")
        assert any(e.path.endswith(policy["id"]) for e in by_id)
        assert any("/settings?" in e.path and "skiptoken" in e.path for e in by_id)
