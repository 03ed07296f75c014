"""The triage flow: acknowledge a finding, pin or unpin a baseline (the shell behind the API)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.core.clock import now_iso
from shared.core.drift import acknowledge, apply_status_change, published_run
from shared.errors import ConcurrentUpdateError, ConflictError, NotFoundError, PreconditionFailedError
from shared.storage.stores import Stores

MAX_SUMMARY_ATTEMPTS = 10


@dataclass(frozen=True)
class AcknowledgeResult:
    """The finding after acknowledgement, its new ETag, and whether anything changed."""

    finding: dict[str, Any]
    etag: str
    changed: bool


def acknowledge_finding(
    stores: Stores, tenant_id: str, finding_id: str, by: str, note: str | None, if_match: str | None = None
) -> AcknowledgeResult:
    """Acknowledge a finding, guarded by its ETag; acknowledging an acknowledged finding is a no-op."""
    record = stores.findings.get(tenant_id, finding_id)
    if record is None:
        raise NotFoundError("finding not found")
    if if_match is not None and if_match != record.etag:
        raise PreconditionFailedError("the finding changed since it was read (ETag mismatch)")
    updated, event = acknowledge(record.finding, by, note, now_iso())
    if event is None:
        return AcknowledgeResult(record.finding, record.etag, False)
    stores.history.append(tenant_id, [event])
    try:
        etag = stores.findings.replace(updated, record.etag)
    except ConcurrentUpdateError:
        raise PreconditionFailedError("the finding changed while it was being acknowledged") from None
    _count_status_change(stores, tenant_id, record.finding, dict(updated))
    return AcknowledgeResult(dict(updated), etag, True)


def _count_status_change(stores: Stores, tenant_id: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    for _ in range(MAX_SUMMARY_ATTEMPTS):
        current = stores.summaries.get(tenant_id)
        if current is None:
            return
        summary: Any = current.summary
        # Counts are per scope; a finding of an earlier selection only leaves the default list.
        if summary.get("scopeKey") == after.get("scopeKey"):
            summary = apply_status_change(summary, before["status"], after["status"], after, before)
        head = stores.findings.default_head(tenant_id, published_run(summary))
        try:
            stores.summaries.put(tenant_id, summary, current.etag, head)
            return
        except ConcurrentUpdateError:
            continue
    raise ConcurrentUpdateError(f"summary of tenant {tenant_id} kept changing")


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
