"""The events flow (DESIGN §13): relay a tenant's outbox, route events to subscriptions, send a test
event, deliver one message.

State changes record their events where they are decided, in the same write (the outbox): a history
row written with the finding it changes (`relay: pending`, see `shared.storage.findings`), a failed
run's record (`shared.storage.runs`). Whoever wrote such a row puts a relay request for the tenant on
the relay queue (an output binding of its trigger); `relay` then reads every pending row of the
tenant, builds the events (`shared.core.events`), routes them and flips the rows to `sent`. A relay
that runs twice, or a row relayed twice after a crash, routes the same event ids again, and the
deliveries log sends nothing twice (below).

Delivery is never on the path of scans or detection: whoever has events calls `route_events`, which
only reads the subscriptions and enqueues one message per (event, matching subscription) on the
events queue; the queue trigger (`functions/events.py`) then calls `deliver` for one message at a
time, so a slow or dead subscriber holds up nothing but its own messages.

`deliver` is idempotent against redelivered queue messages: a delivery already `delivered` or
`failed`, or an attempt already recorded, is skipped. The next attempt is enqueued before the
attempt is recorded, so a crash in between can only repeat an attempt (same `webhook-id`, which
receivers dedupe), never lose the retry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shared import settings
from shared.core.clock import iso, now_iso
from shared.core.events import (
    MIN_ATTEMPTS,
    CloudEvent,
    DeliveryMessage,
    after_attempt,
    finding_event,
    new_event_id,
    parse_delivery_message,
    render,
    route,
    run_failed_event,
    signature_headers,
    subscription_test_event,
)
from shared.core.ids import run_id_time
from shared.core.messages import parse_relay_message
from shared.core.tenants import Tenant
from shared.errors import ConflictError, NotFoundError, SecretUnreadableError
from shared.storage.stores import Stores
from shared.webhooks import SendResult, send

log = logging.getLogger(__name__)

# Sends one attempt: (url, body, headers) → result. `shared.webhooks.send` in production.
Sender = Callable[[str, bytes, Mapping[str, str]], SendResult]
MAX_RETRY_BASE_SECONDS = 3600
MAX_ATTEMPTS_LIMIT = 20


@dataclass(frozen=True)
class DeliveryOutcome:
    """What one delivery message came to. `status` is the delivery's status after this attempt
    (`delivered`, `retrying`, `failed`), or `skipped` with the reason when no attempt was made."""

    subscription_id: str
    event_id: str
    event_type: str
    attempt: int
    status: str
    http_status: int | None = None
    error: str | None = None
    reason: str | None = None


def public_base_url(env: Mapping[str, str] | None = None) -> str | None:
    """PUBLIC_BASE_URL without a trailing slash, or None when it is not set (events then carry no link)."""
    return settings.get("PUBLIC_BASE_URL", env).rstrip("/") or None


def retry_policy(env: Mapping[str, str] | None = None) -> tuple[int, int]:
    """(EVENT_MAX_ATTEMPTS, EVENT_RETRY_BASE_SECONDS), validated."""
    return (
        settings.get_int("EVENT_MAX_ATTEMPTS", MIN_ATTEMPTS, MAX_ATTEMPTS_LIMIT, env),
        settings.get_int("EVENT_RETRY_BASE_SECONDS", 1, MAX_RETRY_BASE_SECONDS, env),
    )


def route_events(stores: Stores, events: Sequence[CloudEvent]) -> int:
    """Enqueue one delivery message per (event, enabled subscription whose filter passes it); returns
    how many. Cheap and free of subscriber I/O: one subscriptions read and one enqueue per message."""
    if not events:
        return 0
    pairs = route(stores.subscriptions.list(), events)
    return stores.event_queue.send_all(DeliveryMessage(s.subscription_id, e).to_message() for s, e in pairs)


@dataclass(frozen=True)
class RelayOutcome:
    """What one relay of a tenant's outbox did: events found pending, delivery messages enqueued."""

    tenant_id: str
    events: int
    routed: int


