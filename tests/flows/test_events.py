"""Event delivery end to end, through the registered functions (HTTP routes and the events queue
trigger) against Azurite and a real HTTP receiver on loopback (allowed: storage is the emulator)."""

from __future__ import annotations

import itertools
import json
import uuid
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from devtools.graphsim import generate_tenant
from devtools.graphsim.generator import WINDOWS_INTUNE_MIX
from devtools.receiver import Answer, Received, WebhookReceiver
from shared.core.drift import HistoryEvent
from shared.core.events import (
    FINDING_ACKNOWLEDGED,
    FINDING_OPENED,
    FINDING_RESOLVED,
    RUN_FAILED,
    CloudEvent,
    DeliveryMessage,
    finding_event,
    run_failed_event,
)
from shared.core.tenants import Tenant
from shared.flows.events import route_events
from shared.settings import EVENT_QUEUE
from tests.pipeline import (
    JSON,
    cycle,
    deliver_events,
    deliveries,
    every_stored_byte,
    new_tenant_id,
    open_stores,
    register,
    runs,
    subscribe,
)

RUN = "20260301T080000000Z-0badc0de"
SC, CA = "settingsCatalogPolicy", "conditionalAccessPolicy"


@pytest.fixture
def host(events_host: Any) -> Any:
    return events_host


def _json(response: Any) -> Any:
    return json.loads(response.get_body())


def change(
    tenant: Tenant, n: int, severity: str = "high", policy_type: str = CA, event_type: str = FINDING_OPENED
) -> CloudEvent:
    """The event of a recorded finding state change, built as the relay builds it from the outbox."""
    action, before, after = {
        FINDING_OPENED: ("detected", None, "new"),
        FINDING_ACKNOWLEDGED: ("acknowledged", "new", "acknowledged"),
        FINDING_RESOLVED: ("resolved", "new", "resolved"),
    }[event_type]
    finding_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{tenant.tenant_id}/{n}").hex
    history = HistoryEvent(
        id=uuid.uuid5(uuid.NAMESPACE_URL, f"{finding_id}/{action}").hex, findingId=finding_id, runId=RUN,
        at=f"2026-03-01T08:{n // 60:02d}:{n % 60:02d}.000Z", by="system", action=action, note=None,
        fromStatus=before, toStatus=after,
    )  # fmt: skip
    finding = {
        "id": finding_id, "policyType": policy_type, "subjectId": f"object-{n}", "displayName": f"Policy {n}",
        "changeType": "modified", "severity": severity, "status": after,
    }  # fmt: skip
    return finding_event(history, finding, tenant, "https://drift.msp.example")


def verified(received: Received, secret: str) -> Any:
    """The body, once its Standard Webhooks signature verifies with the subscription's secret."""
    return Webhook(secret).verify(received.body, received.headers)


# ---- the test event ---------------------------------------------------------------------------------


def test_a_test_event_is_delivered_signed_and_logged(host: Any, receiver: WebhookReceiver) -> None:
    created = subscribe(host, "psa-tickets", receiver.url("/psa"))
    secret = created["signingSecret"]
    response = host.http("POST", "/api/subscriptions/psa-tickets/test", headers=JSON)
    assert response.status_code == 202
    queued = _json(response)
    assert queued["status"] == "queued" and queued["type"] == "drift.subscription.test"
    assert receiver.received() == [], "a test event is queued, not sent from the HTTP call"

    assert deliver_events(host) == 1
    [request] = receiver.received("/psa")
    event = verified(request, secret)
    assert request.headers["webhook-id"] == event["id"] == queued["eventId"]
    assert request.headers["content-type"] == "application/cloudevents+json; charset=utf-8"
    assert event["type"] == "drift.subscription.test" and event["specversion"] == "1.0"
    assert event["data"]["subscriptionId"] == "psa-tickets" and event["data"]["requestedBy"] == "local-admin"
    assert event["data"]["link"] == "https://drift.msp.example/api/ui#/subscriptions/psa-tickets"
    [logged] = deliveries(host, "psa-tickets")
    assert (logged["eventId"], logged["type"], logged["status"], logged["attempts"]) == (
        queued["eventId"], "drift.subscription.test", "delivered", 1,
    )  # fmt: skip
    assert logged["lastHttpStatus"] == 204 and logged["lastError"] is None


def test_a_redelivered_queue_message_sends_nothing_new(host: Any, receiver: WebhookReceiver) -> None:
    subscribe(host, "dedupe", receiver.url("/once"))
    host.http("POST", "/api/subscriptions/dedupe/test", headers=JSON)
    [message] = host.queue(EVENT_QUEUE).peek_messages(max_messages=5)
    host.enqueue(EVENT_QUEUE, message.content)  # the queue hands the same message out twice
    assert deliver_events(host) == 2
    assert len(receiver.received("/once")) == 1
    assert [d["attempts"] for d in deliveries(host, "dedupe")] == [1]


# ---- retries ----------------------------------------------------------------------------------------


