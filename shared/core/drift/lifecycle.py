"""Finding lifecycle and triage history (pure, DESIGN §5): a comparison and the stored findings in, a plan out.

Statuses are `new`, `acknowledged` and `resolved`. Both baseline modes treat a finding the same way
when its comparison reports it: first seen → `new` (`detected`); seen again in a later run → last
seen and count updated; `acknowledged` but its content hash differs from the one acknowledged →
`new` again (`reopened`); `resolved` → `new` again (`reopened`). The modes differ only for a stored
finding the comparison no longer reports:

- rolling: nothing happens. Every comparison has its own findings (ids include the baseline run),
  each a change event that stays open until triaged. Two comparisons share ids only when they share
  a baseline (a partial run in between is never a baseline); they then behave as above.
- pinned: an open finding is `resolved` automatically (the object matches the baseline again, or
  the deviation took another form, e.g. a modified object was then removed) — but only when its
  policy type is covered by the comparison; an uncovered type says nothing about the object.

Idempotence: a finding is only touched by a run later than the last run that evaluated it (run ids
sort by time), so a replayed or out-of-order comparison plans nothing. History event ids are
deterministic, hash(finding id, action, anchor), the anchor being the run for automatic events and
the run that opened the current open period for an acknowledgement. The shell writes each finding
together with its events in one transaction (create-only for events): a retry after a partial write
finds the written findings already evaluated by this run, plans nothing for them, and so writes no
event twice. Automatic events are stamped with the run's finish time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from shared.core.attribution import Attribution, changed_by
from shared.core.canonical import canonical_hash
from shared.core.drift.compare import Comparison
from shared.core.drift.models import Action, BaselineMode, HistoryEvent, Status, StoredFinding
from shared.errors import ConflictError, ValidationError

SYSTEM_ACTOR: Final = "system"
MAX_NOTE_LENGTH: Final = 2000
EVENT_ID_LENGTH: Final = 32
OPEN_STATUSES: Final[frozenset[str]] = frozenset({"new", "acknowledged"})

NOTE_REOPENED_CHANGED: Final = "The object changed again after it was acknowledged."
NOTE_REOPENED_RECURRED: Final = "The object deviates from the baseline again."
NOTE_RESOLVED: Final = "The deviation is gone: the object matches the baseline again."


@dataclass(frozen=True)
class LifecyclePlan:
    """What to persist for one comparison: new finding states and history events to append."""

    # Full new state of every finding this comparison creates or changes, sorted by id.
    findings: list[StoredFinding]
    # Events to write with their findings (each in its finding's transaction), sorted by finding id.
    events: list[HistoryEvent]
    # The stored record each changed finding had before, by id (absent for new findings); for ETags
    # and for keeping the summary current without a recount.
    previous: dict[str, Mapping[str, Any]]


def event_id(finding_id: str, action: str, anchor: str) -> str:
    """Deterministic id of a history event: the same transition always gets the same id."""
    return canonical_hash(["history", finding_id, action, anchor])[:EVENT_ID_LENGTH]


def _event(
    finding_id: str,
    action: Action,
    anchor: str,
    *,
    run_id: str | None,
    at: str,
    by: str,
    note: str | None,
    from_status: Status | None,
    to_status: Status,
) -> HistoryEvent:
    return HistoryEvent(
        id=event_id(finding_id, action, anchor),
        findingId=finding_id,
        runId=run_id,
        at=at,
        by=by,
        action=action,
        note=note,
        fromStatus=from_status,
        toStatus=to_status,
    )


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def _state(content: Mapping[str, Any], lifecycle: Mapping[str, Any], mode: BaselineMode) -> StoredFinding:
    """A full record: the finding fields from `content`, the lifecycle fields from `lifecycle`."""
    # Attribution stays with the finding for its life: the stored one wins over a newer comparison's.
    attribution = lifecycle.get("attribution") or content.get("attribution")
    last_run = str(lifecycle.get("lastSeenRunId") or content.get("currentRunId") or "")
    last_at = str(lifecycle.get("lastSeenAt") or "")
    first_run = str(lifecycle.get("firstSeenRunId") or last_run)
    return StoredFinding(
        id=str(content["id"]),
        tenantId=str(content.get("tenantId") or ""),
        scopeKey=str(content.get("scopeKey") or ""),
        policyType=str(content["policyType"]),
        subjectId=str(content["subjectId"]),
        displayName=str(content.get("displayName") or content["subjectId"]),
        changeType=content["changeType"],
        categories=list(content.get("categories") or []),
        changeSummary=_opt(content.get("changeSummary")),
        severity=content["severity"],
        changes=list(content.get("changes") or []),
        contentHash=str(content.get("contentHash") or ""),
        baselineRunId=str(content.get("baselineRunId") or ""),
        currentRunId=str(content.get("currentRunId") or last_run),
        baselineMode=mode,
        status=lifecycle.get("status") or "new",
        firstSeenRunId=first_run,
        firstSeenAt=str(lifecycle.get("firstSeenAt") or last_at),
        lastSeenRunId=last_run,
        lastSeenAt=last_at,
        seenCount=int(lifecycle.get("seenCount") or 0),
        openedRunId=str(lifecycle.get("openedRunId") or first_run),
        statusChangedAt=str(lifecycle.get("statusChangedAt") or last_at),
        acknowledgedBy=_opt(lifecycle.get("acknowledgedBy")),
        acknowledgedAt=_opt(lifecycle.get("acknowledgedAt")),
        acknowledgedNote=_opt(lifecycle.get("acknowledgedNote")),
        acknowledgedHash=_opt(lifecycle.get("acknowledgedHash")),
        resolvedRunId=_opt(lifecycle.get("resolvedRunId")),
        resolvedAt=_opt(lifecycle.get("resolvedAt")),
        attribution=attribution,
        changedBy=changed_by(attribution),
    )


def _set_status(state: StoredFinding, status: Status, at: str) -> None:
    """Change status and clear the fields that belong to the status left behind."""
    state["status"] = status
    state["statusChangedAt"] = at
    if status != "acknowledged":
        state["acknowledgedBy"] = state["acknowledgedAt"] = None
        state["acknowledgedNote"] = state["acknowledgedHash"] = None
    if status != "resolved":
        state["resolvedRunId"] = state["resolvedAt"] = None


def _evaluated_through(stored: Mapping[str, Any]) -> str:
    """The latest run that already decided this finding's state."""
    return max(str(stored.get("lastSeenRunId") or ""), str(stored.get("resolvedRunId") or ""))


