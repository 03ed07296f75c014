"""The drift flow: one new snapshot → baseline lookup, comparison, lifecycle, summary (the shell)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from shared import settings
from shared.core.attribution import Attribution, AuditIndex, attribute_findings, changed_by, settle_pending
from shared.core.drift import (
    BaselineInfo,
    BaselineMode,
    Comparison,
    Counts,
    Coverage,
    LifecyclePlan,
    Reason,
    RunInfo,
    Summary,
    build_summary,
    compare_snapshots,
    is_zero,
    plan_delta,
    plan_lifecycle,
    published_run,
    refresh_summary,
    snapshot_coverage,
)
from shared.core.ids import is_guid, is_run_id
from shared.core.snapshot import ItemIndex, differs_from, scan_snapshot, snapshot_path
from shared.errors import ComparisonError, ConcurrentUpdateError, SnapshotError
from shared.storage.findings import FindingWrite, PendingRecord
from shared.storage.stores import Stores
from shared.storage.summaries import Publication

log = logging.getLogger(__name__)

_BLOB_NAME = re.compile(r"^(?:snapshots/)?(?P<tenant>[^/]+)/(?P<run>[^/]+)\.json\.gz$")
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class DetectionOutcome:
    """What one detection did."""

    tenant_id: str
    run_id: str
    state: str  # ready | blocked | error | rejected | stale
    findings_written: int
    events_added: int
    error_code: str | None = None
    # The tenant's outbox may hold events of this detection: events were written now, or an earlier
    # attempt of this run wrote findings (its relay request may have been lost), or the run failed.
    relay: bool = False


def parse_blob_name(name: str) -> tuple[str, str] | None:
    """(tenant id, run id) of a snapshot blob name, or None if it is not one."""
    match = _BLOB_NAME.match(name)
    if not match or not is_guid(match["tenant"]) or not is_run_id(match["run"]):
        return None
    return match["tenant"].lower(), match["run"]


def _run_info(document: dict[str, Any]) -> RunInfo:
    return RunInfo(runId=document["runId"], finishedAt=document["finishedAt"], status=document["status"])


def detect(blob_name: str, data: bytes, stores: Stores) -> DetectionOutcome:
    """Compare a new snapshot with its baseline and persist findings, history and summary; idempotent."""
    parsed = parse_blob_name(blob_name)
    if parsed is None:
        log.error("detect_drift: %s is not a snapshot blob name; ignored", blob_name)
        return DetectionOutcome("", "", "rejected", 0, 0, "not_a_snapshot")
    tenant_id, run_id = parsed
    try:
        # First pass: validate and index the whole snapshot, keeping no item content.
        document, index = scan_snapshot(data, keep=lambda _type, _item: False)
        if document["tenantId"] != tenant_id or document["runId"] != run_id:
            raise SnapshotError("snapshot_invalid", "snapshot names another tenant or run than its blob path")
    except SnapshotError as exc:
        # A poison snapshot fails its run once, with a stable code, and is never retried.
        log.error("detect_drift: snapshot %s is unusable: %s", blob_name, exc.code)
        stores.runs.mark_unreadable(tenant_id, run_id, exc.code)
        return DetectionOutcome(tenant_id, run_id, "rejected", 0, 0, exc.code, relay=True)

    for attempt in range(MAX_ATTEMPTS):
        try:
            outcome = _detect_once(tenant_id, data, document, index, stores)
            stores.runs.set_drift(
                tenant_id, run_id, "completed" if outcome.state != "error" else "failed", outcome.error_code
            )
            return outcome
        except ConcurrentUpdateError:
            log.info("detect_drift: concurrent update on tenant %s, attempt %d; retrying", tenant_id, attempt + 1)
    raise ConcurrentUpdateError(
        f"detect_drift: gave up on tenant {tenant_id} run {run_id} after {MAX_ATTEMPTS} attempts"
    )


def _baseline(tenant_id: str, document: dict[str, Any], stores: Stores) -> tuple[BaselineMode, bytes | None]:
    """The baseline's mode and snapshot blob (None: no baseline yet)."""
    scope = document["scopeKey"]
    pinned = stores.baselines.pinned(tenant_id, scope)
    if pinned is not None:
        if pinned >= document["runId"]:
            return "pinned", None
        return "pinned", stores.snapshots.read(snapshot_path(tenant_id, pinned))
    record = stores.runs.latest_completed_before(tenant_id, scope, document["runId"])
    if record is None:
        return "rolling", None
    return "rolling", stores.snapshots.read(snapshot_path(tenant_id, record.run_id))


def _publish_summary(
    tenant_id: str,
    document: dict[str, Any],
    stores: Stores,
    baseline: BaselineInfo | None,
    coverage: Coverage,
    error: Reason | None = None,
) -> str:
    """Publish this run in the summary (unless a newer run of the scope already owns it) and fold in
    the count deltas written with the findings: arithmetic on what changed, never a recount, except
    for a summary with no counts of this scope to carry on."""
    scope = document["scopeKey"]
    state = "stale"

    def prepare(stored: Summary | None) -> Publication:
        nonlocal state
        if stored is not None and stored.get("scopeKey") == scope:
            if published_run(stored) > document["runId"]:
                state = "stale"  # a newer run owns the summary; this run's deltas are still folded
                return Publication(stored)
            fresh = refresh_summary(
                stored, baseline=baseline, current=_run_info(document), coverage=coverage, error=error
            )
            state = fresh["state"]
            return Publication(fresh)
        fresh = build_summary(
            tenant_id=tenant_id, scope_key=scope, findings=(), baseline=baseline,
            current=_run_info(document), coverage=coverage, error=error,
        )  # fmt: skip
        state = fresh["state"]
        return Publication(fresh, recount=True)

    stores.summaries.publish(tenant_id, stores.findings, prepare)
    return state