def test_a_failing_subscriber_gets_retries_with_doubling_delays_and_the_same_webhook_id(
    host: Any, receiver: WebhookReceiver
) -> None:
    secret = subscribe(host, "flaky", receiver.url("/flaky"))["signingSecret"]
    receiver.answer("/flaky", [500, 503, 204])
    host.http("POST", "/api/subscriptions/flaky/test", headers=JSON)
    deliver_events(host)  # the first attempt only: the retry waits for its delay
    [first] = receiver.received("/flaky")
    [logged] = deliveries(host, "flaky")
    assert (logged["status"], logged["attempts"], logged["lastHttpStatus"]) == ("retrying", 1, 500)
    assert logged["lastError"] == "http_error: HTTP 500" and logged["nextAttemptAt"] > logged["lastAttemptAt"]

    deliver_events(host, wait_seconds=10)
    attempts = receiver.received("/flaky")
    assert len(attempts) == 3
    assert {a.headers["webhook-id"] for a in attempts} == {first.headers["webhook-id"]}
    bodies = [verified(a, secret) for a in attempts]  # each attempt signed anew, the same event
    assert bodies[0] == bodies[1] == bodies[2]
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(attempts)]
    assert gaps[0] >= 0.9 and gaps[1] >= 1.9, gaps  # 1 s, then 2 s (EVENT_RETRY_BASE_SECONDS=1)
    [logged] = deliveries(host, "flaky")
    assert (logged["status"], logged["attempts"], logged["lastHttpStatus"]) == ("delivered", 3, 204)
    assert logged["nextAttemptAt"] is None


def test_the_last_failure_is_failed_and_other_subscribers_and_scans_are_unaffected(
    host: Any, receiver: WebhookReceiver, graph_sim: Any
) -> None:
    receiver.answer("/dead", [500])
    subscribe(host, "dead", receiver.url("/dead"))
    subscribe(host, "healthy", receiver.url("/healthy"))
    contoso = Tenant(new_tenant_id(), "Contoso Dental", True, [], [], "", "")
    events = [change(contoso, n) for n in range(3)]
    assert route_events(open_stores(), events) == 6

    deliver_events(host)  # every first attempt
    assert {r.headers["webhook-id"] for r in receiver.received("/healthy")} == {e["id"] for e in events}
    assert all(d["status"] == "delivered" and d["attempts"] == 1 for d in deliveries(host, "healthy"))

    # Meanwhile another tenant is scanned and its drift detected: the events queue is not on that path.
    other = new_tenant_id()
    graph_sim.add_tenant(other, generate_tenant(seed=5, size=20, mix=WINDOWS_INTUNE_MIX))
    register(host, other, "Fabrikam")
    cycle(host)
    assert [r["status"] for r in runs(host, other)] == ["completed"]

    deliver_events(host, wait_seconds=20)  # the dead subscriber's retries: 1 + 2 + 4 + 8 s
    dead = deliveries(host, "dead")
    assert sorted(d["eventId"] for d in dead) == sorted(e["id"] for e in events)
    assert all((d["status"], d["attempts"], d["lastHttpStatus"]) == ("failed", 5, 500) for d in dead)
    assert len(receiver.received("/dead")) == 15
    assert len(receiver.received("/healthy")) == 3, "the healthy subscriber got each event once"
    assert [d["eventId"] for d in dead] == [e["id"] for e in reversed(events)], "newest first"


def test_a_redirect_is_a_failed_attempt_and_is_not_followed(host: Any, receiver: WebhookReceiver) -> None:
    receiver.answer("/moved", [Answer(307, {"Location": receiver.url("/elsewhere")})])
    subscribe(host, "moved", receiver.url("/moved"))
    host.http("POST", "/api/subscriptions/moved/test", headers=JSON)
    deliver_events(host)
    [logged] = deliveries(host, "moved")
    assert (logged["status"], logged["lastHttpStatus"]) == ("retrying", 307)
    assert logged["lastError"].startswith("redirect_not_followed")
    assert receiver.received("/elsewhere") == []


# ---- routing ----------------------------------------------------------------------------------------