def relay(body: str, stores: Stores) -> RelayOutcome:
    """Hand every pending event of one tenant's outbox (its findings' history rows and its failed
    runs) to the matching subscriptions, then mark them sent. Raises ValidationError for a malformed
    message (the trigger drops it). Costs two queries when nothing is pending."""
    tenant_id = parse_relay_message(body).tenant_id
    outbox = stores.findings.pending_events(tenant_id)
    failures = stores.runs.pending_failures(tenant_id)
    if not outbox and not failures:
        return RelayOutcome(tenant_id, 0, 0)
    registered = stores.tenants.get(tenant_id)
    # A tenant removed from the registry since still has its changes announced, under its id.
    tenant = registered or Tenant(tenant_id, tenant_id, False, [], [], "", "")
    base_url = public_base_url()
    events = [finding_event(entry.change, entry.finding, tenant, base_url) for entry in outbox]
    # The event's time must not depend on when it is relayed: the deliveries log keys on it.
    events += [
        run_failed_event(
            tenant, run.run_id, run.to_json()["errorCodes"], run.finished_at or run_id_time(run.run_id), base_url
        )
        for run in failures
    ]
    routed = route_events(stores, events)
    # Sent only once routed: a crash in between routes them again, and deliveries skip what they made.
    at = now_iso()
    stores.findings.mark_relayed(tenant_id, [entry.key for entry in outbox], at)
    for run in failures:
        stores.runs.mark_relayed(tenant_id, run.run_id, at)
    log.info("relay of tenant %s: %d event(s), %d delivery message(s)", tenant_id, len(events), routed)
    return RelayOutcome(tenant_id, len(events), routed)


def send_test_event(stores: Stores, subscription_id: str, requested_by: str) -> CloudEvent:
    """Enqueue a `drift.subscription.test` event for one subscription now (a fresh event id)."""
    subscription = stores.subscriptions.get(subscription_id)
    if subscription is None:
        raise NotFoundError("subscription not found")
    if not subscription.enabled:
        raise ConflictError(f"subscription {subscription_id} is disabled", "subscription_disabled")
    event = subscription_test_event(
        subscription_id, new_event_id(), iso(datetime.now(UTC)), requested_by, public_base_url()
    )
    stores.event_queue.send(DeliveryMessage(subscription_id, event).to_message())
    return event


def _utcnow() -> datetime:
    return datetime.now(UTC)


def deliver(
    body: str, stores: Stores, sender: Sender = send, clock: Callable[[], datetime] = _utcnow
) -> DeliveryOutcome:
    """Make one attempt of one delivery message and record it; enqueue the next attempt after a
    failure. Raises ValidationError for a malformed message (the trigger drops it)."""
    message = parse_delivery_message(body)
    event = message.event
    sid = message.subscription_id

    def outcome(
        status: str, http_status: int | None = None, error: str | None = None, reason: str | None = None
    ) -> DeliveryOutcome:
        return DeliveryOutcome(sid, event["id"], event["type"], message.attempt, status, http_status, error, reason)

    found = stores.subscriptions.with_secret(sid)
    if found is None:
        return outcome("skipped", reason="subscription deleted")
    subscription = found.subscription
    if not subscription.enabled:
        return outcome("skipped", reason="subscription disabled")
    previous = stores.deliveries.get(sid, event)
    if previous is not None and previous.terminal:
        return outcome("skipped", reason=f"already {previous.status}")
    if previous is not None and previous.attempts >= message.attempt:
        return outcome("skipped", reason=f"attempt {message.attempt} already made")

    max_attempts, base_seconds = retry_policy()
    moment = clock()
    payload, content_type = render(event, subscription.format)
    try:
        secret = found.signing_secret()
    except SecretUnreadableError as exc:
        # Retrying cannot help: the key that sealed the secret is gone.
        result = SendResult(False, None, f"{exc.code}: {exc.message}", 0.0)
        status, delay = "failed", None
    else:
        headers = {"Content-Type": content_type, **signature_headers(secret, event["id"], payload, moment)}
        result = sender(subscription.url, payload, headers)
        status, delay = after_attempt(message.attempt, result.ok, max_attempts, base_seconds)
    next_at = None
    if delay is not None:
        stores.event_queue.send(message.next_attempt().to_message(), delay)
        next_at = iso(moment + timedelta(seconds=delay))
    stores.deliveries.record(
        sid,
        event,
        attempt=message.attempt,
        status=status,
        http_status=result.status,
        error=result.error,
        at=iso(moment),
        next_attempt_at=next_at,
        previous=previous,
    )
    log.info(
        "event %s (%s) to subscription %s: attempt %d %s%s",
        event["id"],
        event["type"],
        sid,
        message.attempt,
        status,
        f" (HTTP {result.status})" if result.status else "",
    )
    return outcome(status, http_status=result.status, error=result.error)
