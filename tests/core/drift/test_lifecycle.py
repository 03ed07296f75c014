"""Finding lifecycle and history: every transition in rolling and pinned mode, and idempotent replay."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from shared.core.drift import (
    MAX_NOTE_LENGTH,
    SYSTEM_ACTOR,
    BaselineMode,
    acknowledge,
    event_id,
    plan_lifecycle,
)
from shared.core.drift.lifecycle import NOTE_REOPENED_CHANGED, NOTE_REOPENED_RECURRED, NOTE_RESOLVED
from shared.errors import ConflictError, ValidationError
from tests.core.drift.fixtures import Store, ca_policy, compare, defender_policy, finished_at, run_id, snapshot

SC = "settingsCatalogPolicy"
CA = "conditionalAccessPolicy"


def snap(
    n: int, realtime: int = 1, *, ca_state: str = "enabled", sc_failed: bool = False, defender: bool = True
) -> dict[str, Any]:
    """Run `n` of a tenant with one Defender policy and one CA policy."""
    items: dict[str, list[dict[str, Any]]] = {CA: [ca_policy("ca-1", "Require MFA", state=ca_state)]}
    if not sc_failed:
        items[SC] = [defender_policy(realtime)] if defender else []
    return snapshot(n, items, failed={SC: "throttled"} if sc_failed else None)


# ---- first detection and replay ------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["rolling", "pinned"])
def test_a_first_comparison_detects_new_findings_with_one_detected_event_each(mode: BaselineMode) -> None:
    comparison = compare(snap(1), snap(2, realtime=2, ca_state="disabled"))
    plan = plan_lifecycle(comparison, mode=mode, existing=[], finished_at=finished_at(2))
    assert [f["id"] for f in plan.findings] == sorted(d["id"] for d in comparison.findings)
    assert len(plan.findings) == 2 and plan.previous == {}
    for finding in plan.findings:
        assert finding["status"] == "new"
        assert finding["baselineMode"] == mode
        assert (finding["firstSeenRunId"], finding["lastSeenRunId"], finding["openedRunId"]) == (run_id(2),) * 3
        assert finding["firstSeenAt"] == finding["lastSeenAt"] == finding["statusChangedAt"] == finished_at(2)
        assert finding["seenCount"] == 1
        assert finding["acknowledgedBy"] is None and finding["resolvedRunId"] is None
    assert plan.events == [
        {
            "id": event_id(f["id"], "detected", run_id(2)),
            "findingId": f["id"],
            "runId": run_id(2),
            "at": finished_at(2),
            "by": SYSTEM_ACTOR,
            "action": "detected",
            "note": None,
            "fromStatus": None,
            "toStatus": "new",
        }
        for f in plan.findings
    ]


@pytest.mark.parametrize("mode", ["rolling", "pinned"])
def test_replaying_the_same_comparison_plans_nothing(mode: BaselineMode) -> None:
    store = Store()
    comparison = compare(snap(1), snap(2, realtime=2, ca_state="disabled"))
    store.step(comparison, mode)
    before = copy.deepcopy(store.findings)
    replay = store.step(compare(snap(1), snap(2, realtime=2, ca_state="disabled")), mode)
    assert replay.findings == [] and replay.events == []
    assert store.findings == before and store.appended == 2


def test_a_retry_after_a_partial_write_appends_no_event_twice() -> None:
    comparison = compare(snap(1), snap(2, realtime=2))
    store = Store()
    first = store.plan(comparison, "rolling")
    # The shell appended the events, then died before writing the findings; the message is retried.
    for event in first.events:
        store.history[event["id"]] = dict(event)
    retry = store.plan(comparison, "rolling")
    assert retry == first
    store.write(retry)
    assert store.appended == 0 and len(store.history) == 1 and len(store.findings) == 1


def test_the_plan_never_mutates_its_inputs() -> None:
    store = Store()
    store.step(compare(snap(1), snap(2, realtime=2)), "pinned")
    comparison = compare(snap(1), snap(3, realtime=1))
    existing = store.existing(comparison)
    frozen_existing, frozen_drafts = copy.deepcopy(existing), copy.deepcopy(comparison.findings)
    plan_lifecycle(comparison, mode="pinned", existing=existing, finished_at=finished_at(3))
    assert existing == frozen_existing and comparison.findings == frozen_drafts


# ---- rolling -------------------------------------------------------------------------------------


def test_rolling_every_comparison_has_its_own_findings_and_old_ones_stay_open() -> None:
    store = Store()
    store.step(compare(snap(1), snap(2, realtime=2)), "rolling")
    first = store.one(SC)
    # Run 3 equals run 2, its rolling baseline: no drift, and the earlier finding is not resolved.
    quiet = plan_lifecycle(
        compare(snap(2, realtime=2), snap(3, realtime=2)),
        mode="rolling",
        existing=list(store.findings.values()),
        finished_at=finished_at(3),
    )
    assert quiet.findings == [] and quiet.events == []
    # Run 4 changes the same setting again: a new change event with its own id, the old one untouched.
    store.step(compare(snap(3, realtime=2), snap(4, realtime=3)), "rolling")
    assert len(store.findings) == 2
    second = next(f for f in store.findings.values() if f["id"] != first["id"])
    assert second["baselineRunId"] == run_id(3) and second["status"] == "new"
    assert store.findings[first["id"]] == first


def test_rolling_two_comparisons_sharing_a_baseline_update_the_same_finding() -> None:
    store = Store()
    # Run 2 is partial (settings catalog throttled): it is never a baseline, so run 3 compares with run 1 again.
    store.step(compare(snap(1), snap(2, ca_state="disabled", sc_failed=True)), "rolling")
    ca_finding = store.one(CA)
    plan = store.step(compare(snap(1), snap(3, realtime=2, ca_state="disabled")), "rolling")
    updated = store.findings[ca_finding["id"]]
    assert (
        updated["seenCount"] == 2 and updated["lastSeenRunId"] == run_id(3) and updated["lastSeenAt"] == finished_at(3)
    )
    assert updated["firstSeenRunId"] == run_id(2) and updated["status"] == "new"
    assert plan.previous[ca_finding["id"]]["seenCount"] == 1
    assert [e["action"] for e in plan.events] == ["detected"]  # only the settings catalog finding is new
    assert store.one(SC)["firstSeenRunId"] == run_id(3)


def test_rolling_never_resolves_a_finding_that_is_gone() -> None:
    store = Store()
    store.step(compare(snap(1), snap(2, ca_state="disabled", sc_failed=True)), "rolling")
    plan = store.step(compare(snap(1), snap(3)), "rolling")
    assert plan.findings == [] and plan.events == []
    assert store.one(CA)["status"] == "new"


def test_rolling_an_acknowledged_finding_that_changes_again_reopens() -> None:
    store = Store()
    # Runs 2 and 4 both compare with run 1 (run 3 was partial, never a baseline): one finding id.
    store.step(compare(snap(1), snap(2, realtime=2)), "rolling")
    fid = store.one(SC)["id"]
    store.ack(fid, at=finished_at(3))
    plan = store.step(compare(snap(1), snap(4, realtime=3)), "rolling")
    assert store.findings[fid]["status"] == "new"
    assert [(e["action"], e["fromStatus"]) for e in plan.events] == [("reopened", "acknowledged")]
    assert store.actions(fid) == ["detected", "acknowledged", "reopened"]


def test_an_out_of_order_comparison_changes_nothing() -> None:
    store = Store()
    store.step(compare(snap(1), snap(3, realtime=2)), "pinned")
    late = store.step(compare(snap(1), snap(2, realtime=1)), "pinned")  # older run processed late
    assert late.findings == [] and late.events == []
    assert store.one(SC)["status"] == "new" and store.one(SC)["lastSeenRunId"] == run_id(3)


# ---- pinned --------------------------------------------------------------------------------------


def test_pinned_the_same_deviation_recurs_under_the_same_id() -> None:
    store = Store()
    store.step(compare(snap(1), snap(2, realtime=2)), "pinned")
    fid = store.one(SC)["id"]
    plan = store.step(compare(snap(1), snap(3, realtime=2)), "pinned")
    finding = store.findings[fid]
    assert [f["id"] for f in plan.findings] == [fid] and plan.events == []
    assert finding["status"] == "new" and finding["seenCount"] == 2
    assert (finding["firstSeenRunId"], finding["lastSeenRunId"]) == (run_id(2), run_id(3))
    assert (finding["firstSeenAt"], finding["lastSeenAt"]) == (finished_at(2), finished_at(3))
    assert finding["currentRunId"] == run_id(3)


def test_pinned_an_acknowledged_finding_that_does_not_change_stays_acknowledged() -> None:
    store = Store()
    store.step(compare(snap(1), snap(2, realtime=2)), "pinned")
    fid = store.one(SC)["id"]
    store.ack(fid, note="planned change")
    plan = store.step(compare(snap(1), snap(3, realtime=2)), "pinned")
    finding = store.findings[fid]
    assert plan.events == []
    assert finding["status"] == "acknowledged" and finding["acknowledgedNote"] == "planned change"
    assert finding["seenCount"] == 2 and finding["lastSeenRunId"] == run_id(3)


def test_pinned_an_acknowledged_finding_whose_object_changes_again_is_reopened() -> None:
    store = Store()
    store.step(compare(snap(1), snap(2, realtime=2)), "pinned")
    fid = store.one(SC)["id"]
    store.ack(fid)
    plan = store.step(compare(snap(1), snap(3, realtime=3)), "pinned")
    finding = store.findings[fid]
    assert finding["status"] == "new" and finding["openedRunId"] == run_id(3)
    assert finding["acknowledgedBy"] is None and finding["acknowledgedHash"] is None
    assert finding["changes"][0]["after"] == 3
    assert finding["contentHash"] == snap(3, realtime=3)["types"][SC]["items"][0]["hash"]
    assert plan.events == [
        {
            "id": event_id(fid, "reopened", run_id(3)),
            "findingId": fid,
            "runId": run_id(3),
            "at": finished_at(3),
            "by": SYSTEM_ACTOR,
            "action": "reopened",
            "note": NOTE_REOPENED_CHANGED,
            "fromStatus": "acknowledged",
            "toStatus": "new",
        }
    ]


@pytest.mark.parametrize("acknowledged", [False, True])
def test_pinned_a_finding_whose_object_matches_the_baseline_again_is_resolved(acknowledged: bool) -> None:
    store = Store()
    store.step(compare(snap(1), snap(2, realtime=2)), "pinned")
    fid = store.one(SC)["id"]
    if acknowledged:
        store.ack(fid)
    plan = store.step(compare(snap(1), snap(3, realtime=1)), "pinned")
    finding = store.findings[fid]
    assert finding["status"] == "resolved"
    assert (finding["resolvedRunId"], finding["resolvedAt"]) == (run_id(3), finished_at(3))
    assert finding["lastSeenRunId"] == run_id(2) and finding["seenCount"] == 1
    assert finding["acknowledgedBy"] is None
    assert plan.previous[fid]["status"] == ("acknowledged" if acknowledged else "new")
    [event] = plan.events
    assert (event["action"], event["fromStatus"], event["toStatus"], event["note"]) == (
        "resolved",
        "acknowledged" if acknowledged else "new",
        "resolved",
        NOTE_RESOLVED,
    )
    assert event["id"] == event_id(fid, "resolved", run_id(3))
    # Still matching the baseline later: nothing more to write.
    later = store.step(compare(snap(1), snap(4, realtime=1)), "pinned")
    assert later.findings == [] and later.events == []


def test_pinned_a_resolved_finding_that_deviates_again_is_reopened() -> None:
    store = Store()
    store.step(compare(snap(1), snap(2, realtime=2)), "pinned")
    fid = store.one(SC)["id"]
    store.step(compare(snap(1), snap(3, realtime=1)), "pinned")
    plan = store.step(compare(snap(1), snap(4, realtime=2)), "pinned")
    finding = store.findings[fid]
    assert finding["status"] == "new" and finding["resolvedRunId"] is None and finding["resolvedAt"] is None
    assert finding["seenCount"] == 2 and finding["openedRunId"] == run_id(4) and finding["firstSeenRunId"] == run_id(2)
    [event] = plan.events
    assert (event["action"], event["fromStatus"], event["note"]) == ("reopened", "resolved", NOTE_REOPENED_RECURRED)


def test_pinned_a_finding_of_a_type_not_covered_now_is_not_resolved() -> None:
    store = Store()
    store.step(compare(snap(1), snap(2, realtime=2)), "pinned")
    plan = store.step(compare(snap(1), snap(3, sc_failed=True)), "pinned")
    assert plan.findings == [] and plan.events == []
    assert store.one(SC)["status"] == "new"


def test_pinned_a_modified_object_that_is_then_deleted_resolves_the_modification_and_opens_a_removal() -> None:
    store = Store()
    store.step(compare(snap(1), snap(2, realtime=2)), "pinned")
    modified = store.one(SC)["id"]
    plan = store.step(compare(snap(1), snap(3, defender=False)), "pinned")
    assert sorted(e["action"] for e in plan.events) == ["detected", "resolved"]
    assert store.findings[modified]["status"] == "resolved"
    [removed] = [f for f in store.findings.values() if f["changeType"] == "removed"]
    assert removed["status"] == "new" and removed["displayName"] == "Defender AV"


def test_pinned_a_whole_story_keeps_a_complete_history_that_replays_to_nothing() -> None:
    store = Store()
    # (run, value of the setting); the baseline (run 1) has 1. Acknowledgements fall between runs.
    story = [(10, 2), (20, 2), (30, 3), (40, 3), (50, 1), (60, 1), (70, 2)]
    acks = {20: "first look", 40: "accepted"}
    for n, value in story:
        store.step(compare(snap(1), snap(n, realtime=value)), "pinned")
        replay = store.plan(compare(snap(1), snap(n, realtime=value)), "pinned")
        assert replay.findings == [] and replay.events == []
        if n in acks:
            store.ack(store.one(SC)["id"], note=acks[n], at=finished_at(n + 5))
    fid = store.one(SC)["id"]
    assert store.actions(fid) == ["detected", "acknowledged", "reopened", "acknowledged", "resolved", "reopened"]
    assert len({e["id"] for e in store.history.values()}) == len(store.history) == 6
    finding = store.findings[fid]
    assert finding["status"] == "new" and finding["seenCount"] == 5 and finding["lastSeenRunId"] == run_id(70)


# ---- acknowledge ---------------------------------------------------------------------------------


def _new_finding() -> dict[str, Any]:
    store = Store()
    store.step(compare(snap(1), snap(2, realtime=2)), "pinned")
    return store.one(SC)


def test_acknowledging_records_who_when_why_and_the_acknowledged_content() -> None:
    finding = _new_finding()
    original = copy.deepcopy(finding)
    state, event = acknowledge(finding, "  tech@msp.example ", "  change ticket 4711 ", "2026-02-01T10:00:00Z")
    assert finding == original
    assert state["status"] == "acknowledged"
    assert (state["acknowledgedBy"], state["acknowledgedAt"], state["acknowledgedNote"]) == (
        "tech@msp.example",
        "2026-02-01T10:00:00Z",
        "change ticket 4711",
    )
    assert state["acknowledgedHash"] == finding["contentHash"] and state["statusChangedAt"] == "2026-02-01T10:00:00Z"
    assert {
        k: v for k, v in state.items() if not k.startswith("acknowledged") and k not in ("status", "statusChangedAt")
    } == {
        k: v for k, v in finding.items() if not k.startswith("acknowledged") and k not in ("status", "statusChangedAt")
    }
    assert event == {
        "id": event_id(finding["id"], "acknowledged", run_id(2)),
        "findingId": finding["id"],
        "runId": run_id(2),
        "at": "2026-02-01T10:00:00Z",
        "by": "tech@msp.example",
        "action": "acknowledged",
        "note": "change ticket 4711",
        "fromStatus": "new",
        "toStatus": "acknowledged",
    }


def test_acknowledging_an_acknowledged_finding_is_a_no_op() -> None:
    state, _ = acknowledge(_new_finding(), "a@msp.example", "first", "2026-02-01T10:00:00Z")
    again, event = acknowledge(state, "b@msp.example", "second", "2026-02-02T10:00:00Z")
    assert event is None and again == state


def test_a_blank_note_is_no_note_and_a_long_note_or_no_actor_is_refused() -> None:
    state, event = acknowledge(_new_finding(), "a@msp.example", "   ", "2026-02-01T10:00:00Z")
    assert state["acknowledgedNote"] is None and event is not None and event["note"] is None
    with pytest.raises(ValidationError) as long_note:
        acknowledge(_new_finding(), "a@msp.example", "x" * (MAX_NOTE_LENGTH + 1), "2026-02-01T10:00:00Z")
    assert long_note.value.code == "note_too_long"
    with pytest.raises(ValidationError) as nobody:
        acknowledge(_new_finding(), "  ", None, "2026-02-01T10:00:00Z")
    assert nobody.value.code == "actor_required"


def test_a_resolved_finding_cannot_be_acknowledged() -> None:
    store = Store()
    store.step(compare(snap(1), snap(2, realtime=2)), "pinned")
    store.step(compare(snap(1), snap(3, realtime=1)), "pinned")
    with pytest.raises(ConflictError) as error:
        acknowledge(store.one(SC), "a@msp.example", None, "2026-02-01T10:00:00Z")
    assert error.value.code == "finding_resolved"


def test_each_open_period_gets_its_own_acknowledgement_event() -> None:
    store = Store()
    store.step(compare(snap(1), snap(2, realtime=2)), "pinned")
    fid = store.one(SC)["id"]
    _, first = acknowledge(store.findings[fid], "a@msp.example", None, "2026-02-01T10:00:00Z")
    store.ack(fid)
    store.step(compare(snap(1), snap(3, realtime=3)), "pinned")  # reopened
    _, second = acknowledge(store.findings[fid], "a@msp.example", None, "2026-02-01T10:00:00Z")
    assert first is not None and second is not None and first["id"] != second["id"]
    assert second["id"] == event_id(fid, "acknowledged", run_id(3))


def _said(state: str, who: str | None = None) -> dict[str, Any]:
    events = [
        {"source": "intune", "id": f"e-{who}", "activity": "Patch", "at": "t", "actor": {"userPrincipalName": who}}
    ]
    return {"state": state, "reason": None, "events": events if who else [], "window": {"after": "a", "before": "b"}}


def test_attribution_goes_with_a_new_finding_and_stays_with_it_through_its_life() -> None:
    store = Store()
    first = compare(snap(1), snap(2, realtime=2))
    (draft,) = [d for d in first.findings if d["policyType"] == SC]
    run = int(first.current_run_id.split("-")[1], 16)
    plan = plan_lifecycle(
        first,
        mode="pinned",
        existing=[],
        finished_at=finished_at(run),
        attributions={draft["id"]: _said("attributed", "alice@x")},
    )
    store.write(plan)
    finding = store.findings[draft["id"]]
    assert finding["attribution"]["events"][0]["actor"]["userPrincipalName"] == "alice@x"  # type: ignore[index]
    assert finding["changedBy"] == "alice@x"
    # Seen again by a later comparison whose logs name someone else (or nobody): the finding keeps its own.
    later = compare(snap(1), snap(3, realtime=3))
    plan = plan_lifecycle(
        later, mode="pinned", existing=store.existing(later), finished_at=finished_at(3),
        attributions={draft["id"]: _said("unattributed")},
    )  # fmt: skip
    store.write(plan)
    assert store.findings[draft["id"]]["changedBy"] == "alice@x"
    store.ack(draft["id"], note="seen")
    assert store.findings[draft["id"]]["changedBy"] == "alice@x"
    # Resolved when the object matches the baseline again: still who made the change.
    store.step(compare(snap(1), snap(4)), "pinned")
    assert store.findings[draft["id"]]["status"] == "resolved"
    assert store.findings[draft["id"]]["attribution"]["state"] == "attributed"  # type: ignore[index]
