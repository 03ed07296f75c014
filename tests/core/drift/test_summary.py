"""Summary arithmetic: state and reason, counts, coverage, and incremental updates equal to a recount."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.core.drift import (
    REASON_NO_BASELINE,
    REASON_NO_RUNS,
    REASON_RUN_FAILED,
    BaselineInfo,
    BaselineMode,
    Reason,
    RunInfo,
    acknowledge,
    add_counts,
    apply_plan,
    apply_status_change,
    build_summary,
    clamp_counts,
    count_findings,
    empty_counts,
    is_zero,
    plan_delta,
    refresh_summary,
    snapshot_coverage,
    status_delta,
)
from tests.core.drift.fixtures import (
    TENANT,
    Store,
    ca_policy,
    compare,
    defender_policy,
    drifted,
    finished_at,
    random_tenant,
    run_id,
    script,
    snapshot,
)

SC = "settingsCatalogPolicy"
CA = "conditionalAccessPolicy"
SCRIPT = "deviceManagementScript"


def _baseline(n: int = 1, mode: BaselineMode = "pinned") -> BaselineInfo:
    return BaselineInfo(mode=mode, runId=run_id(n), finishedAt=finished_at(n))


def _current(n: int, status: str = "completed") -> RunInfo:
    return RunInfo(runId=run_id(n), finishedAt=finished_at(n), status=status)


def _summary(**overrides: Any) -> Any:
    arguments: dict[str, Any] = {
        "tenant_id": TENANT,
        "scope_key": "scope",
        "findings": [],
        "baseline": _baseline(),
        "current": _current(2),
        "coverage": None,
    }
    arguments.update(overrides)
    return build_summary(**arguments)


def _tenant_story() -> tuple[Store, Any]:
    """A pinned baseline with a modified, an added, a removed and an acknowledged finding."""
    baseline = snapshot(
        1, {SC: [defender_policy(1)], CA: [ca_policy("ca-1", "MFA"), ca_policy("ca-2", "Legacy")], SCRIPT: []}
    )
    current = snapshot(
        2,
        {SC: [defender_policy(2)], CA: [ca_policy("ca-1", "MFA", state="disabled")], SCRIPT: [script("s-1", "S", "x")]},
    )
    comparison = compare(baseline, current)
    store = Store()
    store.step(comparison, "pinned")
    ca_modified = next(f["id"] for f in store.findings.values() if f["subjectId"] == "ca-1")
    store.ack(ca_modified)
    return store, comparison


def test_without_any_run_the_summary_is_blocked() -> None:
    summary = _summary(baseline=None, current=None)
    assert summary["state"] == "blocked" and summary["reason"] == REASON_NO_RUNS
    assert summary["counts"] == empty_counts()
    assert summary["coverage"] == {"complete": [], "failed": []}


def test_with_a_single_run_the_summary_is_blocked_for_want_of_a_baseline() -> None:
    first = snapshot(1, {CA: [ca_policy("ca-1", "MFA")]}, failed={SC: "forbidden"})
    summary = _summary(baseline=None, current=_current(1, "partial"), coverage=snapshot_coverage(first))
    assert summary["state"] == "blocked"
    assert summary["reason"] == REASON_NO_BASELINE and summary["reason"]["code"] == "no_baseline"
    assert summary["current"] == {"runId": run_id(1), "finishedAt": finished_at(1), "status": "partial"}
    assert summary["coverage"] == {"complete": [CA], "failed": [{"policyType": SC, "errorCode": "forbidden"}]}


def test_a_failed_run_or_an_unreadable_snapshot_puts_the_summary_in_error() -> None:
    failed = _summary(current=_current(2, "failed"))
    assert failed["state"] == "error" and failed["reason"] == REASON_RUN_FAILED
    poison = Reason(code="snapshot_corrupt", message="The snapshot of the current run could not be read.")
    broken = _summary(error=poison)
    assert broken["state"] == "error" and broken["reason"] == poison


def test_a_ready_summary_counts_by_status_and_breaks_down_the_new_findings() -> None:
    store, comparison = _tenant_story()
    summary = build_summary(
        tenant_id=TENANT,
        scope_key=comparison.scope_key,
        findings=store.findings.values(),
        baseline=_baseline(1),
        current=_current(2),
        coverage=comparison.coverage(),
    )
    assert summary == {
        "tenantId": TENANT,
        "scopeKey": comparison.scope_key,
        "state": "ready",
        "reason": None,
        "baseline": {"mode": "pinned", "runId": run_id(1), "finishedAt": finished_at(1)},
        "current": {"runId": run_id(2), "finishedAt": finished_at(2), "status": "completed"},
        "counts": {
            "new": 3,
            "acknowledged": 1,
            "resolved": 0,
            # Breakdowns count `new` findings only: the acknowledged CA modification is not in them.
            "byChangeType": {"added": 1, "modified": 1, "removed": 1},
            "byPolicyType": {CA: 1, SC: 1, SCRIPT: 1},
            "bySeverity": {"high": 3, "low": 0, "medium": 0},
            "byActor": {},
        },
        "coverage": {"complete": [CA, SCRIPT, SC], "failed": []},
    }


def test_a_triage_change_moves_the_counts_without_a_recount() -> None:
    store, comparison = _tenant_story()
    summary = _summary(findings=store.findings.values(), coverage=comparison.coverage())
    fid = next(f["id"] for f in store.findings.values() if f["subjectId"] == "s-1")
    before = store.findings[fid]
    state, _ = acknowledge(before, "tech@msp.example", None, "2026-02-01T10:00:00Z")
    updated = apply_status_change(summary, "new", "acknowledged", state, before)
    store.findings[fid] = dict(state)
    assert updated["counts"] == count_findings(store.findings.values())
    assert updated["counts"]["byPolicyType"] == {CA: 1, SC: 1}  # a type with no new finding left is dropped
    assert updated["counts"]["byChangeType"]["added"] == 0  # fixed keys stay, at zero
    assert summary["counts"]["new"] == 3  # the input summary is not changed


def test_a_finding_appearing_or_changing_severity_while_new_moves_the_breakdowns() -> None:
    summary = _summary()
    low = {"id": "f", "status": "new", "changeType": "modified", "policyType": SC, "severity": "low"}
    high = dict(low, severity="high")
    created = apply_status_change(summary, None, "new", low)
    assert created["counts"]["bySeverity"] == {"high": 0, "low": 1, "medium": 0}
    escalated = apply_status_change(created, "new", "new", high, low)
    assert escalated["counts"] == count_findings([high])
    gone = apply_status_change(escalated, "new", None, high)
    assert gone["counts"] == empty_counts()


def test_refreshing_for_a_new_run_keeps_the_counts_and_renews_state_and_coverage() -> None:
    store, comparison = _tenant_story()
    summary = _summary(findings=store.findings.values(), baseline=None, current=_current(1))
    assert summary["state"] == "blocked"
    refreshed = refresh_summary(summary, baseline=_baseline(1), current=_current(2), coverage=comparison.coverage())
    assert refreshed["state"] == "ready" and refreshed["reason"] is None
    assert refreshed["counts"] == summary["counts"] and refreshed["counts"] is not summary["counts"]
    assert refreshed["coverage"]["complete"] == [CA, SCRIPT, SC]


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1), st.sampled_from(["rolling", "pinned"]))
def test_incremental_summaries_always_equal_a_recount(seed: int, mode: BaselineMode) -> None:
    rng = random.Random(seed)
    tenants = [random_tenant(rng)]
    for _ in range(6):
        tenants.append(drifted(rng, tenants[-1]))
    store = Store()
    summary = _summary(findings=[], baseline=None, current=_current(1))
    for i in range(1, len(tenants)):
        base = 0 if mode == "pinned" else i - 1
        comparison = compare(snapshot(base + 1, tenants[base]), snapshot(i + 1, tenants[i]))
        plan = store.plan(comparison, mode)
        store.write(plan)
        summary = apply_plan(
            refresh_summary(
                summary, baseline=_baseline(base + 1, mode), current=_current(i + 1), coverage=comparison.coverage()
            ),
            plan,
        )
        for fid in sorted(store.findings):
            finding = store.findings[fid]
            if finding["status"] == "new" and rng.random() < 0.3:
                state, _ = acknowledge(finding, "tech@msp.example", None, finished_at(i + 1))
                summary = apply_status_change(summary, "new", "acknowledged", state, finding)
                store.findings[fid] = dict(state)
        assert summary["counts"] == count_findings(store.findings.values())
        assert summary["state"] == "ready"


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1), st.sampled_from(["rolling", "pinned"]), st.integers(1, 7))
def test_deltas_folded_in_any_grouping_and_order_equal_a_recount(seed: int, mode: BaselineMode, group: int) -> None:
    """What the shell does: one signed delta per transaction of `group` findings, folded later, in
    any order, with acknowledgements' deltas in between."""
    rng = random.Random(seed)
    tenants = [random_tenant(rng)]
    for _ in range(5):
        tenants.append(drifted(rng, tenants[-1]))
    store = Store()
    counts = empty_counts()
    for i in range(1, len(tenants)):
        base = 0 if mode == "pinned" else i - 1
        plan = store.plan(compare(snapshot(base + 1, tenants[base]), snapshot(i + 1, tenants[i])), mode)
        store.write(plan)
        deltas = [plan_delta(plan.findings[k : k + group], plan.previous) for k in range(0, len(plan.findings), group)]
        for fid in sorted(store.findings):
            finding = store.findings[fid]
            if finding["status"] == "new" and rng.random() < 0.3:
                state, _ = acknowledge(finding, "tech@msp.example", None, finished_at(i + 1))
                deltas.append(status_delta("new", "acknowledged", state, finding))
                store.findings[fid] = dict(state)
        rng.shuffle(deltas)
        for delta in deltas:
            counts = add_counts(counts, delta)
        assert clamp_counts(counts) == counts == count_findings(store.findings.values())


def test_an_empty_plan_moves_nothing_and_deltas_sum_exactly_in_any_order() -> None:
    assert is_zero(plan_delta([], {}))
    finding = {"id": "f", "status": "new", "changeType": "added", "severity": "high", "policyType": CA}
    delta = status_delta("new", None, finding)
    assert not is_zero(delta) and delta["new"] == -1 and delta["byPolicyType"] == {CA: -1}
    # Folded before the delta that created the finding, a removal goes below zero; shown, it is zero.
    ledger = add_counts(empty_counts(), delta)
    assert ledger["new"] == -1 and clamp_counts(ledger) == empty_counts()
    assert add_counts(ledger, status_delta(None, "new", finding)) == empty_counts()
