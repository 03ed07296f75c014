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

Detection time with 0 and with 20 subscriptions (the issue's second figure) needs detection to hand
its events over, which is wired in phase 2 of issue 14: it adds a `detection` section to SECTIONS.
"""

from __future__ import annotations

import argparse
import json
import os
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
from shared.settings import EVENT_QUEUE
from shared.webhooks import send

FAN_OUT = 20
RUN = "20260301T080000000Z-0badc0de"


@dataclass
class Context:
    """What every section gets: the host, the stores, the receiver and the sizes asked for."""

    host: Any
    stores: Any
    receiver: WebhookReceiver
    events: int

    def subscribe(self, subscription_id: str, path: str) -> str:
        response = self.host.http("PUT", f"/api/subscriptions/{subscription_id}", {"url": self.receiver.url(path)})
        assert response.status_code == 201, response.get_body()
        return str(json.loads(response.get_body())["signingSecret"])

    def unsubscribe_all(self) -> None:
        for subscription in self.stores.subscriptions.list():
            assert self.host.http("DELETE", f"/api/subscriptions/{subscription.subscription_id}").status_code == 204


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


# Phase 2 adds ("detection", detection): detection time with 0 and with 20 subscriptions.
SECTIONS: list[tuple[str, Callable[[Context], dict[str, Any]]]] = [
    ("delivery", delivery),
    ("fanOut", fan_out),
    ("routing", routing),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=400, help="events of the delivery section")
    args = parser.parse_args(argv)
    with Azurite.start() as azurite, WebhookReceiver() as receiver:
        os.environ.update(
            {
                "AzureWebJobsStorage": azurite.connection_string,  # the emulator: loopback receivers allowed
                "AUTH_MODE": "local",
                "TABLE_NAME_PREFIX": "benchevents",
                "SECRET_HASH_KEY": "bench-only-key",
                "BLOB_TRIGGER_SOURCE": "LogsAndContainerScan",
            }
        )
        import function_app
        from devtools.host import LocalHost
        from shared.storage.stores import get_stores

        host = LocalHost(function_app.app, azurite.connection_string)
        ctx = Context(host, get_stores(), receiver, args.events)
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
