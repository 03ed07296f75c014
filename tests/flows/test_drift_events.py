"""Drift events from real state changes, end to end through the registered functions: timer → scan →
snapshot blob → detection (findings with their outbox rows) → relay queue → events queue → a local
receiver; acknowledgements through the HTTP route; failed runs from the scan. Against Azurite, the
Graph simulator and a real HTTP receiver on loopback."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import azure.functions as func
import jsonschema
import pytest
from standardwebhooks.webhooks import Webhook

from bench.chaos import StorageFaultRule
from devtools.graphsim import generate_tenant
from devtools.graphsim.audit import AuditActor
from devtools.receiver import Received, WebhookReceiver
from shared.core.events import event_json_schema, finding_event_id, run_failed_event_id
from shared.core.messages import RelayRequest
from shared.settings import RELAY_QUEUE, SCAN_QUEUE
from tests.pipeline import (
    JSON,
    cycle,
    deliver_events,
    deliveries,
    findings,
    new_tenant_id,
    open_stores,
    register,
    relay,
    runs,
    snapshot_names,
    storage_faults,
    subscribe,
)

TYPES = ["deviceConfiguration", "namedLocation"]


@pytest.fixture
def host(events_host: Any) -> Any:
    return events_host


def _tenant(host: Any, graph_sim: Any, name: str, seed: int) -> str:
    tid = new_tenant_id()
    graph_sim.add_tenant(tid, generate_tenant(seed=seed, size=40))
    register(host, tid, name, policyTypes=TYPES)
    return tid


def _events(received: list[Received], secret: str) -> list[dict[str, Any]]:
    """Every body, once its signature verifies, validated against the published JSON Schema."""
    schema = event_json_schema()
    out = []
    for request in received:
        event = Webhook(secret).verify(request.body, request.headers)
        assert request.headers["webhook-id"] == event["id"]
        jsonschema.validate(event, schema)
        out.append(event)
    return out


def _deliver(host: Any) -> None:
    relay(host)
    deliver_events(host)


def _rename(graph_sim: Any, tenant: str, policy_type: str, count: int) -> None:
    sim = graph_sim.tenant(tenant)
    for obj in sim.objects(policy_type)[:count]:
        sim.rename(policy_type, obj["id"], obj["displayName"] + " (edited)")


def _detect_again(host: Any, tenant: str) -> None:
    """The blob trigger hands every snapshot of the tenant over once more (a redelivered blob)."""
    stores = open_stores()
    for name in snapshot_names(tenant):
        data = stores.snapshots.read(name)
        assert data is not None
        host.invoke("detect_drift", func.blob.InputStream(data=data, name=f"snapshots/{name}", length=len(data)))


# ---- opened, once per new finding ----------------------------------------------------------------------


def test_one_signed_opened_event_per_new_finding_and_nothing_new_on_redelivery(
    host: Any, receiver: WebhookReceiver, graph_sim: Any
) -> None:
    secret = subscribe(host, "psa", receiver.url("/psa"))["signingSecret"]
    tenant = _tenant(host, graph_sim, "Contoso Dental", seed=21)
    cycle(host)
    assert open_stores().findings.pending_events(tenant) == []
    alice = AuditActor.user("alice@contoso.example", "0a1b2c3d-0000-4000-8000-00000000a11c")
    with graph_sim.tenant(tenant).audit.acting_as(alice):
        _rename(graph_sim, tenant, "deviceConfiguration", 3)
    cycle(host)
    deliver_events(host)

    stored = findings(tenant)
    assert len(stored) == 3
    events = _events(receiver.received("/psa"), secret)
    assert [e["type"] for e in events] == ["drift.finding.opened"] * 3
    assert {e["data"]["findingId"] for e in events} == {f["id"] for f in stored}
    stores = open_stores()
    for event in events:
        finding = next(f for f in stored if f["id"] == event["data"]["findingId"])
        [detected] = stores.history.for_finding(tenant, finding["id"])
        assert event["id"] == finding_event_id(tenant, detected["id"])
        assert event["source"] == f"/tenants/{tenant}" and event["subject"] == f"findings/{finding['id']}"
        assert event["time"] == detected["at"]
        data = event["data"]
        assert (data["tenantDisplayName"], data["policyType"], data["objectId"]) == (
            "Contoso Dental", "deviceConfiguration", finding["subjectId"],
        )  # fmt: skip
        assert (data["status"], data["previousStatus"], data["actor"]) == ("new", None, "system")
        assert data["changedBy"] == finding["changedBy"] == "alice@contoso.example"  # DESIGN §12, from the audit log
        assert data["severity"] == finding["severity"] and data["changeType"] == finding["changeType"]
        assert data["runId"] == runs(host, tenant)[0]["runId"]
        assert data["link"] == f"https://drift.msp.example/api/ui#/tenants/{tenant}/findings/{finding['id']}"
    assert stores.findings.pending_events(tenant) == [], "relayed rows are marked sent"
    assert {d["status"] for d in deliveries(host, "psa")} == {"delivered"}

    # A redelivered snapshot blob, a relay request handled twice: nothing new arrives.
    _detect_again(host, tenant)
    host.enqueue(RELAY_QUEUE, RelayRequest(tenant, "detection").to_message())
    _deliver(host)
    assert len(receiver.received("/psa")) == 3
    assert [d["attempts"] for d in deliveries(host, "psa")] == [1, 1, 1]


def test_an_unchanged_scan_asks_for_no_relay(host: Any, receiver: WebhookReceiver, graph_sim: Any) -> None:
    subscribe(host, "quiet", receiver.url("/quiet"))
    tenant = _tenant(host, graph_sim, "Quiet", seed=22)
    cycle(host)
    host.fire_timer("schedule_scans")
    host.drain_queue(SCAN_QUEUE)
    host.deliver_new_blobs()
    assert host.queue(RELAY_QUEUE).peek_messages() == [], "no state change, no relay request"
    assert runs(host, tenant)[0]["status"] == "completed"
    assert deliver_events(host) == 0 and receiver.received() == []


# ---- pinned baseline: one opened over ten scans, one resolved -------------------------------------------


def test_a_deviation_over_ten_pinned_scans_is_one_opened_and_its_revert_one_resolved(
    host: Any, receiver: WebhookReceiver, graph_sim: Any
) -> None:
    secret = subscribe(host, "noc", receiver.url("/noc"))["signingSecret"]
    tenant = _tenant(host, graph_sim, "Pinned", seed=23)
    cycle(host)
    baseline_run = runs(host, tenant)[0]["runId"]
    pinned = host.http("PUT", f"/api/tenants/{tenant}/drift/baseline", {"runId": baseline_run})
    assert pinned.status_code == 200, pinned.get_body()
    sim = graph_sim.tenant(tenant)
    target = sim.objects("deviceConfiguration")[0]
    original = target["displayName"]
    sim.rename("deviceConfiguration", target["id"], original + " (drifted)")
    for _ in range(10):
        cycle(host)
    deliver_events(host)
    assert [r["status"] for r in runs(host, tenant)[:10]] == ["completed"] * 10
    events = _events(receiver.received("/noc"), secret)
    assert [e["type"] for e in events] == ["drift.finding.opened"]

    sim.rename("deviceConfiguration", target["id"], original)
    cycle(host)
    deliver_events(host)
    events = _events(receiver.received("/noc"), secret)
    assert [e["type"] for e in events] == ["drift.finding.opened", "drift.finding.resolved"]
    resolved = events[1]["data"]
    assert resolved["findingId"] == events[0]["data"]["findingId"]
    assert (resolved["status"], resolved["previousStatus"]) == ("resolved", "new")
    assert resolved["runId"] == runs(host, tenant)[0]["runId"]


# ---- acknowledged, once per acknowledgement ------------------------------------------------------------


def test_one_acknowledged_event_per_acknowledgement(host: Any, receiver: WebhookReceiver, graph_sim: Any) -> None:
    secret = subscribe(host, "acks", receiver.url("/acks"), filter={"eventTypes": ["drift.finding.acknowledged"]})[
        "signingSecret"
    ]
    tenant = _tenant(host, graph_sim, "Triage", seed=24)
    cycle(host)
    _rename(graph_sim, tenant, "deviceConfiguration", 2)
    cycle(host)
    first, second = findings(tenant)
    path = f"/api/tenants/{tenant}/drift/findings/{first['id']}/acknowledge"
    response = host.http("POST", path, {"note": "change ticket 4711"})
    assert response.status_code == 200, response.get_body()
    host.queue(RELAY_QUEUE).clear_messages()  # its relay request is lost (as if the output binding failed)
    _deliver(host)
    assert receiver.received() == []
    for note in ("retried", "twice"):  # the caller retries: a no-op that asks for the relay again
        again = host.http("POST", path, {"note": note})
        assert again.status_code == 200
        _deliver(host)

    events = _events(receiver.received("/acks"), secret)
    assert [e["type"] for e in events] == ["drift.finding.acknowledged"]
    data = events[0]["data"]
    assert (data["findingId"], data["status"], data["previousStatus"]) == (first["id"], "acknowledged", "new")
    assert (data["actor"], data["note"]) == ("local-admin", "change ticket 4711")
    [ack] = [e for e in open_stores().history.for_finding(tenant, first["id"]) if e["action"] == "acknowledged"]
    assert events[0]["id"] == finding_event_id(tenant, ack["id"])
    assert second["status"] == "new"


# ---- failed runs ----------------------------------------------------------------------------------------


def test_a_run_that_fails_is_one_run_failed_event(host: Any, receiver: WebhookReceiver, graph_sim: Any) -> None:
    secret = subscribe(host, "ops", receiver.url("/ops"))["signingSecret"]
    tenant = _tenant(host, graph_sim, "Locked out", seed=25)
    graph_sim.faults.forbid("/", tenant=tenant)  # the app's consent was withdrawn: 403 everywhere
    host.fire_timer("schedule_scans")
    [message] = host.queue(SCAN_QUEUE).peek_messages()
    body = message.content
    host.drain_queue(SCAN_QUEUE)
    host.deliver_new_blobs()
    _deliver(host)
    [run] = runs(host, tenant)
    assert run["status"] == "failed"

    host.enqueue(SCAN_QUEUE, body)  # the scan message is delivered again: already done, relay asked again
    host.drain_queue(SCAN_QUEUE)
    _deliver(host)

    [event] = _events(receiver.received("/ops"), secret)
    assert event["type"] == "drift.run.failed" and event["subject"] == f"runs/{run['runId']}"
    assert event["id"] == run_failed_event_id(tenant, run["runId"])
    assert event["data"]["errorCodes"] == ["forbidden"] and event["data"]["tenantDisplayName"] == "Locked out"
    assert event["time"] == run["finishedAt"]
    assert open_stores().runs.pending_failures(tenant) == []


def test_a_snapshot_detection_cannot_read_fails_its_run_with_one_event(
    host: Any, receiver: WebhookReceiver, graph_sim: Any
) -> None:
    secret = subscribe(host, "ops", receiver.url("/ops"), filter={"eventTypes": ["drift.run.failed"]})["signingSecret"]
    tenant = _tenant(host, graph_sim, "Poisoned", seed=33)
    cycle(host)
    bad_run = "29990101T000000000Z-0badc0de"
    open_stores().snapshots.create(f"{tenant}/{bad_run}.json.gz", b"not gzip at all")
    host.deliver_new_blobs()
    _deliver(host)
    _detect_again(host, tenant)  # the blob is handed over again: the run's event is not sent again
    _deliver(host)
    [event] = _events(receiver.received("/ops"), secret)
    assert event["id"] == run_failed_event_id(tenant, bad_run)
    assert event["data"]["errorCodes"] == ["snapshot_corrupt"]
    assert event["time"] == "2999-01-01T00:00:00.000Z", "no finish time recorded: the run id's moment"


# ---- filters and formats --------------------------------------------------------------------------------


def test_real_drift_events_reach_exactly_the_subscriptions_whose_filters_pass_them(
    host: Any, receiver: WebhookReceiver, graph_sim: Any
) -> None:
    a = _tenant(host, graph_sim, "Contoso", seed=26)
    b = _tenant(host, graph_sim, "Fabrikam", seed=27)
    filters: dict[str, dict[str, Any]] = {
        "all": {},
        "tenant-a": {"tenantIds": [a]},
        "high": {"minSeverity": "high"},
        "locations": {"policyTypes": ["namedLocation"]},
        "acks": {"eventTypes": ["drift.finding.acknowledged"]},
    }
    secrets = {
        name: subscribe(host, name, receiver.url(f"/{name}"), filter=spec)["signingSecret"]
        for name, spec in filters.items()
    }
    cycle(host)
    for tenant in (a, b):
        sim = graph_sim.tenant(tenant)
        _rename(graph_sim, tenant, "deviceConfiguration", 1)
        location = sim.objects("namedLocation")[0]
        sim.update("namedLocation", location["id"], lambda o: o.update(isTrusted=not o.get("isTrusted")))
    cycle(host)
    finding = next(f for f in findings(b) if f["policyType"] == "deviceConfiguration")
    assert (
        host.http("POST", f"/api/tenants/{b}/drift/findings/{finding['id']}/acknowledge", headers=JSON).status_code
        == 200
    )
    _deliver(host)

    everything = _events(receiver.received("/all"), secrets["all"])
    assert Counter(e["type"] for e in everything) == {"drift.finding.opened": 4, "drift.finding.acknowledged": 1}
    severities = {e["data"]["policyType"]: e["data"]["severity"] for e in everything}
    assert severities["namedLocation"] == "high" and severities["deviceConfiguration"] != "high"
    wanted = {
        "all": everything,
        "tenant-a": [e for e in everything if e["data"]["tenantId"] == a],
        "high": [e for e in everything if e["data"]["severity"] == "high"],
        "locations": [e for e in everything if e["data"]["policyType"] == "namedLocation"],
        "acks": [e for e in everything if e["type"] == "drift.finding.acknowledged"],
    }
    for name, events in wanted.items():
        got = _events(receiver.received(f"/{name}"), secrets[name])
        assert sorted(e["id"] for e in got) == sorted(e["id"] for e in events), name
        assert got, name


def test_a_teams_subscription_gets_a_card_for_a_real_finding(
    host: Any, receiver: WebhookReceiver, graph_sim: Any
) -> None:
    secret = subscribe(host, "channel", receiver.url("/teams"), format="teams")["signingSecret"]
    tenant = _tenant(host, graph_sim, "Contoso Dental", seed=28)
    cycle(host)
    sim = graph_sim.tenant(tenant)
    location = sim.objects("namedLocation")[0]
    sim.update("namedLocation", location["id"], lambda o: o.update(isTrusted=not o.get("isTrusted")))
    cycle(host)
    deliver_events(host)
    [request] = receiver.received("/teams")
    message = Webhook(secret).verify(request.body, request.headers)
    [finding] = findings(tenant)
    card = message["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard" and location["displayName"] in json.dumps(card)
    assert card["actions"][0]["url"] == f"https://drift.msp.example/api/ui#/tenants/{tenant}/findings/{finding['id']}"


# ---- retries and failures never reach scans or detection ---------------------------------------------------


def test_a_dead_subscriber_gets_retries_then_failed_while_scans_and_other_subscribers_go_on(
    host: Any, receiver: WebhookReceiver, graph_sim: Any
) -> None:
    receiver.answer("/dead", [500])
    subscribe(host, "dead", receiver.url("/dead"))
    subscribe(host, "healthy", receiver.url("/healthy"))
    tenant = _tenant(host, graph_sim, "Contoso", seed=29)
    cycle(host)
    _rename(graph_sim, tenant, "deviceConfiguration", 2)
    cycle(host)
    deliver_events(host)  # first attempts only
    first = _event_ids(tenant)
    assert len(first) == 2

    other = _tenant(host, graph_sim, "Fabrikam", seed=30)  # scanned and detected meanwhile
    cycle(host)
    _rename(graph_sim, other, "deviceConfiguration", 1)
    cycle(host)
    assert [r["status"] for r in runs(host, other)] == ["completed", "completed"]
    assert len(findings(other)) == 1

    deliver_events(host, wait_seconds=20)  # retries: 1 + 2 + 4 + 8 s
    dead = deliveries(host, "dead")
    assert sorted(d["eventId"] for d in dead) == sorted(first | _event_ids(other))
    assert all((d["status"], d["attempts"], d["lastHttpStatus"]) == ("failed", 5, 500) for d in dead)
    attempts = Counter(r.headers["webhook-id"] for r in receiver.received("/dead"))
    assert attempts == dict.fromkeys(first | _event_ids(other), 5), "five attempts, one webhook-id each"
    healthy = Counter(r.headers["webhook-id"] for r in receiver.received("/healthy"))
    assert healthy == dict.fromkeys(first | _event_ids(other), 1)


def _event_ids(tenant: str) -> set[str]:
    """The event ids of every recorded state change of the tenant's findings."""
    stores = open_stores()
    return {
        finding_event_id(tenant, change["id"])
        for finding in findings(tenant)
        for change in stores.history.for_finding(tenant, finding["id"])
    }


