"""Drift end to end: timer → queue → blob trigger, against Azurite and the Graph simulator."""

from __future__ import annotations

import copy
import gzip
import json
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import azure.functions as func
import pytest

from bench.chaos import StorageFaultRule
from devtools.graphsim import generate_tenant
from devtools.graphsim.generator import WINDOWS_INTUNE_MIX
from shared.core.canonical import canonical_bytes
from shared.flows.triage import acknowledge_finding, pin_baseline
from tests.pipeline import (
    cycle,
    findings,
    new_tenant_id,
    open_stores,
    register,
    runs,
    storage_faults,
    summary,
)

PILOT_GROUP = "5b0c9d2e-8f41-4a73-b6c5-0d1e2f3a4b5c"


@pytest.fixture
def tenant(app_env: dict[str, str], graph_sim: Any) -> str:
    tid = new_tenant_id()
    graph_sim.add_tenant(tid, generate_tenant(seed=11, size=160, mix=WINDOWS_INTUNE_MIX))
    return tid


def _walk_instances(settings: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], int]]:
    stack = [(s["settingInstance"], 0) for s in settings]
    while stack:
        inst, depth = stack.pop()
        yield inst, depth
        for child in (inst.get("choiceSettingValue") or {}).get("children") or []:
            stack.append((child, depth + 1))
        for group in inst.get("groupSettingCollectionValue") or []:
            for child in group.get("children") or []:
                stack.append((child, depth + 1))


def _deep_simple_setting(sim_tenant: Any) -> tuple[str, str, Any]:
    """(policy id, definition id, value) of a simple setting nested under a choice (unique in its policy)."""
    for policy in sim_tenant.objects("settingsCatalogPolicy"):
        instances = list(_walk_instances(policy.get("settings") or []))
        ids = [i["settingDefinitionId"] for i, _ in instances]
        for inst, depth in instances:
            simple = inst.get("simpleSettingValue")
            if (
                depth >= 1
                and simple
                and isinstance(simple.get("value"), int)
                and ids.count(inst["settingDefinitionId"]) == 1
            ):
                return policy["id"], inst["settingDefinitionId"], simple["value"]
    raise AssertionError("no nested simple integer setting in the simulated tenant")


def _secret_policy(sim_tenant: Any) -> tuple[str, str]:
    for policy_type in ("deviceConfiguration", "settingsCatalogPolicy"):
        for obj in sim_tenant.objects(policy_type):
            text = json.dumps(obj)
            if any(secret in text for secret in sim_tenant.planted_secrets()):
                return policy_type, obj["id"]
    raise AssertionError("no secret-bearing policy")


def _ca_policy(display_name: str) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.conditionalAccessPolicy",
        "displayName": display_name,
        "state": "enabledForReportingButNotEnforced",
        "conditions": {
            "clientAppTypes": ["all"],
            "applications": {"includeApplications": ["All"], "excludeApplications": []},
            "users": {"includeUsers": ["All"], "excludeGroups": [PILOT_GROUP], "includeRoles": []},
            "platforms": None,
            "locations": None,
        },
        "grantControls": {"operator": "OR", "builtInControls": ["mfa"]},
        "sessionControls": None,
    }


