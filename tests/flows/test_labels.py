"""Findings in words (DESIGN §11), end to end: scans through the registered functions against the
strict simulator resolve names into the snapshot, and each change of a finding reads in words."""

from __future__ import annotations

import json
from typing import Any

import pytest

from devtools.azurite import Azurite
from devtools.graphsim import generate_tenant
from devtools.graphsim.store import iter_setting_instances
from tests.pipeline import (
    admx_text_value,
    cycle_completed,
    drift_after,
    findings,
    make_host,
    new_tenant_id,
    open_stores,
    register,
    runs,
    snapshot,
)

Obj = dict[str, Any]
ABM = "device_vendor_msft_policy_config_defender_allowbehaviormonitoring"
DEFINITION_READS = ("settingDefinitions", "configurationSettings")


@pytest.fixture
def host(app_env: dict[str, str], azurite: Azurite) -> Any:
    return make_host(azurite.connection_string)


@pytest.fixture
def tenant(app_env: dict[str, str], graph_sim: Any) -> str:
    assert graph_sim.strict, "these cases must run against the strict simulator"
    tid = new_tenant_id()
    graph_sim.add_tenant(tid, generate_tenant(seed=31, size=120))
    return tid


def _detail(host: Any, tenant: str, finding: Obj) -> Obj:
    response = host.http("GET", f"/api/tenants/{tenant}/drift/findings/{finding['id']}")
    assert response.status_code == 200, response.get_body()
    return dict(json.loads(response.get_body()))


def _only(found: list[Obj], subject: str) -> Obj:
    assert [(f["subjectId"], f["changeType"]) for f in found] == [(subject, "modified")], found
    return found[0]


def _words(change: Obj) -> tuple[str, str | None, str | None]:
    return change["label"], change["beforeLabel"], change["afterLabel"]


def _group_named(sim: Any, prefix: str) -> tuple[str, str]:
    group = next(g for g in sim.groups() if g["displayName"].startswith(prefix))
    return str(group["id"]), str(group["displayName"])


def test_a_choice_setting_change_reads_with_the_definition_name_and_both_option_names(
    host: Any, tenant: str, graph_sim: Any
) -> None:
    sim = graph_sim.tenant(tenant)
    policy = next(
        p
        for p in sim.objects("settingsCatalogPolicy")
        if any(i["settingDefinitionId"] == ABM for i in iter_setting_instances(p["settings"]))
    )
    before = next(
        i["choiceSettingValue"]["value"]
        for i in iter_setting_instances(policy["settings"])
        if i["settingDefinitionId"] == ABM
    )
    after = f"{ABM}_0" if before.endswith("_1") else f"{ABM}_1"
    words = {f"{ABM}_0": "Not allowed", f"{ABM}_1": "Allowed"}

    found = drift_after(
        host, tenant, ["settingsCatalogPolicy"], lambda: sim.set_setting_value(policy["id"], ABM, after)
    )
    finding = _only(found, policy["id"])
    (change,) = _detail(host, tenant, finding)["changes"]
    assert (change["path"], change["before"], change["after"]) == (
        f"settings/{ABM}/choiceSettingValue/value",
        before,
        after,
    )
    assert _words(change) == ("Allow Behavior Monitoring", words[before], words[after])
    assert change["unresolved"] == []
    assert finding["changeSummary"] == f"Allow Behavior Monitoring: {words[before]} → {words[after]}"
    # The names came with the scan, into the snapshot, beside the items.
    references = snapshot(tenant, runs(host, tenant)[0]["runId"])["references"]
    assert references["settingDefinitions"][ABM]["options"] == words
    assert "settingDefinition" not in references["unresolved"]


