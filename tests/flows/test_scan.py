"""Scanning end to end: registered functions + Azurite + the Graph simulator over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import threading
from typing import Any

import azure.functions as func
import pytest

from devtools.graphsim import generate_tenant
from devtools.graphsim.generator import WINDOWS_INTUNE_MIX
from shared.core.contracts import CONTRACTS
from shared.core.messages import new_scan_request
from shared.core.scope import scope_key
from shared.errors import ScanBusyError
from shared.settings import SCAN_QUEUE
from tests.pipeline import (
    every_stored_byte,
    new_tenant_id,
    open_stores,
    register,
    run,
    runs,
    scan_now,
    snapshot,
    snapshot_names,
)

# Windows-heavy, like most MSP customers: two pages of settings catalog policies, every type present.
ALL_TYPES_SIZE = 140


@pytest.fixture
def tenant(app_env: dict[str, str], graph_sim: Any) -> str:
    tid = new_tenant_id()
    graph_sim.add_tenant(tid, generate_tenant(seed=7, size=ALL_TYPES_SIZE, mix=WINDOWS_INTUNE_MIX))
    return tid


def _items(doc: dict[str, Any], policy_type: str) -> list[dict[str, Any]]:
    return list(doc["types"][policy_type]["items"])


def test_every_type_round_trips_whole_into_one_snapshot(host: Any, tenant: str, graph_sim: Any) -> None:
    register(host, tenant)
    run_id = scan_now(host, tenant)
    record = run(host, tenant, run_id)
    assert record["status"] == "completed", record
    doc = snapshot(tenant, run_id)
    assert doc["status"] == "completed" and doc["runId"] == run_id and doc["tenantId"] == tenant
    assert doc["scopeKey"] == scope_key(doc["selection"])
    sim_tenant = graph_sim.tenant(tenant)
    for policy_type, entry in doc["types"].items():
        assert entry["status"] == "complete", (policy_type, entry)
        # Microsoft's built-in store apps are listed by Graph and skipped by the scan.
        expected = {i for i in sim_tenant.ids(policy_type) if not sim_tenant.is_builtin(policy_type, i)}
        assert {i["id"] for i in entry["items"]} == expected and expected, policy_type
    assert record["counts"]["typesComplete"] == len(doc["selection"]) == len(CONTRACTS)
    assert any(sim_tenant.is_builtin("mobileApp", i) for i in sim_tenant.ids("mobileApp"))

    # A settings catalog policy with more than 100 settings arrives whole (paging and expansion).
    big = [i for i in _items(doc, "settingsCatalogPolicy") if len(i["content"].get("settings", [])) > 100]
    assert big, "the simulated tenant should hold a settings catalog policy with over 100 settings"
    for item in big:
        raw = sim_tenant.get("settingsCatalogPolicy", item["id"])
        assert len(item["content"]["settings"]) == raw["settingCount"]

    # Admin templates carry their definition values with presentation values.
    templates = _items(doc, "groupPolicyConfiguration")
    values = [v for t in templates for v in t["content"].get("definitionValues", [])]
    assert values and any(v.get("presentationValues") for v in values)
    assert all("definition" in v for v in values)

    # Scripts: content as hash and size of the real body, never the body.
    for item in _items(doc, "deviceManagementScript"):
        raw = sim_tenant.get("deviceManagementScript", item["id"])
        body = base64.b64decode(raw["scriptContent"])
        assert item["content"]["scriptContent"] == {"sha256": hashlib.sha256(body).hexdigest(), "sizeBytes": len(body)}

    # Assignments with filters and exclusion groups survive normalisation.
    targets = [a["target"]["@odata.type"] for t in doc["types"].values() for i in t["items"] for a in i["assignments"]]
    assert "#microsoft.graph.exclusionGroupAssignmentTarget" in targets
    assert any(
        a["target"].get("deviceAndAppManagementAssignmentFilterId")
        for t in doc["types"].values()
        for i in t["items"]
        for a in i["assignments"]
    )


def test_planted_secrets_reach_no_blob_table_or_log_line(
    host: Any, tenant: str, graph_sim: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    register(host, tenant)
    scan_now(host, tenant)
    planted = graph_sim.tenant(tenant).planted_secrets() | graph_sim.tenant(tenant).script_markers()
    assert len(planted) >= 4
    stored = every_stored_byte(tenant)
    assert b"<secret" in stored, "secret markers should be present where secrets were"
    logs = "\n".join(r.getMessage() for r in caplog.records)
    for secret in planted:
        assert secret.encode() not in stored, secret
        assert secret not in logs, secret


def test_reordering_and_volatile_changes_in_graph_give_identical_items(host: Any, tenant: str, graph_sim: Any) -> None:
    register(host, tenant)
    first = snapshot(tenant, scan_now(host, tenant))
    graph_sim.tenant(tenant).shuffle_order(seed=99)
    second = snapshot(tenant, scan_now(host, tenant))
    assert first["types"] == second["types"]


FAULTS: list[tuple[str, Any, str, dict[str, str]]] = [
    ("429 storm with Retry-After", lambda f: f.throttle(6, retry_after=1), "completed", {}),
    ("429 storm without Retry-After", lambda f: f.throttle(5, retry_after=None), "completed", {}),
    ("503 burst", lambda f: f.status(503, 4), "completed", {}),
    ("one timeout", lambda f: f.timeout("deviceManagement/deviceConfigurations", seconds=6, count=1), "completed", {}),
    (
        "page fails once mid-collection",
        lambda f: f.fail_page("deviceManagement/configurationPolicies", 1, status=503, count=1),
        "completed",
        {},
    ),
    (
        "page fails mid-collection for good",
        lambda f: f.fail_page("deviceManagement/configurationPolicies", 1, status=500),
        "partial",
        {"settingsCatalogPolicy": "graph_error"},
    ),
    (
        "403 on one type",
        lambda f: f.forbid("deviceManagement/deviceManagementScripts"),
        "partial",
        {"deviceManagementScript": "forbidden"},
    ),
    (
        "malformed JSON",
        lambda f: f.malformed("identity/conditionalAccess/policies"),
        "partial",
        {"conditionalAccessPolicy": "invalid_response"},
    ),
    (
        "persistent throttling of one type",
        lambda f: f.throttle(10_000, retry_after=0.2, path="identity/conditionalAccess/namedLocations"),
        "partial",
        {"namedLocation": "throttled"},
    ),
    ("403 everywhere", lambda f: f.forbid("/"), "failed", {"*": "forbidden"}),
]


@pytest.mark.parametrize(("label", "inject", "status", "failed"), FAULTS, ids=[f[0] for f in FAULTS])
def test_fault_matrix_ends_in_the_documented_status_with_nothing_lost(
    host: Any, tenant: str, graph_sim: Any, label: str, inject: Any, status: str, failed: dict[str, str]
) -> None:
    register(host, tenant)
    clean = snapshot(tenant, scan_now(host, tenant))
    # The mid-collection faults need a second page of settings catalog policies (25 per page).
    assert len(clean["types"]["settingsCatalogPolicy"]["items"]) > 25
    inject(graph_sim.faults)
    run_id = scan_now(host, tenant)
    graph_sim.faults.clear()
    record = run(host, tenant, run_id)
    assert record["status"] == status, (label, record)
    doc = snapshot(tenant, run_id)
    assert doc["status"] == status
    for policy_type, entry in doc["types"].items():
        expected_code = failed.get(policy_type, failed.get("*"))
        if expected_code:
            assert entry["status"] == "failed" and entry["errorCode"] == expected_code, (policy_type, entry)
            assert entry["items"] == []
            assert record["types"][policy_type]["errorCode"] == expected_code
        else:
            # Every type that did not fail holds exactly what the clean run held: nothing lost.
            assert entry["status"] == "complete", (policy_type, entry)
            assert entry["items"] == clean["types"][policy_type]["items"], policy_type
    assert set(record["errorCodes"]) == set(failed.values())


def test_a_duplicate_message_makes_no_second_run_or_snapshot(host: Any, tenant: str) -> None:
    register(host, tenant)
    request = new_scan_request(tenant, "schedule")
    host.enqueue(SCAN_QUEUE, request.to_message())
    host.enqueue(SCAN_QUEUE, request.to_message())
    assert host.drain_queue(SCAN_QUEUE) == 2
    assert [r["runId"] for r in runs(host, tenant)] == [request.run_id]
    assert snapshot_names(tenant) == [f"{tenant}/{request.run_id}.json.gz"]
    assert run(host, tenant, request.run_id)["attempts"] == 1


def test_concurrent_deliveries_of_one_message_make_one_run(host: Any, tenant: str) -> None:
    register(host, tenant)
    request = new_scan_request(tenant, "schedule")
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            host.invoke("scan_tenant", func.QueueMessage(id="dup", body=request.to_message().encode()))
        except BaseException as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=deliver) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert snapshot_names(tenant) == [f"{tenant}/{request.run_id}.json.gz"]
    assert [r["status"] for r in runs(host, tenant)] == ["completed"]


def test_two_scans_of_one_scope_never_overlap_and_the_waiting_one_completes_later(host: Any, tenant: str) -> None:
    record = register(host, tenant)
    stores = open_stores()
    assert stores.locks.acquire(tenant, record["scopeKey"], "someone-else", 60)
    request = new_scan_request(tenant, "manual")
    with pytest.raises(ScanBusyError):
        host.invoke("scan_tenant", func.QueueMessage(id="m1", body=request.to_message().encode()))
    assert snapshot_names(tenant) == [] and runs(host, tenant) == []
    stores.locks.release(tenant, record["scopeKey"], "someone-else")
    host.invoke("scan_tenant", func.QueueMessage(id="m1", body=request.to_message().encode()))
    assert run(host, tenant, request.run_id)["status"] == "completed"


def _an_attempt_holds_the_lock(tenant: str, record: dict[str, Any], run_id: str, ttl_seconds: float) -> Any:
    """An earlier delivery of `run_id` recorded its run as started and took the scope lock; returns the stores."""
    stores = open_stores()
    stores.runs.start(tenant, run_id, record["scopeKey"], record["policyTypes"], "schedule", "2026-01-01T00:00:00.000Z")
    assert stores.locks.acquire(tenant, record["scopeKey"], run_id, ttl_seconds)
    return stores


def test_a_redelivery_after_a_crash_waits_out_the_dead_attempts_lock_and_completes_the_run(
    host: Any, tenant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shared.flows import scan

    monkeypatch.setattr(scan, "LOCK_TTL_SECONDS", 1.5)
    monkeypatch.setattr(scan, "LOCK_POLL_SECONDS", 0.2)
    record = register(host, tenant)
    request = new_scan_request(tenant, "schedule")
    # The first attempt started the run, took the lock and died: nobody renews or releases it.
    _an_attempt_holds_the_lock(tenant, record, request.run_id, 1.5)
    host.enqueue(SCAN_QUEUE, request.to_message())
    assert host.drain_queue(SCAN_QUEUE) == 1
    assert run(host, tenant, request.run_id)["status"] == "completed"
    assert snapshot_names(tenant) == [f"{tenant}/{request.run_id}.json.gz"]
    assert host.queue(f"{SCAN_QUEUE}-poison").get_queue_properties().approximate_message_count == 0


def test_a_second_delivery_of_a_scan_in_flight_waits_for_it_and_scans_nothing(
    host: Any, tenant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shared.flows import scan

    monkeypatch.setattr(scan, "LOCK_POLL_SECONDS", 0.2)
    record = register(host, tenant)
    first = new_scan_request(tenant, "schedule")
    stores = _an_attempt_holds_the_lock(tenant, record, first.run_id, 60)

    def the_first_delivery_finishes() -> None:
        stores.runs.finish(tenant, first.run_id, "completed", "2026-01-01T00:00:05.000Z", {})
        stores.locks.release(tenant, record["scopeKey"], first.run_id)

    timer = threading.Timer(1.0, the_first_delivery_finishes)
    timer.start()
    try:
        host.invoke("scan_tenant", func.QueueMessage(id="m2", body=first.to_message().encode()))
    finally:
        timer.join()
    # The second delivery saw the run recorded and wrote nothing of its own.
    assert run(host, tenant, first.run_id)["status"] == "completed"
    assert snapshot_names(tenant) == []


def test_a_crash_after_the_snapshot_is_recovered_without_a_second_snapshot(
    host: Any, tenant: str, graph_sim: Any
) -> None:
    register(host, tenant)
    run_id = scan_now(host, tenant)
    stores = open_stores()
    doc = snapshot(tenant, run_id)
    # Make the run look interrupted after the blob write, then redeliver the same message.
    stores.runs.start(tenant, run_id, doc["scopeKey"], doc["selection"], "manual", doc["startedAt"])
    graph_sim.stats.reset()
    body = json.dumps({"tenantId": tenant, "runId": run_id, "trigger": "manual", "requestedAt": doc["startedAt"]})
    host.invoke("scan_tenant", func.QueueMessage(id="again", body=body.encode()))
    assert run(host, tenant, run_id)["status"] == "completed"
    assert snapshot_names(tenant) == [f"{tenant}/{run_id}.json.gz"]
    assert graph_sim.stats.operations_for(tenant) == 0


def test_the_timer_enqueues_one_scan_per_enabled_tenant_without_calling_graph(
    host: Any, graph_sim: Any, app_env: dict[str, str]
) -> None:
    enabled = [new_tenant_id() for _ in range(3)]
    disabled = new_tenant_id()
    for tid in enabled:
        register(host, tid)
    host.http("PUT", f"/api/tenants/{disabled}", {"displayName": "Off", "enabled": False})
    graph_sim.stats.reset()
    invocation = host.fire_timer("schedule_scans")
    messages = [json.loads(m) for m in invocation.outputs["scans"]]
    assert sorted(m["tenantId"] for m in messages) == sorted(enabled)
    assert len({m["runId"] for m in messages}) == 3
    assert graph_sim.stats.operations == 0
    host.queue(SCAN_QUEUE).clear_messages()


def test_a_static_token_is_never_sent_to_microsoft_graph(
    host: Any, tenant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(host, tenant)
    monkeypatch.setenv("GRAPH_BASE_URL", "https://graph.microsoft.com")
    run_id = scan_now(host, tenant)
    record = run(host, tenant, run_id)
    assert record["status"] == "failed" and record["errorCode"] == "configuration_error"
    assert snapshot_names(tenant) == []


def test_the_timer_fans_out_a_thousand_tenants_in_one_invocation(host: Any, graph_sim: Any) -> None:
    stores = open_stores()
    tenants = [new_tenant_id() for _ in range(1000)]
    for tid in tenants:
        stores.tenants.upsert(tid, "Fan-out", True, ["namedLocation"], [])
    graph_sim.stats.reset()
    invocation = host.fire_timer("schedule_scans")
    messages = [json.loads(m) for m in invocation.outputs["scans"]]
    assert sorted(m["tenantId"] for m in messages) == sorted(tenants)
    assert len({m["runId"] for m in messages}) == 1000
    assert host.queue(SCAN_QUEUE).get_queue_properties().approximate_message_count >= 1000
    assert graph_sim.stats.operations == 0
    host.queue(SCAN_QUEUE).clear_messages()