def test_exactly_the_changes_made_become_findings(host: Any, tenant: str, graph_sim: Any) -> None:
    register(host, tenant)
    cycle(host)
    first = summary(tenant)
    assert first["state"] == "blocked" and first["reason"]["code"] == "no_baseline"

    sim = graph_sim.tenant(tenant)
    policy_id, definition_id, value = _deep_simple_setting(sim)
    sim.set_setting_value(policy_id, definition_id, value + 1)
    compliance = sim.objects("deviceCompliancePolicy")[0]["id"]
    sim.add_exclusion_assignment("deviceCompliancePolicy", compliance, PILOT_GROUP)
    secret_type, secret_id = _secret_policy(sim)
    renamed = next(o for o in sim.objects("deviceConfiguration") if o["id"] != secret_id)
    sim.rename("deviceConfiguration", renamed["id"], renamed["displayName"] + " (renamed)")
    deleted = sim.objects("deviceManagementScript")[0]["id"]
    sim.delete("deviceManagementScript", deleted)
    added_ca = sim.add("conditionalAccessPolicy", _ca_policy("CA900 - Pilot - Require MFA"))
    sim.rotate_secret(secret_type, secret_id)
    graph_sim.tenant(tenant).shuffle_order(seed=5)  # reordering alone must add nothing

    cycle(host)
    got = {(f["policyType"], f["subjectId"], f["changeType"]): f for f in findings(tenant)}
    expected = {
        ("settingsCatalogPolicy", policy_id, "modified"),
        ("deviceCompliancePolicy", compliance, "modified"),
        ("deviceConfiguration", renamed["id"], "modified"),
        ("deviceManagementScript", deleted, "removed"),
        ("conditionalAccessPolicy", added_ca, "added"),
        (secret_type, secret_id, "modified"),
    }
    assert len(expected) == 6 and set(got) == expected

    setting = got[("settingsCatalogPolicy", policy_id, "modified")]
    assert setting["categories"] == ["settings"]
    [change] = setting["changes"]
    assert change["path"].startswith("settings/") and definition_id in change["path"]
    assert "/0/" not in change["path"] and (change["before"], change["after"]) == (value, value + 1)

    exclusion = got[("deviceCompliancePolicy", compliance, "modified")]
    assert exclusion["categories"] == ["assignments"]
    [change] = exclusion["changes"]
    assert change["path"] == f"assignments/exclusionGroupAssignmentTarget/{PILOT_GROUP}"
    assert change["before"] is None and change["after"]["target"]["groupId"] == PILOT_GROUP

    rename = got[("deviceConfiguration", renamed["id"], "modified")]
    assert rename["categories"] == ["metadata"]
    assert [c["path"] for c in rename["changes"]] == ["displayName"]
    assert rename["displayName"].endswith("(renamed)")

    assert got[("deviceManagementScript", deleted, "removed")]["severity"] == "high"
    assert got[("conditionalAccessPolicy", added_ca, "added")]["severity"] == "high"

    rotated = got[(secret_type, secret_id, "modified")]
    assert rotated["categories"] == ["settings"]
    for change in rotated["changes"]:
        shown = json.dumps([change["before"], change["after"]])
        assert "PLANTED-SECRET" not in shown
    assert any("<secret" in json.dumps(c["after"]) for c in rotated["changes"])

    final = summary(tenant)
    assert final["state"] == "ready" and final["baseline"]["mode"] == "rolling"
    assert final["counts"]["new"] == 6
    assert final["counts"]["byChangeType"] == {"added": 1, "modified": 4, "removed": 1}
    assert final["current"]["runId"] == runs(host, tenant)[0]["runId"]
    assert runs(host, tenant)[0]["drift"]["status"] == "completed"


def test_a_partial_run_gives_no_findings_for_the_failed_type(host: Any, tenant: str, graph_sim: Any) -> None:
    register(host, tenant)
    cycle(host)
    sim = graph_sim.tenant(tenant)
    sim.delete("deviceManagementScript", sim.objects("deviceManagementScript")[0]["id"])
    sim.rename("namedLocation", sim.objects("namedLocation")[0]["id"], "HQ (moved)")
    graph_sim.faults.forbid("deviceManagement/deviceManagementScripts")
    cycle(host)
    graph_sim.faults.clear()
    types = {f["policyType"] for f in findings(tenant)}
    assert types == {"namedLocation"}
    coverage = summary(tenant)["coverage"]
    assert {"policyType": "deviceManagementScript", "errorCode": "forbidden"} in coverage["failed"]
    assert "deviceManagementScript" not in coverage["complete"]
    # A partial run is never a baseline: the next comparison is against the first run again.
    cycle(host)
    assert summary(tenant)["baseline"]["runId"] == runs(host, tenant)[-1]["runId"]
    assert ("deviceManagementScript", "removed") in {(f["policyType"], f["changeType"]) for f in findings(tenant)}


