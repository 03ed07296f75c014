"""Drift detection: each new snapshot blob is compared with its tenant's baseline."""

from __future__ import annotations

import logging
import os

import azure.functions as func

from shared.core.messages import RelayRequest
from shared.flows.drift import detect
from shared.settings import RELAY_QUEUE, SNAPSHOT_CONTAINER
from shared.storage.stores import get_stores

bp = func.Blueprint()  # type: ignore[no-untyped-call]
log = logging.getLogger(__name__)


def _trigger_source() -> func.BlobSource:
    """BLOB_TRIGGER_SOURCE, read when the host indexes the app: EventGrid in Azure (Flex Consumption
    supports nothing else), LogsAndContainerScan with Azurite. An unknown value falls back to EventGrid
    with an error naming the setting, instead of failing the whole index."""
    value = os.environ.get("BLOB_TRIGGER_SOURCE", "EventGrid")
    if value == "LogsAndContainerScan":
        return func.BlobSource.LOGS_AND_CONTAINER_SCAN
    if value != "EventGrid":
        log.error(
            "App setting BLOB_TRIGGER_SOURCE must be EventGrid or LogsAndContainerScan, got %r; using EventGrid", value
        )
    return func.BlobSource.EVENT_GRID


@bp.blob_trigger(
    arg_name="snapshot",
    path=SNAPSHOT_CONTAINER + "/{tenantId}/{runId}.json.gz",
    connection="AzureWebJobsStorage",
    source=_trigger_source(),
)
@bp.queue_output(arg_name="relays", queue_name=RELAY_QUEUE, connection="AzureWebJobsStorage")
def detect_drift(snapshot: func.InputStream, relays: func.Out[str]) -> None:
    """Blob: compare a new snapshot with its baseline and keep findings, history and summary; when
    that recorded drift events (or may have, in an earlier attempt), ask for the tenant's relay."""
    outcome = detect(snapshot.name or "", snapshot.read(), get_stores())
    if outcome.relay:
        relays.set(RelayRequest(outcome.tenant_id, "detection").to_message())
    log.info(
        "detect_drift: %s run %s -> %s (%d findings)",
        outcome.tenant_id,
        outcome.run_id,
        outcome.state,
        outcome.findings_written,
    )
