"""Summary arithmetic (pure, DESIGN §5): state, baseline, current run, counts and coverage of one tenant.

`counts` has the totals by status (`new`, `acknowledged`, `resolved`) and breakdowns by change type,
policy type, severity and actor (`changedBy`, DESIGN §12) that count findings whose status is `new`
only: the default list of the portal. `byChangeType` and `bySeverity` always carry every key (zero
included); `byPolicyType` and `byActor` only the keys with at least one new finding, so a recount and a chain of incremental updates give
equal summaries. Counts cover the findings they are given: the shell decides which set (every
finding of the tenant and scope) and keeps it current by adding signed deltas (`plan_delta`,
`status_delta`, `add_counts`): it stores each delta with the findings it describes and folds it into
the summary later, in any order, so a read never recounts and neither does a detection.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any, Final

from shared.core.drift.lifecycle import LifecyclePlan
from shared.core.drift.models import (
    CHANGE_TYPES,
    SEVERITIES,
    STATUSES,
    BaselineInfo,
    Counts,
    Coverage,
    Reason,
    RunInfo,
    Summary,
    SummaryState,
)

REASON_NO_RUNS: Final = Reason(code="no_runs", message="No run of this scope has finished yet.")
REASON_NO_BASELINE: Final = Reason(
    code="no_baseline",
    message="No baseline yet: drift needs an earlier completed run of the same scope to compare with.",
)
REASON_RUN_FAILED: Final = Reason(code="current_run_failed", message="The current run could not read any policy type.")


def empty_counts() -> Counts:
    """Counts of no findings."""
    return Counts(
        new=0,
        acknowledged=0,
        resolved=0,
        byChangeType=dict.fromkeys(CHANGE_TYPES, 0),
        byPolicyType={},
        bySeverity=dict.fromkeys(SEVERITIES, 0),
        byActor={},
    )


def count_findings(findings: Iterable[Mapping[str, Any]]) -> Counts:
    """Count findings (with their lifecycle status) from scratch."""
    counts = empty_counts()
    for finding in findings:
        _signed(counts, str(finding["status"]), finding, 1)
    counts["byPolicyType"] = dict(sorted(counts["byPolicyType"].items()))
    counts["byActor"] = dict(sorted(counts["byActor"].items()))
    return counts


def _state(
    baseline: BaselineInfo | None, current: RunInfo | None, error: Reason | None
) -> tuple[SummaryState, Reason | None]:
    if error is not None:
        return "error", error
    if current is None:
        return "blocked", REASON_NO_RUNS
    if current["status"] == "failed":
        return "error", REASON_RUN_FAILED
    if baseline is None:
        return "blocked", REASON_NO_BASELINE
    return "ready", None


def build_summary(
    *,
    tenant_id: str,
    scope_key: str,
    findings: Iterable[Mapping[str, Any]],
    baseline: BaselineInfo | None,
    current: RunInfo | None,
    coverage: Coverage | None,
    error: Reason | None = None,
) -> Summary:
    """The summary, counting `findings` from scratch.

    State: `error` when `error` is given (e.g. the snapshot could not be read) or the current run
    failed; `blocked` when no run has finished (`no_runs`) or there is no baseline (`no_baseline`:
    fewer than two runs, or no earlier completed run); `ready` otherwise.
    """
    state, reason = _state(baseline, current, error)
    return Summary(
        tenantId=tenant_id,
        scopeKey=scope_key,
        state=state,
        reason=reason,
        baseline=copy.deepcopy(baseline),
        current=copy.deepcopy(current),
        counts=count_findings(findings),
        coverage=copy.deepcopy(coverage) if coverage is not None else Coverage(complete=[], failed=[]),
    )


def refresh_summary(
    previous: Summary,
    *,
    baseline: BaselineInfo | None,
    current: RunInfo | None,
    coverage: Coverage | None,
    error: Reason | None = None,
) -> Summary:
    """A summary for a new run that keeps the previous counts (then `apply_plan` brings them current)."""
    fresh = build_summary(
        tenant_id=previous["tenantId"],
        scope_key=previous["scopeKey"],
        findings=(),
        baseline=baseline,
        current=current,
        coverage=coverage,
        error=error,
    )
    fresh["counts"] = copy.deepcopy(previous["counts"])
    return fresh


def _signed(counts: Counts, status: str, finding: Mapping[str, Any], delta: int) -> None:
    """Move a count delta (no clamping: deltas are summed before they meet the counts)."""
    if status not in STATUSES:
        raise ValueError(f"unknown finding status {status!r}")
    counts[status] += delta  # type: ignore[literal-required]
    if status != "new":
        return
    for fixed, key in (
        (counts["byChangeType"], finding["changeType"]),
        (counts["bySeverity"], finding["severity"]),
        (counts["byPolicyType"], finding["policyType"]),
    ):
        fixed[str(key)] = fixed.get(str(key), 0) + delta
    actor = finding.get("changedBy")
    if actor:
        by_actor = counts.setdefault("byActor", {})  # type: ignore[typeddict-item]
        by_actor[str(actor)] = by_actor.get(str(actor), 0) + delta


def status_delta(
    old_status: str | None,
    new_status: str | None,
    finding: Mapping[str, Any],
    previous: Mapping[str, Any] | None = None,
) -> Counts:
    """The signed count change of one finding going from `old_status` to `new_status` (None: did not
    exist / no longer exists); `previous` is its earlier record when its severity may have changed."""
    delta = empty_counts()
    if old_status is not None:
        _signed(delta, old_status, previous if previous is not None else finding, -1)
    if new_status is not None:
        _signed(delta, new_status, finding, 1)
    return delta


def plan_delta(findings: Iterable[Mapping[str, Any]], previous: Mapping[str, Mapping[str, Any]]) -> Counts:
    """The signed count change of writing `findings` (new states) over their `previous` records (by
    id; absent for a finding that did not exist): what the shell stores next to them, in the same
    transaction, so the summary can be kept by adding deltas instead of recounting."""
    delta = empty_counts()
    for finding in findings:
        before = previous.get(str(finding["id"]))
        if before is not None:
            _signed(delta, str(before["status"]), before, -1)
        _signed(delta, str(finding["status"]), finding, 1)
    return delta


def add_counts(counts: Counts, delta: Counts) -> Counts:
    """`counts` moved by a signed `delta`, exactly (no clamping: deltas folded in another order than
    they were written may pass through negative values and still sum to the truth; show them with
    `clamp_counts`). `byPolicyType` drops the types that reach zero."""
    out = copy.deepcopy(counts)
    for status in STATUSES:
        out[status] = out[status] + delta.get(status, 0)  # type: ignore[literal-required]
    for name in ("byChangeType", "bySeverity", "byPolicyType", "byActor"):
        target: dict[str, int] = out.setdefault(name, {})  # type: ignore[misc]
        for key, value in (delta.get(name) or {}).items():  # type: ignore[attr-defined]
            target[key] = target.get(key, 0) + value
    out["byPolicyType"] = {k: v for k, v in sorted(out["byPolicyType"].items()) if v}
    out["byActor"] = {k: v for k, v in sorted(out["byActor"].items()) if v}
    return out


def clamp_counts(counts: Counts) -> Counts:
    """Counts fit to show: nothing below zero, `byPolicyType` only with types that have new findings."""
    out = copy.deepcopy(counts)
    for status in STATUSES:
        out[status] = max(0, out[status])  # type: ignore[literal-required]
    out["byChangeType"] = {k: max(0, v) for k, v in out["byChangeType"].items()}
    out["bySeverity"] = {k: max(0, v) for k, v in out["bySeverity"].items()}
    out["byPolicyType"] = {k: v for k, v in sorted(out["byPolicyType"].items()) if v > 0}
    out["byActor"] = {k: v for k, v in sorted((out.get("byActor") or {}).items()) if v > 0}
    return out


def is_zero(delta: Counts) -> bool:
    """True when a delta moves nothing."""
    return not any(delta[s] for s in STATUSES) and not any(  # type: ignore[literal-required]
        v
        for name in ("byChangeType", "bySeverity", "byPolicyType", "byActor")
        for v in (delta.get(name) or {}).values()  # type: ignore[attr-defined]
    )


def apply_status_change(
    summary: Summary,
    old_status: str | None,
    new_status: str | None,
    finding: Mapping[str, Any],
    previous: Mapping[str, Any] | None = None,
) -> Summary:
    """The summary after one finding went from `old_status` to `new_status` (see `status_delta`)."""
    updated = copy.deepcopy(summary)
    delta = status_delta(old_status, new_status, finding, previous)
    updated["counts"] = clamp_counts(add_counts(updated["counts"], delta))
    return updated


def apply_plan(summary: Summary, plan: LifecyclePlan) -> Summary:
    """The summary after a lifecycle plan is written: counts moved for every finding it changes."""
    updated = copy.deepcopy(summary)
    delta = plan_delta(plan.findings, plan.previous)
    updated["counts"] = clamp_counts(add_counts(updated["counts"], delta))
    return updated


def published_run(summary: Mapping[str, Any] | None) -> str:
    """The newest run whose comparison a summary has published ("" before any): readers see only
    findings first seen up to it, so a comparison still being written stays hidden."""
    current = (summary or {}).get("current") or {}
    return str(current.get("runId") or "")
