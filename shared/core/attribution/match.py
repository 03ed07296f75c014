"""Who changed it (pure, DESIGN §12): a snapshot's `audit` section and a finding's window in, its
`attribution` out.

The `audit` section of a snapshot (built by `audit_section`, documented in docs/snapshot-schema.md):

    {"since": "…Z" | null,          # events were read from this time on (null: not read)
     "readAt": "…Z" | null,         # when the logs were read
     "pendingSince": "…Z" | null,   # earliest window of a pending finding the scan knew of
     "sources": {"intune"|"entra": {"status": "complete"|"failed"|"notRead", "errorCode": str|null}},
     "events": [AuditEvent, …]}     # both sources, (time, id) order

A finding's window is (its baseline run's start, its current run's start): an event matches when it
names the finding's object and happened strictly inside it. With matches the finding is
`attributed` (events newest first, at most MAX_EVENTS); without, `pending` until logs read at least
`latency_minutes` after the window closed say nothing either (`unattributed`). A source the scan
could not read for want of permission gives `unavailable` (`forbidden`); one it could not read for
another reason leaves the finding `pending` (a later scan tries again).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Final, Literal, TypedDict

from shared.core.attribution.events import SOURCES, AuditEvent, AuditSource, audit_source
from shared.core.clock import iso

AttributionState = Literal["attributed", "pending", "unattributed", "unavailable"]
SourceStatus = Literal["complete", "failed", "notRead"]
MAX_EVENTS: Final = 20

REASON_AWAITING: Final = "awaiting_audit_log"
REASON_NO_EVENT: Final = "no_matching_event"
REASON_NOT_READ: Final = "audit_not_read"
REASON_FORBIDDEN: Final = "forbidden"


class Window(TypedDict):
    """When the change happened: after the baseline run started, before the current run started."""

    after: str
    before: str


class Attribution(TypedDict):
    """What a finding says about who made its change (DESIGN §12), and the window it was matched in."""

    state: AttributionState
    reason: str | None
    events: list[dict[str, Any]]
    window: Window


class SourceRead(TypedDict):
    """How reading one audit log went."""

    status: SourceStatus
    errorCode: str | None


def source_read(status: SourceStatus, error_code: str | None = None) -> SourceRead:
    return SourceRead(status=status, errorCode=error_code)


def audit_section(
    *,
    since: str | None,
    read_at: str | None,
    pending_since: str | None,
    sources: Mapping[str, SourceRead],
    events: Iterable[AuditEvent],
) -> dict[str, Any]:
    """The snapshot's `audit` section: every source named (unread ones as `notRead`)."""
    return {
        "since": since,
        "readAt": read_at,
        "pendingSince": pending_since,
        "sources": {s: dict(sources.get(s) or source_read("notRead")) for s in SOURCES},
        "events": sorted(events, key=lambda e: (e["at"], e["source"], e["id"])),
    }


def _parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


def window_closed_for(window_end: str, latency_minutes: int) -> str:
    """The time from which logs that name no event for a window settle it as `unattributed`."""
    return iso(_parse(window_end) + timedelta(minutes=latency_minutes))


