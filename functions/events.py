"""Drift events: the events queue trigger delivers one event to one subscription per message."""

from __future__ import annotations

import logging

import azure.functions as func

from shared.errors import ValidationError
from shared.flows.events import deliver
from shared.settings import EVENT_QUEUE
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
