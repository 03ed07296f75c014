"""Drift detection: each new snapshot blob is compared with its tenant's baseline."""

from __future__ import annotations

import logging
import os

import azure.functions as func

from shared.flows.drift import detect
from shared.settings import SNAPSHOT_CONTAINER
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
def detect_drift(snapshot: func.InputStream) -> None:
    """Blob: compare a new snapshot with its baseline and keep findings, history and summary."""
    outcome = detect(snapshot.name or "", snapshot.read(), get_stores())
    log.info(
        "detect_drift: %s run %s -> %s (%d findings)",
        outcome.tenant_id,
        outcome.run_id,
        outcome.state,
        outcome.findings_written,
    )
