"""Benchmark: drift events delivered per second to a local receiver (DESIGN §13). Prints JSON.

Everything runs through the real parts: Azurite, the registered events queue function driven by
`devtools.host.LocalHost` (one message at a time, like one worker of the host), and a real HTTP
receiver on loopback. Sections, each compared with a baseline measured in the same run:

- `delivery`: N finding events to one subscription; events/s from the queue to the receiver, with
  every delivery signed and recorded. Baseline: the same N signed POSTs made by the sender alone (no
  queue, no storage); the ratio is what the queue and the deliveries log cost.
- `fanOut`: events to 20 subscriptions; deliveries/s, and its ratio to `delivery`.
- `routing`: what handing events over costs (`route_events`: read the subscriptions, enqueue one
  message per matching subscription), in ms per event with 0 and with 20 subscriptions.
- `detection`: a tenant of the Graph simulator in which `--changes` objects change between two scans;
  the `detect_drift` blob function's wall time (comparison, findings with their outbox rows, summary)
  with 0 and with 20 subscriptions, median of `--rounds` alternating rounds each (ratio: delivery is
  not on detection's path, so about 1). The relay that follows (`relay_events`: read the outbox, route,
  mark sent) is timed apart, where the subscriptions do cost.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from devtools.azurite import Azurite
from devtools.receiver import WebhookReceiver
from shared.core.drift import HistoryEvent
from shared.core.events import CloudEvent, finding_event, render, signature_headers
from shared.core.tenants import Tenant
from shared.flows.events import route_events
from shared.settings import EVENT_QUEUE, RELAY_QUEUE, SCAN_QUEUE
from shared.webhooks import send

FAN_OUT = 20
RUN = "20260301T080000000Z-0badc0de"
SIM_SECRET = "events-bench-token"


@dataclass
class Context:
    """What every section gets: the host, the stores, the receiver and the sizes asked for."""

    host: Any
    stores: Any
    receiver: WebhookReceiver
    events: int
    sim: Any = None
    changes: int = 100
    rounds: int = 3

    def subscribe(self, subscription_id: str, path: str) -> str:
        response = self.host.http("PUT", f"/api/subscriptions/{subscription_id}", {"url": self.receiver.url(path)})
        assert response.status_code == 201, response.get_body()
        return str(json.loads(response.get_body())["signingSecret"])

    def unsubscribe_all(self) -> None:
        for subscription in self.stores.subscriptions.list():
            answer = self.host.http(
                "DELETE",
                f"/api/subscriptions/{subscription.subscription_id}",
                headers={"content-type": "application/json"},
            )
            assert answer.status_code == 204, answer.get_body()


def synthetic_events(count: int, tenant: Tenant) -> list[CloudEvent]:
    """`count` drift.finding.opened events, shaped as detection records them."""
    out = []
    for n in range(count):
        finding_id = uuid.uuid5(uuid.NAMESPACE_URL, f"{tenant.tenant_id}/{n}").hex
        change = HistoryEvent(
            id=uuid.uuid5(uuid.NAMESPACE_URL, f"{finding_id}/detected").hex, findingId=finding_id, runId=RUN,
            at=f"2026-03-01T08:{n // 3600 % 60:02d}:{n // 60 % 60:02d}.{n % 60:03d}Z", by="system",
            action="detected", note=None, fromStatus=None, toStatus="new",
        )  # fmt: skip
        finding = {
            "id": finding_id, "policyType": "settingsCatalogPolicy", "subjectId": str(uuid.UUID(int=n)),
            "displayName": f"Windows baseline {n}", "changeType": "modified", "severity": "high",
        }  # fmt: skip
        out.append(finding_event(change, finding, tenant, "https://drift.msp.example"))
    return out


def deliver_all(ctx: Context) -> tuple[int, float]:
    """Run the events queue function until the queue is empty; (messages, seconds)."""
    started = time.perf_counter()
    handled = ctx.host.drain_queue(EVENT_QUEUE)
    return handled, time.perf_counter() - started


def delivery(ctx: Context) -> dict[str, Any]:
    secret = ctx.subscribe("bench-one", "/one")
    events = synthetic_events(ctx.events, Tenant(str(uuid.uuid4()), "Contoso Dental", True, [], [], "", ""))

    # Baseline: the sender alone, each event rendered and signed as a delivery does.
    started = time.perf_counter()
    for event in events:
        body, content_type = render(event, "cloudevents")
        headers = {"Content-Type": content_type, **signature_headers(secret, event["id"], body, datetime.now(UTC))}
        assert send(ctx.receiver.url("/baseline"), body, headers).ok
    baseline = time.perf_counter() - started

    route_events(ctx.stores, events)
    handled, seconds = deliver_all(ctx)
    received = ctx.receiver.received("/one")
    assert handled == len(events) and len(received) == len(events), (handled, len(received))
    assert all(d.status == "delivered" for d in ctx.stores.deliveries.recent("bench-one", len(events)))
    ctx.unsubscribe_all()
    return {
        "events": len(events),
        "seconds": round(seconds, 2),
        "eventsPerSecond": round(len(events) / seconds, 1),
        "baselineSenderOnly": {"seconds": round(baseline, 2), "eventsPerSecond": round(len(events) / baseline, 1)},
        "ratioToSenderOnly": round(seconds / baseline, 2),
    }


def fan_out(ctx: Context) -> dict[str, Any]:
    for n in range(FAN_OUT):
        ctx.subscribe(f"bench-{n:02d}", f"/fan/{n:02d}")
    count = max(1, ctx.events // FAN_OUT)
    events = synthetic_events(count, Tenant(str(uuid.uuid4()), "Fabrikam", True, [], [], "", ""))
    route_events(ctx.stores, events)
    handled, seconds = deliver_all(ctx)
    assert handled == count * FAN_OUT
    for n in range(FAN_OUT):
        assert len(ctx.receiver.received(f"/fan/{n:02d}")) == count
    return {
        "subscriptions": FAN_OUT,
        "events": count,
        "deliveries": handled,
        "seconds": round(seconds, 2),
        "deliveriesPerSecond": round(handled / seconds, 1),
    }


def routing(ctx: Context) -> dict[str, Any]:
    events = synthetic_events(max(20, ctx.events // 4), Tenant(str(uuid.uuid4()), "Woodgrove", True, [], [], "", ""))
    out: dict[str, Any] = {"events": len(events)}
    ctx.unsubscribe_all()
    for subscriptions in (0, FAN_OUT):
        for n in range(subscriptions):
            ctx.subscribe(f"route-{n:02d}", f"/route/{n:02d}")
        started = time.perf_counter()
        enqueued = route_events(ctx.stores, events)
        seconds = time.perf_counter() - started
        assert enqueued == len(events) * subscriptions
        out[f"msPerEventWith{subscriptions}Subscriptions"] = round(seconds * 1000 / len(events), 3)
        ctx.host.queue(EVENT_QUEUE).clear_messages()
        ctx.unsubscribe_all()
    return out


def _timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def _scan(ctx: Context, tenant_id: str) -> None:
    """POST a scan and run the scan queue function (the snapshot blob waits for `deliver_new_blobs`)."""
    answer = ctx.host.http("POST", f"/api/tenants/{tenant_id}/scans", headers={"content-type": "application/json"})
    assert answer.status_code == 202, answer.get_body()
    ctx.host.drain_queue(SCAN_QUEUE)


def detection(ctx: Context) -> dict[str, Any]:
    from devtools.graphsim import generate_tenant
    from devtools.graphsim.generator import WINDOWS_INTUNE_MIX

    out: dict[str, Any] = {"changesPerRound": ctx.changes, "rounds": ctx.rounds}
    ctx.unsubscribe_all()
    counts = (0, FAN_OUT)
    tenants: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    for subscriptions in counts:  # one tenant per subscription count, alike in size and mix
        tenant_id = str(uuid.uuid4())
        ctx.sim.add_tenant(tenant_id, generate_tenant(seed=14, size=1000, mix=WINDOWS_INTUNE_MIX))
        response = ctx.host.http("PUT", f"/api/tenants/{tenant_id}", {"displayName": "Bench", "enabled": True})
        assert response.status_code == 201, response.get_body()
        tenant = ctx.sim.tenant(tenant_id)
        objects = [(t, o["id"]) for t in ("settingsCatalogPolicy", "deviceConfiguration") for o in tenant.objects(t)]
        assert len(objects) >= ctx.changes * ctx.rounds, len(objects)
        tenants[subscriptions] = (tenant_id, objects)
        _scan(ctx, tenant_id)
    ctx.host.deliver_new_blobs()  # the first runs: no baseline yet
    detect: dict[int, list[float]] = {k: [] for k in counts}
    relay: dict[int, list[float]] = {k: [] for k in counts}
    routed = dict.fromkeys(counts, 0)
    # Rounds alternate between the two counts (the order flips every round), so a warming process or
    # a busy machine weighs on both alike.
    for round_number in range(ctx.rounds):
        for subscriptions in counts if round_number % 2 == 0 else tuple(reversed(counts)):
            for n in range(subscriptions):
                ctx.subscribe(f"detect-{n:02d}", f"/detect/{n:02d}")
            tenant_id, objects = tenants[subscriptions]
            tenant = ctx.sim.tenant(tenant_id)
            for policy_type, object_id in objects[round_number * ctx.changes : (round_number + 1) * ctx.changes]:
                tenant.rename(policy_type, object_id, f"Changed in round {round_number}")
            _scan(ctx, tenant_id)
            detect[subscriptions].append(_timed(ctx.host.deliver_new_blobs))
            before = ctx.host.queue(EVENT_QUEUE).get_queue_properties().approximate_message_count
            relay[subscriptions].append(_timed(lambda: ctx.host.drain_queue(RELAY_QUEUE)))
            routed[subscriptions] += (
                ctx.host.queue(EVENT_QUEUE).get_queue_properties().approximate_message_count - before
            )
            ctx.host.queue(EVENT_QUEUE).clear_messages()
            ctx.unsubscribe_all()
    for subscriptions in counts:
        assert routed[subscriptions] == ctx.changes * ctx.rounds * subscriptions, routed
        out[f"with{subscriptions}Subscriptions"] = {
            "detectionSeconds": round(statistics.median(detect[subscriptions]), 3),
            "relaySeconds": round(statistics.median(relay[subscriptions]), 3),
            "deliveryMessagesRouted": routed[subscriptions],
        }
    out["detectionRatio20To0"] = round(
        out[f"with{FAN_OUT}Subscriptions"]["detectionSeconds"] / out["with0Subscriptions"]["detectionSeconds"], 2
    )
    return out


SECTIONS: list[tuple[str, Callable[[Context], dict[str, Any]]]] = [
    ("delivery", delivery),
    ("fanOut", fan_out),
    ("routing", routing),
    ("detection", detection),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=400, help="events of the delivery section")
    parser.add_argument("--changes", type=int, default=100, help="objects changed per detection round")
    parser.add_argument("--rounds", type=int, default=4, help="detection rounds per subscription count")
    args = parser.parse_args(argv)
    from devtools.graphsim import GraphSimulator

    with Azurite.start() as azurite, WebhookReceiver() as receiver, GraphSimulator(token_secret=SIM_SECRET) as sim:
        os.environ.update(
            {
                "AzureWebJobsStorage": azurite.connection_string,  # the emulator: loopback receivers allowed
                "AUTH_MODE": "local",
                "TABLE_NAME_PREFIX": "benchevents",
                "SECRET_HASH_KEY": "bench-only-key",
                "BLOB_TRIGGER_SOURCE": "LogsAndContainerScan",
                "GRAPH_BASE_URL": sim.base_url,
                "GRAPH_CREDENTIAL_MODE": "static_token",
                "GRAPH_STATIC_TOKEN": SIM_SECRET,
                "GRAPH_TIMEOUT_SECONDS": "60",
            }
        )
        import function_app
        from devtools.host import LocalHost
        from shared.storage.stores import get_stores

        host = LocalHost(function_app.app, azurite.connection_string)
        host.skip_existing_blobs()
        ctx = Context(host, get_stores(), receiver, args.events, sim, args.changes, args.rounds)
        report: dict[str, Any] = {"benchmark": "events", "worker": "one LocalHost worker, one message at a time"}
        for name, section in SECTIONS:
            report[name] = section(ctx)
    report["fanOut"]["ratioToSingleSubscription"] = round(
        report["fanOut"]["deliveriesPerSecond"] / report["delivery"]["eventsPerSecond"], 2
    )
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