# ---- crashes between the write and the relay -------------------------------------------------------------


def _two_changes_detected(host: Any, graph_sim: Any, seed: int) -> str:
    """A tenant scanned, two objects changed, scanned and detected again; its relay request not run yet."""
    tenant = _tenant(host, graph_sim, "Contoso", seed=seed)
    cycle(host)
    _rename(graph_sim, tenant, "deviceConfiguration", 2)
    host.fire_timer("schedule_scans")
    host.drain_queue(SCAN_QUEUE)
    host.deliver_new_blobs()
    return tenant


def test_a_lost_relay_request_is_recovered_by_the_redelivered_snapshot(
    host: Any, receiver: WebhookReceiver, graph_sim: Any
) -> None:
    subscribe(host, "psa", receiver.url("/psa"))
    tenant = _two_changes_detected(host, graph_sim, seed=31)
    # The findings and their outbox rows are written; the relay request never makes it to the queue.
    host.queue(RELAY_QUEUE).clear_messages()
    assert len(open_stores().findings.pending_events(tenant)) == 2
    assert deliver_events(host) == 0 and receiver.received() == []

    _detect_again(host, tenant)  # the host retries the blob trigger: nothing to write, relay asked again
    _deliver(host)
    assert sorted(r.headers["webhook-id"] for r in receiver.received("/psa")) == sorted(_event_ids(tenant))
    assert open_stores().findings.pending_events(tenant) == []


def test_a_relay_that_dies_before_marking_its_rows_sends_nothing_twice(
    host: Any, receiver: WebhookReceiver, graph_sim: Any
) -> None:
    subscribe(host, "psa", receiver.url("/psa"))
    tenant = _two_changes_detected(host, graph_sim, seed=32)
    # The relay routes, then its first attempt to mark the rows sent fails; the queue hands the
    # request over again and the second relay routes the same events once more.
    mark = StorageFaultRule("mark relayed", "table", "transaction", "findings", "before", count=1)
    with storage_faults(mark):
        relay(host)
    assert mark.hits == 1
    assert open_stores().findings.pending_events(tenant) == []
    assert deliver_events(host) == 4, "two events, each routed twice"
    assert len(receiver.received("/psa")) == 2
    assert sorted(d["attempts"] for d in deliveries(host, "psa")) == [1, 1]