def _detected(draft: Mapping[str, Any], mode: BaselineMode, run_id: str, at: str) -> tuple[StoredFinding, HistoryEvent]:
    state = _state(draft, {}, mode)
    state["firstSeenRunId"] = state["lastSeenRunId"] = state["openedRunId"] = run_id
    state["firstSeenAt"] = state["lastSeenAt"] = at
    state["seenCount"] = 1
    _set_status(state, "new", at)
    event = _event(
        draft["id"],
        "detected",
        run_id,
        run_id=run_id,
        at=at,
        by=SYSTEM_ACTOR,
        note=None,
        from_status=None,
        to_status="new",
    )
    return state, event


def _seen_again(
    draft: Mapping[str, Any], stored: Mapping[str, Any], mode: BaselineMode, run_id: str, at: str
) -> tuple[StoredFinding, HistoryEvent | None]:
    state = _state(draft, stored, mode)
    state["lastSeenRunId"] = run_id
    state["lastSeenAt"] = at
    state["seenCount"] = int(stored.get("seenCount") or 0) + 1
    before = state["status"]
    note: str | None = None
    if before == "resolved":
        note = NOTE_REOPENED_RECURRED
    elif before == "acknowledged":
        acknowledged_hash = stored.get("acknowledgedHash") or stored.get("contentHash")
        if draft["contentHash"] != acknowledged_hash:
            note = NOTE_REOPENED_CHANGED
    if note is None:
        return state, None
    state["openedRunId"] = run_id
    _set_status(state, "new", at)
    event = _event(
        draft["id"],
        "reopened",
        run_id,
        run_id=run_id,
        at=at,
        by=SYSTEM_ACTOR,
        note=note,
        from_status=before,
        to_status="new",
    )
    return state, event


def _resolved(
    stored: Mapping[str, Any], mode: BaselineMode, run_id: str, at: str
) -> tuple[StoredFinding, HistoryEvent]:
    state = _state(stored, stored, mode)
    before = state["status"]
    _set_status(state, "resolved", at)
    state["resolvedRunId"] = run_id
    state["resolvedAt"] = at
    event = _event(
        state["id"],
        "resolved",
        run_id,
        run_id=run_id,
        at=at,
        by=SYSTEM_ACTOR,
        note=NOTE_RESOLVED,
        from_status=before,
        to_status="resolved",
    )
    return state, event