def test_pinned_baseline_resolves_reverted_changes_and_reopens_acknowledged_ones(
    host: Any, tenant: str, graph_sim: Any
) -> None:
    register(host, tenant)
    cycle(host)
    baseline_run = runs(host, tenant)[0]["runId"]
    stores = open_stores()
    pin_baseline(stores, tenant, baseline_run, "admin@contoso")
    sim = graph_sim.tenant(tenant)
    ca = sim.objects("conditionalAccessPolicy")[0]
    original_state = ca["state"]
    flip = "disabled" if original_state != "disabled" else "enabled"
    location = sim.objects("namedLocation")[0]

    def set_state(value: str) -> None:
        sim.update("conditionalAccessPolicy", ca["id"], lambda o: o.__setitem__("state", value))

    set_state(flip)
    sim.rename("namedLocation", location["id"], "Branch office")
    cycle(host)
    by_subject = {f["subjectId"]: f for f in findings(tenant)}
    ca_finding, loc_finding = by_subject[ca["id"]], by_subject[location["id"]]
    assert ca_finding["status"] == loc_finding["status"] == "new"
    assert summary(tenant)["baseline"] == {
        "mode": "pinned",
        "runId": baseline_run,
        "finishedAt": runs(host, tenant)[-1]["finishedAt"],
    }

    # Seen again unchanged: same ids, last seen moves on, nothing new.
    cycle(host)
    again = {f["subjectId"]: f for f in findings(tenant)}
    assert again[ca["id"]]["id"] == ca_finding["id"] and again[ca["id"]]["seenCount"] == 2
    assert len(findings(tenant)) == 2

    acknowledge_finding(stores, tenant, ca_finding["id"], "tech@msp", "expected during rollout")
    acknowledge_finding(stores, tenant, loc_finding["id"], "tech@msp", None)
    assert summary(tenant)["counts"]["acknowledged"] == 2 and summary(tenant)["counts"]["new"] == 0

    set_state(original_state)  # reverted: matches the baseline again
    sim.update("namedLocation", location["id"], lambda o: o.__setitem__("isTrusted", not o.get("isTrusted", False)))
    cycle(host)
    now = {f["subjectId"]: f for f in findings(tenant)}
    assert now[ca["id"]]["status"] == "resolved"
    assert now[location["id"]]["status"] == "new"  # changed again after acknowledgement: reopened
    actions = [e["action"] for e in stores.history.for_finding(tenant, loc_finding["id"])]
    assert actions == ["detected", "acknowledged", "reopened"]
    assert [e["action"] for e in stores.history.for_finding(tenant, ca_finding["id"])] == [
        "detected",
        "acknowledged",
        "resolved",
    ]
    counts = summary(tenant)["counts"]
    assert (counts["new"], counts["acknowledged"], counts["resolved"]) == (1, 0, 1)


def test_the_same_blob_twice_or_concurrently_changes_nothing(host: Any, tenant: str, graph_sim: Any) -> None:
    register(host, tenant)
    cycle(host)
    sim = graph_sim.tenant(tenant)
    for obj in sim.objects("deviceConfiguration")[:3]:
        sim.rename("deviceConfiguration", obj["id"], obj["displayName"] + " v2")
    cycle(host)
    stores = open_stores()
    before = canonical_bytes(findings(tenant))
    history_before = {f["id"]: stores.history.for_finding(tenant, f["id"]) for f in findings(tenant)}
    summary_before = summary(tenant)
    latest = runs(host, tenant)[0]["runId"]
    name = f"snapshots/{tenant}/{latest}.json.gz"
    data = stores.snapshots.read(f"{tenant}/{latest}.json.gz")
    assert data is not None
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            host.invoke("detect_drift", func.blob.InputStream(data=data, name=name, length=len(data)))
        except BaseException as exc:  # collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    deliver()
    assert errors == []
    assert canonical_bytes(findings(tenant)) == before
    assert {f["id"]: stores.history.for_finding(tenant, f["id"]) for f in findings(tenant)} == history_before
    assert summary(tenant) == summary_before
    assert len(findings(tenant)) == 3