def test_an_exclusion_group_and_an_assignment_filter_read_with_their_names(
    host: Any, tenant: str, graph_sim: Any
) -> None:
    sim = graph_sim.tenant(tenant)
    policy = sim.objects("deviceCompliancePolicy")[0]
    pilot, pilot_name = _group_named(sim, "SG-Intune-Devices-Windows-Pilot")
    flt = sim.objects("assignmentFilter")[0]

    def edit() -> None:
        sim.add_exclusion_assignment("deviceCompliancePolicy", policy["id"], pilot)
        sim.add_assignment(
            "deviceCompliancePolicy", policy["id"], "allDevices", filter_id=flt["id"], filter_type="include"
        )

    sim.remove_assignment("deviceCompliancePolicy", policy["id"], pilot)
    found = drift_after(host, tenant, ["deviceCompliancePolicy", "assignmentFilter"], edit)
    changes = {c["path"]: c for c in _detail(host, tenant, _only(found, policy["id"]))["changes"]}
    excluded = changes[f"assignments/exclusionGroupAssignmentTarget/{pilot}"]
    assert _words(excluded) == (f"Excluded group: {pilot_name}", "Not assigned", "Assigned")
    filtered = changes[f"assignments/allDevicesAssignmentTarget?filter={flt['id']}:include"]
    assert _words(filtered) == (f"All devices (filter: {flt['displayName']}, include)", "Not assigned", "Assigned")


def test_a_filter_whose_type_is_not_scanned_is_named_by_listing_filters_alone(
    host: Any, tenant: str, graph_sim: Any
) -> None:
    sim = graph_sim.tenant(tenant)
    policy = sim.objects("deviceCompliancePolicy")[0]
    flt = sim.objects("assignmentFilter")[1]

    def edit() -> None:
        sim.add_assignment(
            "deviceCompliancePolicy", policy["id"], "allDevices", filter_id=flt["id"], filter_type="exclude"
        )

    graph_sim.stats.reset()
    found = drift_after(host, tenant, ["deviceCompliancePolicy"], edit)
    (change,) = [c for c in _detail(host, tenant, _only(found, policy["id"]))["changes"] if flt["id"] in c["path"]]
    assert change["label"] == f"All devices (filter: {flt['displayName']}, exclude)"
    listed = graph_sim.stats.requests(tenant=tenant, path_contains="/assignmentFilters")
    assert listed and all("$select=id,displayName" in e.path and e.status == 200 for e in listed)


def test_an_admin_template_value_reads_with_the_definition_and_presentation_names(
    host: Any, tenant: str, graph_sim: Any
) -> None:
    sim = graph_sim.tenant(tenant)
    config, value, presentation = admx_text_value(sim)

    def edit() -> None:
        def apply(obj: Obj) -> None:
            for v in obj["definitionValues"]:
                if v["id"] == value["id"]:
                    v["enabled"] = not v["enabled"]
                    for p in v["presentationValues"]:
                        if p["id"] == presentation["id"]:
                            p["value"] += ";changed"

        sim.update("groupPolicyConfiguration", config["id"], apply)

    found = drift_after(host, tenant, ["groupPolicyConfiguration"], edit)
    changes = _detail(host, tenant, _only(found, config["id"]))["changes"]
    definition = value["definition"]["displayName"]
    words = {True: "Enabled", False: "Disabled"}
    assert [_words(c) for c in changes] == [
        (definition, words[value["enabled"]], words[not value["enabled"]]),
        (f"{definition} › {presentation['presentation']['label']}", None, None),
    ]
    assert changes[1]["after"] == presentation["value"] + ";changed"


def test_a_plain_property_reads_as_words(host: Any, tenant: str, graph_sim: Any) -> None:
    sim = graph_sim.tenant(tenant)
    policy = next(p for p in sim.objects("deviceCompliancePolicy") if p.get("passwordMinimumLength"))

    def edit() -> None:
        sim.update("deviceCompliancePolicy", policy["id"], lambda o: o.update(passwordMinimumLength=16))

    found = drift_after(host, tenant, ["deviceCompliancePolicy"], edit)
    (change,) = _detail(host, tenant, _only(found, policy["id"]))["changes"]
    assert (change["path"], change["before"], change["after"]) == (
        "passwordMinimumLength",
        policy["passwordMinimumLength"],
        16,
    )
    assert _words(change) == ("Password minimum length", None, None)


