"""Scanning: the schedule fans out one queue message per tenant; the queue trigger scans one tenant."""

from __future__ import annotations

import logging

import azure.functions as func

from shared.core.messages import AlignmentRequest, RelayRequest, parse_scan_message, plan_scans
from shared.errors import ValidationError
from shared.flows.scan import run_scan_message
from shared.settings import ALIGNMENT_QUEUE, RELAY_QUEUE, SCAN_QUEUE
from shared.storage.stores import get_stores

bp = func.Blueprint()  # type: ignore[no-untyped-call]
log = logging.getLogger(__name__)


@bp.timer_trigger(schedule="%SCAN_SCHEDULE%", arg_name="timer", run_on_startup=False, use_monitor=True)
@bp.queue_output(arg_name="scans", queue_name=SCAN_QUEUE, connection="AzureWebJobsStorage")
def schedule_scans(timer: func.TimerRequest, scans: func.Out[list[str]]) -> None:
    """Timer: enqueue one scan per enabled tenant (never calls Graph)."""
    requests = plan_scans(get_stores().tenants.list())
    scans.set([r.to_message() for r in requests])
    log.info("schedule_scans: enqueued %d scan(s)%s", len(requests), " (past due)" if timer.past_due else "")


@bp.queue_trigger(arg_name="msg", queue_name=SCAN_QUEUE, connection="AzureWebJobsStorage")
@bp.queue_output(arg_name="alignments", queue_name=ALIGNMENT_QUEUE, connection="AzureWebJobsStorage")
@bp.queue_output(arg_name="relays", queue_name=RELAY_QUEUE, connection="AzureWebJobsStorage")
def scan_tenant(msg: func.QueueMessage, alignments: func.Out[str], relays: func.Out[str]) -> None:
    """Queue: scan one tenant into one immutable snapshot; a completed run asks for its alignment, a
    failed one for the relay of its `drift.run.failed` event (again on a redelivered message, in
    case the first ask was lost: the relay sends nothing twice)."""
    body = msg.get_body().decode("utf-8")
    try:
        outcome = run_scan_message(body, get_stores())
    except ValidationError as exc:
        # A malformed message will never succeed: drop it instead of poisoning retries.
        log.error("scan_tenant: dropped malformed message %s: %s", msg.id, exc.message)
        return
    log.info("scan_tenant: run %s %s (%s)", outcome.run_id, outcome.action, outcome.status)
    tenant_id = parse_scan_message(body).tenant_id
    if outcome.status == "completed" and outcome.action in ("scanned", "recovered"):
        alignments.set(AlignmentRequest(tenant_id, "scan", outcome.run_id).to_message())
    if outcome.status == "failed":
        relays.set(RelayRequest(tenant_id, "scan").to_message())