def _nonzero(delta: Counts) -> Counts | None:
    return None if is_zero(delta) else delta  # e.g. findings only seen again: no delta row


def _write_plan(
    tenant_id: str, comparison: Comparison, plan: LifecyclePlan, etags: dict[str, str], stores: Stores
) -> int:
    """Findings with their history events and count deltas, in transactions of whole findings."""
    events: dict[str, list[Any]] = {}
    for event in plan.events:
        events.setdefault(event["findingId"], []).append(event)
    writes = [FindingWrite(f, events.get(f["id"], []), etags.get(f["id"])) for f in plan.findings]
    stores.findings.commit(
        tenant_id,
        writes,
        delta=lambda group: _nonzero(plan_delta([w.finding for w in group], plan.previous)),
        pending_key=lambda group: f"{comparison.current_run_id}_{group[0].finding['id']}",
        run_id=comparison.current_run_id,
        scope_key=comparison.scope_key,
    )
    return sum(len(w.events) for w in writes)


def _attribute(
    tenant_id: str, comparison: Comparison, baseline_doc: dict[str, Any], current: dict[str, Any], stores: Stores
) -> dict[str, Attribution]:
    """Who changed it (DESIGN §12): settle the pending findings of earlier comparisons that this
    snapshot's audit events now decide (only when the scan knew of some: their marks are one small
    range), then attribute this comparison's findings, each within (baseline start, current start)."""
    index = AuditIndex(current.get("audit"))
    latency = settings.get_int("AUDIT_LATENCY_MINUTES", 0, 7 * 24 * 60)
    if index.section.get("pendingSince"):
        records = {r.mark["findingId"]: r for r in stores.findings.pending_marks(tenant_id, comparison.scope_key)}
        settled = [
            (records[m["findingId"]], a) for m, a in settle_pending([r.mark for r in records.values()], index, latency)
        ]

        def delta(group: Any) -> Counts:
            pairs: list[tuple[PendingRecord, Attribution]] = list(group)
            return plan_delta(
                [{**r.counted, "changedBy": changed_by(a)} for r, a in pairs],
                {r.mark["findingId"]: r.counted for r, _ in pairs},
            )

        if settled:
            done = stores.findings.settle(tenant_id, settled, delta, comparison.current_run_id, comparison.scope_key)
            log.info("detect_drift: tenant %s: %d of %d pending attribution(s) settled", tenant_id, done, len(records))
    return attribute_findings(
        comparison.findings, index, str(baseline_doc.get("startedAt")), str(current.get("startedAt")), latency
    )


def _detect_once(
    tenant_id: str, data: bytes, document: dict[str, Any], index: ItemIndex, stores: Stores
) -> DetectionOutcome:
    run_id = document["runId"]
    if document["status"] == "failed":
        state = _publish_summary(tenant_id, document, stores, None, snapshot_coverage(document))
        return DetectionOutcome(tenant_id, run_id, state, 0, 0)
    mode, baseline_data = _baseline(tenant_id, document, stores)
    if baseline_data is None:
        state = _publish_summary(tenant_id, document, stores, None, snapshot_coverage(document))
        return DetectionOutcome(tenant_id, run_id, state, 0, 0)
    try:
        # Keep whole only the items whose hashes differ between the two runs; the rest are stubs.
        baseline_doc, baseline_index = scan_snapshot(baseline_data, differs_from(index))
        current_doc, _ = scan_snapshot(data, differs_from(baseline_index))
        comparison: Comparison = compare_snapshots(baseline_doc, current_doc, tenant_id)
    except (ComparisonError, SnapshotError) as exc:
        reason = Reason(code=exc.code, message=exc.message)
        state = _publish_summary(tenant_id, document, stores, None, snapshot_coverage(document), reason)
        return DetectionOutcome(tenant_id, run_id, state, 0, 0, exc.code)
    attributions = _attribute(tenant_id, comparison, baseline_doc, document, stores)
    # Rolling comparisons never resolve: with nothing reported there is nothing to plan or read.
    existing = (
        stores.findings.for_baseline(tenant_id, comparison.scope_key, comparison.baseline_run_id)
        if comparison.findings or mode == "pinned"
        else []
    )
    plan = plan_lifecycle(
        comparison, mode=mode, existing=[r.finding for r in existing], finished_at=document["finishedAt"],
        attributions=attributions,
    )  # fmt: skip
    # Each finding, its events and its count delta in one transaction: a retry after a partial
    # write finds the written findings already at this run and plans nothing for them again.
    added = _write_plan(tenant_id, comparison, plan, {r.finding["id"]: r.etag for r in existing}, stores)
    # A finding this run already evaluated was written by an earlier attempt of this detection,
    # whose relay request may never have been sent: ask again (the relay sends nothing twice).
    replayed = any(run_id in (r.finding.get("lastSeenRunId"), r.finding.get("resolvedRunId")) for r in existing)
    baseline_info = BaselineInfo(mode=mode, runId=baseline_doc["runId"], finishedAt=baseline_doc["finishedAt"])
    state = _publish_summary(tenant_id, document, stores, baseline_info, comparison.coverage())
    log.info(
        "detect_drift: tenant %s run %s vs %s (%s): %d finding(s) written, %d event(s)",
        tenant_id, run_id, baseline_doc["runId"], mode, len(plan.findings), added,
    )  # fmt: skip
    return DetectionOutcome(tenant_id, run_id, state, len(plan.findings), added, relay=added > 0 or replayed)