class AuditIndex:
    """The events of one snapshot's `audit` section by the object ids they name (built once per
    detection, then asked once per finding)."""

    def __init__(self, section: Mapping[str, Any] | None) -> None:
        self.section: Mapping[str, Any] = section or {}
        self._by_id: dict[str, list[Mapping[str, Any]]] = {}
        for event in self.section.get("events") or []:
            for resource in event.get("resources") or []:
                rid = str(resource.get("id") or "").lower()
                if rid:
                    self._by_id.setdefault(rid, []).append(event)

    def status(self, source: AuditSource) -> SourceRead:
        found = (self.section.get("sources") or {}).get(source)
        if not isinstance(found, Mapping):
            return source_read("notRead")
        return source_read(found.get("status") or "notRead", found.get("errorCode"))

    def matches(self, source: AuditSource, subject_id: str, after: str, before: str) -> list[Mapping[str, Any]]:
        """Events of `source` naming `subject_id` strictly between `after` and `before`, newest first."""
        found = [
            e
            for e in self._by_id.get(subject_id.lower(), [])
            if e.get("source") == source and after < str(e.get("at")) < before
        ]
        return sorted(found, key=lambda e: (str(e.get("at")), str(e.get("id"))), reverse=True)

    def attribute(
        self, policy_type: str, subject_id: str, window_start: str, window_end: str, latency_minutes: int
    ) -> Attribution:
        """The attribution of one finding whose change happened inside (window_start, window_end)."""
        source = audit_source(policy_type)
        read = self.status(source)
        window = Window(after=window_start, before=window_end)

        def said(
            state: AttributionState, reason: str | None, events: list[dict[str, Any]] | None = None
        ) -> Attribution:
            return Attribution(state=state, reason=reason, events=events or [], window=window)

        if read["status"] == "notRead":
            return said("unavailable", REASON_NOT_READ)
        if read["status"] == "failed":
            if read["errorCode"] == REASON_FORBIDDEN:
                return said("unavailable", REASON_FORBIDDEN)
            return said("pending", read["errorCode"] or REASON_AWAITING)
        events = self.matches(source, subject_id, window_start, window_end)
        if events:
            return said("attributed", None, [_public(e) for e in events[:MAX_EVENTS]])
        read_at = str(self.section.get("readAt") or "")
        if read_at >= window_closed_for(window_end, latency_minutes):
            return said("unattributed", REASON_NO_EVENT)
        return said("pending", REASON_AWAITING)


def _public(event: Mapping[str, Any]) -> dict[str, Any]:
    """One event as a finding carries it (§12's shape: no resources)."""
    actor = event.get("actor") or {}
    return {
        "source": event.get("source"),
        "id": event.get("id"),
        "activity": event.get("activity"),
        "at": event.get("at"),
        "actor": {
            k: actor.get(k)
            for k in ("type", "userPrincipalName", "userId", "applicationId", "applicationDisplayName", "ipAddress")
        },
    }


def changed_by(attribution: Mapping[str, Any] | None) -> str | None:
    """The list's `changedBy`: the newest event's user principal name or application name, else None."""
    events: Sequence[Mapping[str, Any]] = (attribution or {}).get("events") or []
    if not events:
        return None
    actor = events[0].get("actor") or {}
    return actor.get("userPrincipalName") or actor.get("applicationDisplayName") or actor.get("applicationId")


def attribution_fields(attribution: Mapping[str, Any] | None) -> dict[str, Any]:
    """The flat fields a finding list shows beside its attribution: who (`changedBy`), when
    (`changedAt`), from where (`changedFromIp`), with which app (`changedWithApp`) and the state."""
    events: Sequence[Mapping[str, Any]] = (attribution or {}).get("events") or []
    newest: Mapping[str, Any] = events[0] if events else {}
    actor: Mapping[str, Any] = newest.get("actor") or {}
    return {
        "changedBy": changed_by(attribution),
        "changedAt": newest.get("at"),
        "changedFromIp": actor.get("ipAddress"),
        "changedWithApp": actor.get("applicationDisplayName"),
        "attributionState": (attribution or {}).get("state"),
    }


class PendingMark(TypedDict):
    """A finding still waiting for the audit logs: what a later scan needs to settle it."""

    findingId: str
    policyType: str
    subjectId: str
    windowStart: str
    windowEnd: str


def attribute_findings(
    findings: Iterable[Mapping[str, Any]], index: AuditIndex, window_start: str, window_end: str, latency_minutes: int
) -> dict[str, Attribution]:
    """The attribution of every finding of one comparison (by finding id): one window for all."""
    return {
        str(f["id"]): index.attribute(
            str(f["policyType"]), str(f["subjectId"]), window_start, window_end, latency_minutes
        )
        for f in findings
    }


def settle_pending(
    marks: Iterable[PendingMark], index: AuditIndex, latency_minutes: int
) -> list[tuple[PendingMark, Attribution]]:
    """Pending findings of earlier comparisons that this snapshot's logs settle, each matched
    against its own window; a source this scan did not read leaves them waiting."""
    settled: list[tuple[PendingMark, Attribution]] = []
    for mark in sorted(marks, key=lambda m: m["findingId"]):
        if index.status(audit_source(mark["policyType"]))["status"] == "notRead":
            continue
        attribution = index.attribute(
            mark["policyType"], mark["subjectId"], mark["windowStart"], mark["windowEnd"], latency_minutes
        )
        if attribution["state"] != "pending":
            settled.append((mark, attribution))
    return settled