def test_a_renamed_group_gives_no_finding_and_later_findings_use_its_new_name(
    host: Any, tenant: str, graph_sim: Any
) -> None:
    sim = graph_sim.tenant(tenant)
    policy = sim.objects("deviceCompliancePolicy")[0]
    pilot, _ = _group_named(sim, "SG-Intune-Devices-Windows-Pilot")
    sim.add_exclusion_assignment("deviceCompliancePolicy", policy["id"], pilot)
    register(host, tenant)
    first = cycle_completed(host, tenant)
    sim.add_group("Pilot devices (renamed)", group_id=pilot)  # same id, new name
    second = cycle_completed(host, tenant)
    assert findings(tenant) == []
    old, new = snapshot(tenant, first), snapshot(tenant, second)
    assert old["types"] == new["types"]
    assert new["references"]["names"]["group"][pilot] == "Pilot devices (renamed)"
    assert old["references"]["names"]["group"][pilot] != "Pilot devices (renamed)"

    sim.remove_assignment("deviceCompliancePolicy", policy["id"], pilot)
    cycle_completed(host, tenant)
    (finding,) = findings(tenant)
    (change,) = _detail(host, tenant, finding)["changes"]
    assert _words(change) == ("Excluded group: Pilot devices (renamed)", "Assigned", "Not assigned")


def test_a_group_that_cannot_be_named_shows_its_id_and_says_so(host: Any, tenant: str, graph_sim: Any) -> None:
    sim = graph_sim.tenant(tenant)
    (dangling,) = sim.deleted_group_ids  # planted: an assignment to a group deleted long ago
    holder = next(
        (key, o)
        for key in ("settingsCatalogPolicy", "deviceConfiguration", "deviceCompliancePolicy", "deviceManagementScript")
        for o in sim.objects(key)
        if any((a.get("target") or {}).get("groupId") == dangling for a in o.get("assignments") or [])
    )
    key, obj = holder
    register(host, tenant)
    first = cycle_completed(host, tenant)
    assert dangling in snapshot(tenant, first)["references"]["unresolved"]["group"]
    sim.remove_assignment(key, obj["id"], dangling)
    cycle_completed(host, tenant)
    (finding,) = findings(tenant)
    (change,) = _detail(host, tenant, finding)["changes"]
    assert change["label"] == f"Included group: {dangling} (name not found)"
    assert change["unresolved"] == [dangling]


def test_names_graph_refuses_are_flagged_and_the_scan_still_completes(host: Any, tenant: str, graph_sim: Any) -> None:
    graph_sim.faults.forbid("directoryObjects/getByIds", tenant=tenant)
    register(host, tenant, policyTypes=["deviceCompliancePolicy"])
    run_id = cycle_completed(host, tenant)
    references = snapshot(tenant, run_id)["references"]
    assert references["errors"] == {"group": "forbidden"}
    assert "group" not in references["names"] and references["unresolved"]["group"]


def test_a_rescan_of_an_unchanged_tenant_reads_no_setting_definition(host: Any, tenant: str, graph_sim: Any) -> None:
    register(host, tenant)
    graph_sim.stats.reset()
    first = cycle_completed(host, tenant)
    read = [e for e in graph_sim.stats.requests(tenant=tenant) if any(p in e.path for p in DEFINITION_READS)]
    assert read and all(e.status == 200 for e in read)
    cached = open_stores().definitions.load(tenant)
    assert len(cached) == len(snapshot(tenant, first)["references"]["settingDefinitions"]) > 100

    graph_sim.stats.reset()
    second = cycle_completed(host, tenant)
    assert [e.path for e in graph_sim.stats.requests(tenant=tenant) if any(p in e.path for p in DEFINITION_READS)] == []
    assert snapshot(tenant, second)["references"] == snapshot(tenant, first)["references"]
    # Only GUIDs went to getByIds: the strict simulator refused nothing.
    by_ids = graph_sim.stats.requests(tenant=tenant, path_contains="getByIds")
    assert len(by_ids) == 1 and by_ids[0].status == 200
