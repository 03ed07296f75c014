"""The triage flow: acknowledge a finding, pin or unpin a baseline (the shell behind the API)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.core.clock import now_iso
from shared.core.drift import acknowledge, status_delta
from shared.errors import ConcurrentUpdateError, ConflictError, NotFoundError, PreconditionFailedError
from shared.storage.findings import FindingWrite
from shared.storage.stores import Stores
from shared.storage.summaries import Publication


@dataclass(frozen=True)
class AcknowledgeResult:
    """The finding after acknowledgement, its new ETag, and whether anything changed."""

    finding: dict[str, Any]
    etag: str
    changed: bool


def acknowledge_finding(
    stores: Stores, tenant_id: str, finding_id: str, by: str, note: str | None, if_match: str | None = None
) -> AcknowledgeResult:
    """Acknowledge a finding, guarded by its ETag; acknowledging an acknowledged finding is a no-op.

    One transaction writes the finding (only if unchanged since read), its history event and the
    count delta; the summary then folds the delta in (see `shared.storage.summaries`).
    """
    record = stores.findings.get(tenant_id, finding_id)
    if record is None:
        raise NotFoundError("finding not found")
    if if_match is not None and if_match != record.etag:
        raise PreconditionFailedError("the finding changed since it was read (ETag mismatch)")
    updated, event = acknowledge(record.finding, by, note, now_iso())
    if event is None:
        return AcknowledgeResult(record.finding, record.etag, False)
    try:
        (etag,) = stores.findings.commit(
            tenant_id,
            [FindingWrite(updated, [event], record.etag)],
            delta=lambda _group: status_delta(record.finding["status"], updated["status"], updated, record.finding),
            pending_key=lambda _group: f"t{event['id']}",
            run_id="",
            scope_key=str(updated.get("scopeKey") or ""),
        )
    except ConcurrentUpdateError:
        raise PreconditionFailedError("the finding changed while it was being acknowledged") from None
    # Counts are per scope: the summary folds a delta of another selection without counting it.
    stores.summaries.publish(tenant_id, stores.findings, lambda summary: Publication(summary) if summary else None)
    return AcknowledgeResult(dict(updated), etag, True)


def pin_baseline(stores: Stores, tenant_id: str, run_id: str, by: str) -> dict[str, Any]:
    """Pin a completed run of the tenant's current scope as its baseline."""
    tenant = stores.tenants.get(tenant_id)
    if tenant is None:
        raise NotFoundError("tenant not found")
    run = stores.runs.get(tenant_id, run_id)
    if run is None:
        raise ConflictError(f"run {run_id} does not exist for this tenant", "run_not_found")
    if run.status != "completed":
        raise ConflictError(
            f"run {run_id} is {run.status}; only a completed run can be a baseline", "run_not_completed"
        )
    if run.scope_key != tenant.scope_key:
        raise ConflictError("run scanned another selection than the tenant's current one", "scope_mismatch")
    stores.baselines.pin(tenant_id, tenant.scope_key, run_id, by, now_iso())
    return {"mode": "pinned", "runId": run_id, "finishedAt": run.finished_at}


def unpin_baseline(stores: Stores, tenant_id: str) -> dict[str, Any]:
    """Return the tenant's current scope to rolling baselines."""
    tenant = stores.tenants.get(tenant_id)
    if tenant is None:
        raise NotFoundError("tenant not found")
    stores.baselines.unpin(tenant_id, tenant.scope_key)
    return {"mode": "rolling"}
