"""Drift events: the relay queue trigger hands a tenant's outbox to its subscriptions; the events queue
trigger delivers one event to one subscription per message."""

from __future__ import annotations

import logging

import azure.functions as func

from shared.errors import ValidationError
from shared.flows.events import deliver, relay
from shared.settings import EVENT_QUEUE, RELAY_QUEUE
from shared.storage.stores import get_stores

bp = func.Blueprint()  # type: ignore[no-untyped-call]
log = logging.getLogger(__name__)


@bp.queue_trigger(arg_name="msg", queue_name=EVENT_QUEUE, connection="AzureWebJobsStorage")
def deliver_event(msg: func.QueueMessage) -> None:
    """Queue: one attempt to deliver one event to one subscription; a retry is a new, delayed message."""
    try:
        outcome = deliver(msg.get_body().decode("utf-8"), get_stores())
    except ValidationError as exc:
        # A malformed message will never succeed: drop it instead of poisoning retries.
        log.error("deliver_event: dropped malformed message %s: %s", msg.id, exc.message)
        return
    if outcome.status == "skipped":
        log.info("deliver_event: event %s to %s skipped: %s", outcome.event_id, outcome.subscription_id, outcome.reason)


@bp.queue_trigger(arg_name="msg", queue_name=RELAY_QUEUE, connection="AzureWebJobsStorage")
def relay_events(msg: func.QueueMessage) -> None:
    """Queue: route every pending drift event of one tenant (its outbox) to the matching subscriptions."""
    try:
        outcome = relay(msg.get_body().decode("utf-8"), get_stores())
    except ValidationError as exc:
        log.error("relay_events: dropped malformed message %s: %s", msg.id, exc.message)
        return
    log.info(
        "relay_events: tenant %s, %d event(s), %d delivery message(s)",
        outcome.tenant_id,
        outcome.events,
        outcome.routed,
    )