@pytest.mark.parametrize(
    ("label", "payload", "code"),
    [
        ("not gzip", b'{"schemaVersion": 1}', "snapshot_corrupt"),
        ("truncated", None, "snapshot_corrupt"),
        ("wrong schema", gzip.compress(b'{"schemaVersion": 1, "types": {}}'), "snapshot_invalid"),
        ("future version", "future", "snapshot_unsupported_version"),
    ],
    ids=["not gzip", "truncated", "wrong schema", "future version"],
)
def test_a_poison_snapshot_fails_its_run_and_writes_nothing_else(
    host: Any, tenant: str, label: str, payload: bytes | str | None, code: str
) -> None:
    register(host, tenant)
    cycle(host)
    stores = open_stores()
    good_run = runs(host, tenant)[0]["runId"]
    good = stores.snapshots.read(f"{tenant}/{good_run}.json.gz")
    assert good is not None
    if payload is None:
        payload = good[: len(good) // 2]
    elif payload == "future":
        doc = json.loads(gzip.decompress(good))
        doc["schemaVersion"] = 2
        payload = gzip.compress(json.dumps(doc).encode())
    bad_run = "29990101T000000000Z-" + uuid.uuid4().hex[:8]
    before = (canonical_bytes(findings(tenant)), summary(tenant))
    assert isinstance(payload, bytes)
    stores.snapshots.create(f"{tenant}/{bad_run}.json.gz", payload)
    host.deliver_new_blobs()
    (bad,) = [r for r in runs(host, tenant) if r["runId"] == bad_run]
    assert bad["status"] == "failed" and bad["errorCode"] == code and bad["drift"]["errorCode"] == code
    assert (canonical_bytes(findings(tenant)), summary(tenant)) == before


def test_a_finding_with_5000_changed_settings_is_stored_and_read_back_whole(
    host: Any, tenant: str, graph_sim: Any
) -> None:
    register(host, tenant, policyTypes=["settingsCatalogPolicy"])
    sim = graph_sim.tenant(tenant)
    policy = copy.deepcopy(sim.objects("settingsCatalogPolicy")[0])
    policy.pop("id")
    policy["name"] = "Huge policy"
    policy["settings"] = [
        {
            "id": str(i),
            "settingInstance": {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
                "settingDefinitionId": f"vendor_msft_huge_setting_{i:05d}",
                "simpleSettingValue": {
                    "@odata.type": "#microsoft.graph.deviceManagementConfigurationIntegerSettingValue",
                    "value": i,
                },
            },
        }
        for i in range(5000)
    ]
    policy["settingCount"] = 5000
    huge_id = sim.add("settingsCatalogPolicy", policy)
    cycle(host)

    def bump(obj: dict[str, Any]) -> None:
        for s in obj["settings"]:
            s["settingInstance"]["simpleSettingValue"]["value"] += 1

    sim.update("settingsCatalogPolicy", huge_id, bump)
    cycle(host)
    [finding] = [f for f in findings(tenant) if f["subjectId"] == huge_id]
    assert len(finding["changes"]) == 5000
    first = finding["changes"][0]
    assert {k: first[k] for k in ("path", "category", "before", "after")} == {
        "path": "settings/vendor_msft_huge_setting_00000/simpleSettingValue/value",
        "category": "settings",
        "before": 0,
        "after": 1,
    }
    # No catalogue knows these definitions: each change shows its id and says so.
    assert first["label"] == "vendor_msft_huge_setting_00000 (name not found)"
    assert first["unresolved"] == ["vendor_msft_huge_setting_00000"]
    assert sorted(c["after"] for c in finding["changes"]) == list(range(1, 5001))


def test_findings_stay_hidden_until_their_summary_is_written_and_a_retry_completes(
    host: Any, tenant: str, graph_sim: Any
) -> None:
    register(host, tenant)
    cycle(host)
    sim = graph_sim.tenant(tenant)
    for obj in sim.objects("deviceConfiguration")[:2]:
        sim.rename("deviceConfiguration", obj["id"], obj["displayName"] + " v2")
    # Every summary write fails at the storage client; the host retries detect_drift and gives up.
    down = StorageFaultRule("summary down", "table", "update_entity", "summaries", count=10**6)
    with storage_faults(down):
        cycle(host)
    assert down.hits >= 5
    stores = open_stores()
    assert len(stores.findings.list_all(tenant)) == 2

    def listed() -> list[dict[str, Any]]:
        response = host.http("GET", f"/api/tenants/{tenant}/drift/findings", params={"status": "all"})
        assert response.status_code == 200
        return list(json.loads(response.get_body())["findings"])

    assert listed() == []
    assert summary(tenant)["state"] == "blocked"

    latest = runs(host, tenant)[0]["runId"]
    data = stores.snapshots.read(f"{tenant}/{latest}.json.gz")
    assert data is not None
    host.invoke(
        "detect_drift", func.blob.InputStream(data=data, name=f"snapshots/{tenant}/{latest}.json.gz", length=len(data))
    )
    assert len(listed()) == 2
    assert summary(tenant)["counts"]["new"] == 2
    assert all(len(stores.history.for_finding(tenant, f["id"])) == 1 for f in stores.findings.list_all(tenant))


def _recount(tenant: str) -> Any:
    from shared.core.drift import count_findings

    return count_findings(findings(tenant))


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_write_that_fails_mid_comparison_is_finished_by_the_retry_and_counted_once(
    host: Any, tenant: str, graph_sim: Any, when: str
) -> None:
    """The second findings transaction of a comparison fails (before reaching storage, or applied with
    its answer lost); the host's retry finishes the comparison and the summary counts each finding
    once, without recounting."""
    register(host, tenant)
    cycle(host)
    sim = graph_sim.tenant(tenant)
    renamed = [(t, o["id"]) for t in ("settingsCatalogPolicy", "deviceConfiguration") for o in sim.objects(t)]
    for policy_type, object_id in renamed:
        sim.rename(policy_type, object_id, "Edited")
    assert len(renamed) > 49  # a finding and its event are two rows: more than one transaction
    rule = StorageFaultRule("mid-comparison", "table", "transaction", "findings", when, skip=1, count=1)
    with storage_faults(rule):
        cycle(host)
    assert rule.hits == 1
    stores = open_stores()
    assert {(f["policyType"], f["subjectId"]) for f in findings(tenant)} == set(renamed)
    assert summary(tenant)["counts"] == _recount(tenant)
    assert summary(tenant)["counts"]["new"] == len(renamed)
    for finding in findings(tenant):
        assert [e["action"] for e in stores.history.for_finding(tenant, finding["id"])] == ["detected"]
    assert stores.findings.pending_counts(tenant) == []


def test_a_summary_write_whose_answer_is_lost_is_not_counted_twice(host: Any, tenant: str, graph_sim: Any) -> None:
    register(host, tenant)
    cycle(host)
    sim = graph_sim.tenant(tenant)
    for obj in sim.objects("conditionalAccessPolicy")[:3]:
        sim.rename("conditionalAccessPolicy", obj["id"], "Renamed")
    lost = StorageFaultRule("summary answer lost", "table", "update_entity", "summaries", "after", count=1)
    with storage_faults(lost):
        cycle(host)
    assert lost.hits == 1
    assert summary(tenant)["counts"]["new"] == 3 == _recount(tenant)["new"]


def test_storage_transactions_per_tenant_run_stay_within_budget(host: Any, tenant: str, graph_sim: Any) -> None:
    """An unchanged tenant's scan and detection: at most 20 transactions; with N objects changed at
    most 40 + N/40 (findings and history in entity group transactions of up to 100 rows)."""
    register(host, tenant)
    cycle(host)
    meter = open_stores().clients.meter

    def cost() -> int:
        before = meter.total()
        cycle(host)
        return meter.total() - before

    assert cost() <= 20
    sim = graph_sim.tenant(tenant)
    changed = [(t, o["id"]) for t in ("settingsCatalogPolicy", "deviceConfiguration") for o in sim.objects(t)]
    for policy_type, object_id in changed:
        sim.rename(policy_type, object_id, "Changed by the fleet test")
    assert len(changed) >= 50
    assert cost() <= 40 + len(changed) / 40
    assert len(findings(tenant)) == len(changed)
    # Holding those findings does not make the next unchanged run dearer (no recount).
    assert cost() <= 20