def test_events_reach_exactly_the_subscriptions_whose_filters_pass_them(host: Any, receiver: WebhookReceiver) -> None:
    a = Tenant(new_tenant_id(), "Contoso", True, [], [], "", "")
    b = Tenant(new_tenant_id(), "Fabrikam", True, [], [], "", "")
    filters: dict[str, dict[str, Any]] = {
        "all": {},
        "tenant-a": {"tenantIds": [a.tenant_id]},
        "high": {"minSeverity": "high"},
        "ca": {"policyTypes": [CA]},
        "acks": {"eventTypes": [FINDING_ACKNOWLEDGED]},
        "failures": {"eventTypes": [RUN_FAILED]},
        "off": {},
    }
    for name, filter_json in filters.items():
        subscribe(host, name, receiver.url(f"/{name}"), filter=filter_json, enabled=name != "off")
    events = {
        "a-opened-high-ca": change(a, 1, "high", CA),
        "a-opened-low-sc": change(a, 2, "low", SC),
        "b-opened-high-sc": change(b, 3, "high", SC),
        "b-acked-medium-ca": change(b, 4, "medium", CA, FINDING_ACKNOWLEDGED),
        "a-run-failed": run_failed_event(a, RUN, ["forbidden"], "2026-03-01T08:10:00.000Z"),
    }
    routed = route_events(open_stores(), list(events.values()))
    assert deliver_events(host) == routed
    expected = {
        "all": set(events),
        "tenant-a": {"a-opened-high-ca", "a-opened-low-sc", "a-run-failed"},
        "high": {"a-opened-high-ca", "b-opened-high-sc", "a-run-failed"},
        "ca": {"a-opened-high-ca", "b-acked-medium-ca", "a-run-failed"},
        "acks": {"b-acked-medium-ca"},
        "failures": {"a-run-failed"},
        "off": set(),
    }
    label = {e["id"]: name for name, e in events.items()}
    for name, wanted in expected.items():
        got = {label[r.headers["webhook-id"]] for r in receiver.received(f"/{name}")}
        assert got == wanted, name
    assert routed == sum(len(w) for w in expected.values())


def test_the_teams_format_is_a_signed_adaptive_card_message(host: Any, receiver: WebhookReceiver) -> None:
    secret = subscribe(host, "ops-channel", receiver.url("/teams"), format="teams")["signingSecret"]
    contoso = Tenant(new_tenant_id(), "Contoso Dental", True, [], [], "", "")
    event = change(contoso, 7, "high", CA)
    route_events(open_stores(), [event])
    deliver_events(host)
    [request] = receiver.received("/teams")
    assert request.headers["content-type"] == "application/json; charset=utf-8"
    message = verified(request, secret)
    assert request.headers["webhook-id"] == event["id"]
    assert message["type"] == "message"
    [attachment] = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["body"][0]["text"] == "New drift: Policy 7"
    assert card["actions"][0]["url"] == event["data"]["link"]


# ---- secrets and subscription changes ----------------------------------------------------------------


def test_the_secret_is_sealed_at_rest_and_survives_a_replace(host: Any, receiver: WebhookReceiver) -> None:
    created = subscribe(host, "sealed", receiver.url("/sealed"))
    secret = created["signingSecret"]
    assert secret.encode() not in every_stored_byte(new_tenant_id())
    replaced = host.http("PUT", "/api/subscriptions/sealed", {"url": receiver.url("/sealed-2"), "format": "teams"})
    assert replaced.status_code == 200 and "signingSecret" not in _json(replaced)
    host.http("POST", "/api/subscriptions/sealed/test", headers=JSON)
    deliver_events(host)
    [request] = receiver.received("/sealed-2")
    assert verified(request, secret)["type"] == "message"


def test_a_secret_sealed_under_another_key_fails_the_delivery_without_retrying(
    host: Any, receiver: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribe(host, "rotated", receiver.url("/rotated"))
    host.http("POST", "/api/subscriptions/rotated/test", headers=JSON)
    monkeypatch.setenv("SECRET_HASH_KEY", "a-new-key-after-rotation")
    deliver_events(host, wait_seconds=2)
    [logged] = deliveries(host, "rotated")
    assert (logged["status"], logged["attempts"]) == ("failed", 1)
    assert logged["lastError"].startswith("signing_secret_unreadable")
    assert receiver.received() == []


def test_deleted_and_disabled_subscriptions_get_nothing(host: Any, receiver: WebhookReceiver) -> None:
    subscribe(host, "leaving", receiver.url("/leaving"))
    subscribe(host, "paused", receiver.url("/paused"))
    contoso = Tenant(new_tenant_id(), "Contoso Dental", True, [], [], "", "")
    assert route_events(open_stores(), [change(contoso, 1)]) == 2
    assert host.http("DELETE", "/api/subscriptions/leaving", headers=JSON).status_code == 204
    host.http("PUT", "/api/subscriptions/paused", {"url": receiver.url("/paused"), "enabled": False})
    assert deliver_events(host) == 2  # both messages consumed, neither sent
    assert receiver.received() == []
    assert host.http("GET", "/api/subscriptions/leaving/deliveries").status_code == 404
    assert deliveries(host, "paused") == []
    refused = host.http("POST", "/api/subscriptions/paused/test", headers=JSON)
    assert refused.status_code == 409 and _json(refused)["error"]["code"] == "subscription_disabled"


def test_a_malformed_queue_message_is_dropped(host: Any, receiver: WebhookReceiver) -> None:
    subscribe(host, "robust", receiver.url("/robust"))
    host.enqueue(EVENT_QUEUE, "not json")
    host.enqueue(EVENT_QUEUE, DeliveryMessage("robust", {"id": "x"}).to_message())  # type: ignore[typeddict-item]
    assert deliver_events(host) == 2
    assert host.queue(f"{EVENT_QUEUE}-poison").peek_messages() == [], "dropped, not retried into the poison queue"
    assert receiver.received() == []
