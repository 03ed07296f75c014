"""Alignment: each message recomputes one tenant's alignment with its templates (DESIGN §14)."""

from __future__ import annotations

import logging

import azure.functions as func

from shared.errors import ValidationError
from shared.flows.alignment import run_alignment_message
from shared.settings import ALIGNMENT_QUEUE
from shared.storage.stores import get_stores

bp = func.Blueprint()  # type: ignore[no-untyped-call]
log = logging.getLogger(__name__)


@bp.queue_trigger(arg_name="msg", queue_name=ALIGNMENT_QUEUE, connection="AzureWebJobsStorage")
def align_tenant(msg: func.QueueMessage) -> None:
    """Queue: measure a tenant's latest completed run against every template assigned to it."""
    try:
        run_alignment_message(msg.get_body().decode("utf-8"), get_stores())
    except ValidationError as exc:
        log.error("align_tenant: dropped malformed message %s: %s", msg.id, exc.message)
