"""Who changed it (DESIGN §12) end to end: the simulator logs every change as Graph does, the scan
reads the logs, detection attributes each finding, through the registered functions."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devtools.azurite import Azurite
from devtools.graphsim import generate_tenant
from devtools.graphsim.audit import AuditActor
from devtools.graphsim.generator import WINDOWS_INTUNE_MIX
from tests.pipeline import (
    cycle_completed,
    every_stored_byte,
    findings,
    make_host,
    new_tenant_id,
    register,
    snapshot,
    summary,
)

TYPES = ["deviceConfiguration", "settingsCatalogPolicy", "conditionalAccessPolicy", "namedLocation"]
ALICE = AuditActor.user("alice@contoso.example", "0a1b2c3d-0000-4000-8000-00000000a11c", "198.51.100.7")
BOB = AuditActor.user("bob@contoso.example", "0a1b2c3d-0000-4000-8000-000000000b0b", "198.51.100.8")
ROBOT = AuditActor.app("Contoso provisioning automation", "5f6e7d8c-0000-4000-8000-0000000a9b07")


@pytest.fixture
def host(app_env: dict[str, str], azurite: Azurite) -> Any:
    return make_host(azurite.connection_string)


@pytest.fixture
def tenant(app_env: dict[str, str], graph_sim: Any) -> tuple[str, Any]:
    tid = new_tenant_id()
    graph_sim.add_tenant(tid, generate_tenant(seed=131, size=80, mix=WINDOWS_INTUNE_MIX))
    return tid, graph_sim.tenant(tid)


def _by_subject(tenant_id: str) -> dict[str, dict[str, Any]]:
    return {f["subjectId"]: f for f in findings(tenant_id)}


def _first(sim: Any, type_key: str, index: int = 0) -> dict[str, Any]:
    return dict(sorted(sim.objects(type_key), key=lambda o: o["id"])[index])


def _rename(sim: Any, type_key: str, obj: dict[str, Any]) -> None:
    field = "name" if "name" in obj and "displayName" not in obj else "displayName"
    sim.rename(type_key, obj["id"], f"{obj[field]} (changed)")


def test_two_admins_and_an_app_are_each_attributed_to_what_they_changed(host: Any, tenant: tuple[str, Any]) -> None:
    tid, sim = tenant
    register(host, tid, policyTypes=TYPES)
    baseline_run = cycle_completed(host, tid)
    device = _first(sim, "deviceConfiguration")
    catalog = _first(sim, "settingsCatalogPolicy")
    policy = _first(sim, "conditionalAccessPolicy")
    location = _first(sim, "namedLocation")
    with sim.audit.acting_as(ALICE):
        _rename(sim, "deviceConfiguration", device)
        _rename(sim, "conditionalAccessPolicy", policy)
    with sim.audit.acting_as(BOB):
        _rename(sim, "settingsCatalogPolicy", catalog)
    with sim.audit.acting_as(ROBOT):
        _rename(sim, "namedLocation", location)
    # Noise: other objects changed by someone else, and this object changed before the baseline ran.
    sim.audit.add_noise("intune", 5)
    sim.audit.add_noise("entra", 5)
    sim.audit.add_noise("intune", object_id=device["id"], at=datetime.now(UTC) - timedelta(days=3), actor=BOB)
    sim.audit.add_noise("entra", object_id=policy["id"], at=datetime.now(UTC) - timedelta(days=3), actor=BOB)
    # And one stamped after the current run started (a change made while the scan reads).
    sim.audit.add_noise("entra", object_id=location["id"], at=datetime.now(UTC) + timedelta(hours=1), actor=BOB)
    current_run = cycle_completed(host, tid)
    # The scan read from the baseline's start: the old events were not read, the late one was (and
    # must not be attached below).
    logged = snapshot(tid, current_run)["audit"]["events"]
    assert [e["actor"]["userPrincipalName"] for e in logged if e["resources"][0]["id"] == location["id"]] == [
        None,
        BOB.user_principal_name,
    ]

    found = _by_subject(tid)
    assert set(found) == {device["id"], catalog["id"], policy["id"], location["id"]}
    expected = {
        device["id"]: ("intune", "alice@contoso.example", "198.51.100.7", "Patch DeviceConfiguration"),
        policy["id"]: ("entra", "alice@contoso.example", "198.51.100.7", "Update conditional access policy"),
        catalog["id"]: ("intune", "bob@contoso.example", "198.51.100.8", None),
        location["id"]: ("entra", "Contoso provisioning automation", None, "Update named location"),
    }
    base_start = snapshot(tid, baseline_run)["startedAt"]
    cur_start = snapshot(tid, current_run)["startedAt"]
    for subject, (source, who, ip, activity) in expected.items():
        attribution = found[subject]["attribution"]
        assert attribution["state"] == "attributed", (subject, attribution)
        assert attribution["reason"] is None
        (event,) = attribution["events"]  # the noise (other objects, before the baseline) never attached
        assert event["source"] == source
        assert base_start < event["at"] < cur_start
        assert found[subject]["changedBy"] == who
        assert found[subject].get("changedFromIp") == ip
        if activity:
            assert event["activity"] == activity
    robot = found[location["id"]]["attribution"]["events"][0]["actor"]
    assert robot == {
        "type": "application", "userPrincipalName": None, "userId": None,
        "applicationId": ROBOT.app_id, "applicationDisplayName": ROBOT.app_name, "ipAddress": None,
    }  # fmt: skip
    assert summary(tid)["counts"]["byActor"] == {
        "alice@contoso.example": 2,
        "bob@contoso.example": 1,
        "Contoso provisioning automation": 1,
    }
    # The API's list and detail say the same.
    response = host.http("GET", f"/api/tenants/{tid}/drift/findings")
    listed = {f["subjectId"]: f for f in json.loads(response.get_body())["findings"]}
    assert listed[device["id"]]["changedBy"] == "alice@contoso.example"
    assert listed[location["id"]]["changedWithApp"] == ROBOT.app_name
    detail = host.http("GET", f"/api/tenants/{tid}/drift/findings/{found[policy['id']]['id']}")
    assert (
        json.loads(detail.get_body())["attribution"]["events"][0]["actor"]["userPrincipalName"]
        == ALICE.user_principal_name
    )


def test_a_late_event_turns_pending_into_attributed_on_the_next_scan(host: Any, tenant: tuple[str, Any]) -> None:
    tid, sim = tenant
    register(host, tid, policyTypes=TYPES)
    cycle_completed(host, tid)
    policy = _first(sim, "conditionalAccessPolicy")
    sim.audit.latency_seconds = 3.0  # Entra logs minutes late; here seconds
    with sim.audit.acting_as(BOB):
        _rename(sim, "conditionalAccessPolicy", policy)
    cycle_completed(host, tid)
    (pending,) = findings(tid)
    assert pending["attribution"]["state"] == "pending"
    assert pending["attribution"]["reason"] == "awaiting_audit_log"
    assert pending.get("changedBy") is None
    time.sleep(3.2)
    later_run = cycle_completed(host, tid)  # nothing else changed: no new finding
    assert snapshot(tid, later_run)["audit"]["pendingSince"] == pending["attribution"]["window"]["after"]
    (settled,) = findings(tid)
    assert settled["id"] == pending["id"]
    assert settled["attribution"]["state"] == "attributed"
    assert settled["changedBy"] == "bob@contoso.example"
    assert summary(tid)["counts"]["byActor"] == {"bob@contoso.example": 1}
    # The default list (kept with the summary) shows it too.
    listed = json.loads(host.http("GET", f"/api/tenants/{tid}/drift/findings").get_body())["findings"]
    assert [f["changedBy"] for f in listed] == ["bob@contoso.example"]


def test_no_event_at_all_is_unattributed_once_the_latency_has_passed(
    host: Any, tenant: tuple[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    tid, sim = tenant
    register(host, tid, policyTypes=TYPES)
    cycle_completed(host, tid)
    device = _first(sim, "deviceConfiguration")
    sim.audit.recording = False  # a change the log never records
    _rename(sim, "deviceConfiguration", device)
    cycle_completed(host, tid)
    (finding,) = findings(tid)
    assert finding["attribution"]["state"] == "pending"  # 30 minutes have not passed since the window closed
    cycle_completed(host, tid)
    assert findings(tid)[0]["attribution"]["state"] == "pending"
    monkeypatch.setenv("AUDIT_LATENCY_MINUTES", "0")  # as if the next scan ran 30 minutes later
    cycle_completed(host, tid)
    (settled,) = findings(tid)
    assert settled["attribution"]["state"] == "unattributed"
    assert settled["attribution"]["reason"] == "no_matching_event"
    assert settled.get("changedBy") is None
    # Settled: the next scan no longer reads back for it.
    last = cycle_completed(host, tid)
    assert snapshot(tid, last)["audit"]["pendingSince"] is None


def test_a_403_on_the_audit_logs_gives_unavailable_and_unchanged_drift(
    host: Any, graph_sim: Any, tenant: tuple[str, Any]
) -> None:
    tid, sim = tenant
    register(host, tid, policyTypes=TYPES)
    cycle_completed(host, tid)
    device = _first(sim, "deviceConfiguration")
    policy = _first(sim, "conditionalAccessPolicy")
    _rename(sim, "deviceConfiguration", device)
    _rename(sim, "conditionalAccessPolicy", policy)
    rules = [
        graph_sim.faults.forbid("deviceManagement/auditEvents", tenant=tid),
        graph_sim.faults.forbid("auditLogs/directoryAudits", tenant=tid),
    ]
    try:
        run_id = cycle_completed(host, tid)
    finally:
        for rule in rules:
            graph_sim.faults.remove(rule)
    doc = snapshot(tid, run_id)
    assert doc["status"] == "completed"
    assert all(entry["status"] == "complete" for entry in doc["types"].values())
    assert doc["audit"]["sources"] == {
        "entra": {"status": "failed", "errorCode": "forbidden"},
        "intune": {"status": "failed", "errorCode": "forbidden"},
    }
    found = _by_subject(tid)
    assert set(found) == {device["id"], policy["id"]}
    for finding in found.values():
        assert finding["changeType"] == "modified"
        assert finding["attribution"]["state"] == "unavailable"
        assert finding["attribution"]["reason"] == "forbidden"
        assert finding.get("changedBy") is None
    assert summary(tid)["state"] == "ready"
    assert summary(tid)["counts"]["new"] == 2


def test_a_secret_in_an_audit_events_old_and_new_values_is_never_stored_or_logged(
    host: Any, graph_sim: Any, caplog: pytest.LogCaptureFixture
) -> None:
    tid = new_tenant_id()
    graph_sim.add_tenant(tid, generate_tenant(seed=137, size=120))
    sim = graph_sim.tenant(tid)
    register(host, tid, policyTypes=["deviceConfiguration"])
    cycle_completed(host, tid)
    secret_holder = next(
        o
        for o in sim.objects("deviceConfiguration")
        if any(k in json.dumps(o) for k in ("preSharedKey", 'isEncrypted": true'))
    )
    with sim.audit.acting_as(ALICE):
        new_values = sim.rotate_secret("deviceConfiguration", secret_holder["id"])
    (logged,) = [e for e in sim.audit.visible("intune") if e["resources"][0]["resourceId"] == secret_holder["id"]]
    assert any(v in json.dumps(logged["resources"][0]["modifiedProperties"]) for v in new_values), "the log holds it"
    with caplog.at_level(logging.DEBUG):
        cycle_completed(host, tid)
    (finding,) = findings(tid)
    assert finding["attribution"]["state"] == "attributed"
    assert finding["changedBy"] == ALICE.user_principal_name
    stored = every_stored_byte(tid)
    logs = "\n".join(r.getMessage() for r in caplog.records)
    for value in sim.planted_secrets():
        assert value.encode() not in stored
        assert value not in logs
    assert b"modifiedProperties" not in stored


def test_a_pending_finding_acknowledged_meanwhile_is_settled_without_counting_it_as_new(
    host: Any, tenant: tuple[str, Any]
) -> None:
    tid, sim = tenant
    register(host, tid, policyTypes=TYPES)
    cycle_completed(host, tid)
    first, second = _first(sim, "namedLocation"), _first(sim, "conditionalAccessPolicy")
    sim.audit.latency_seconds = 3.0
    with sim.audit.acting_as(ALICE):
        _rename(sim, "namedLocation", first)
        _rename(sim, "conditionalAccessPolicy", second)
    cycle_completed(host, tid)
    pending = _by_subject(tid)
    assert {f["attribution"]["state"] for f in pending.values()} == {"pending"}
    acknowledged = pending[first["id"]]["id"]
    response = host.http("POST", f"/api/tenants/{tid}/drift/findings/{acknowledged}/acknowledge", {"note": "ok"})
    assert response.status_code == 200, response.get_body()
    time.sleep(3.2)
    cycle_completed(host, tid)
    settled = _by_subject(tid)
    assert {f["attribution"]["state"] for f in settled.values()} == {"attributed"}
    assert settled[first["id"]]["status"] == "acknowledged"
    assert settled[first["id"]]["acknowledgedNote"] == "ok"
    # Only the finding still new counts under its actor.
    counts = summary(tid)["counts"]
    assert counts["byActor"] == {ALICE.user_principal_name: 1}
    assert (counts["new"], counts["acknowledged"]) == (1, 1)