def _may_resolve(stored: Mapping[str, Any], comparison: Comparison, covered: frozenset[str]) -> bool:
    return (
        stored.get("status") in OPEN_STATUSES
        and stored.get("baselineRunId") == comparison.baseline_run_id
        and stored.get("tenantId", comparison.tenant_id) == comparison.tenant_id
        and stored.get("scopeKey", comparison.scope_key) == comparison.scope_key
        and stored.get("policyType") in covered
    )


def plan_lifecycle(
    comparison: Comparison,
    *,
    mode: BaselineMode,
    existing: Iterable[Mapping[str, Any]],
    finished_at: str,
    attributions: Mapping[str, Attribution] | None = None,
) -> LifecyclePlan:
    """The finding states and history events one comparison leads to, given the stored findings of
    this tenant, scope and baseline; `finished_at` is the current run's finish time; `attributions`
    (by finding id, DESIGN §12) go with findings this comparison creates, and with stored findings
    that have none yet."""
    run_id = comparison.current_run_id
    stored_by_id = {str(f["id"]): f for f in existing}
    given = attributions or {}
    drafts: dict[str, Mapping[str, Any]] = {
        d["id"]: {**d, "attribution": given[d["id"]]} if d["id"] in given else d for d in comparison.findings
    }
    findings: list[StoredFinding] = []
    events: list[HistoryEvent] = []
    previous: dict[str, Mapping[str, Any]] = {}

    for fid in sorted(drafts):
        stored = stored_by_id.get(fid)
        event: HistoryEvent | None
        if stored is None:
            state, event = _detected(drafts[fid], mode, run_id, finished_at)
        elif run_id <= _evaluated_through(stored):
            continue  # replayed or out-of-order comparison: this run's word is already in
        else:
            state, event = _seen_again(drafts[fid], stored, mode, run_id, finished_at)
            previous[fid] = stored
        findings.append(state)
        if event is not None:
            events.append(event)

    if mode == "pinned":
        covered = frozenset(comparison.covered)
        for fid in sorted(stored_by_id.keys() - drafts.keys()):
            stored = stored_by_id[fid]
            if not _may_resolve(stored, comparison, covered) or run_id <= _evaluated_through(stored):
                continue
            state, resolved_event = _resolved(stored, mode, run_id, finished_at)
            findings.append(state)
            events.append(resolved_event)
            previous[fid] = stored

    findings.sort(key=lambda f: f["id"])
    events.sort(key=lambda e: (e["findingId"], e["id"]))
    return LifecyclePlan(findings=findings, events=events, previous=previous)


def _clean_note(note: str | None) -> str | None:
    if note is None:
        return None
    text = note.strip()
    if len(text) > MAX_NOTE_LENGTH:
        raise ValidationError(f"note is longer than {MAX_NOTE_LENGTH} characters", "note_too_long")
    return text or None


def acknowledge(
    finding: Mapping[str, Any], by: str, note: str | None, at: str
) -> tuple[StoredFinding, HistoryEvent | None]:
    """Acknowledge an open finding; acknowledging an acknowledged one is a no-op (no event)."""
    mode: BaselineMode = finding.get("baselineMode") or "rolling"
    state = _state(finding, finding, mode)
    if state["status"] == "acknowledged":
        return state, None
    if state["status"] == "resolved":
        raise ConflictError("A resolved finding cannot be acknowledged", "finding_resolved")
    actor = by.strip()
    if not actor:
        raise ValidationError("An acknowledgement needs the identity of who acknowledges", "actor_required")
    text = _clean_note(note)
    before = state["status"]
    _set_status(state, "acknowledged", at)
    state["acknowledgedBy"] = actor
    state["acknowledgedAt"] = at
    state["acknowledgedNote"] = text
    state["acknowledgedHash"] = state["contentHash"]
    event = _event(
        state["id"],
        "acknowledged",
        state["openedRunId"],
        run_id=state["lastSeenRunId"] or None,
        at=at,
        by=actor,
        note=text,
        from_status=before,
        to_status="acknowledged",
    )
    return state, event
