"""Shapes of the drift core (DESIGN §5): plain JSON-ready TypedDicts and the words they use."""

from __future__ import annotations

from typing import Any, Final, Literal, TypedDict

from shared.core.attribution import Attribution
from shared.core.contracts.model import Severity

ChangeType = Literal["added", "removed", "modified"]
Category = Literal["settings", "assignments", "metadata"]
Status = Literal["new", "acknowledged", "resolved"]
BaselineMode = Literal["rolling", "pinned"]
Action = Literal["detected", "reopened", "resolved", "acknowledged"]
SummaryState = Literal["ready", "blocked", "error"]

CHANGE_TYPES: Final[tuple[ChangeType, ...]] = ("added", "modified", "removed")
CATEGORIES: Final[tuple[Category, ...]] = ("assignments", "metadata", "settings")
STATUSES: Final[tuple[Status, ...]] = ("acknowledged", "new", "resolved")
SEVERITIES: Final[tuple[Severity, ...]] = ("high", "low", "medium")
SEVERITY_RANK: Final[dict[str, int]] = {"low": 0, "medium": 1, "high": 2}
# The fields of a finding in a list (the API's list shape, the stored head, the table projection).
LIST_FIELDS: Final[tuple[str, ...]] = (
    "id", "policyType", "subjectId", "displayName", "changeType", "categories", "changeSummary", "severity",
    "status", "baselineRunId", "currentRunId", "firstSeenRunId", "lastSeenRunId", "firstSeenAt", "lastSeenAt",
    "changedBy", "changedAt", "changedFromIp", "changedWithApp", "attributionState",
)  # fmt: skip


class Change(TypedDict):
    """One difference inside a modified item; `before`/`after` are None when absent on that side.

    `label`, `beforeLabel`, `afterLabel` and `unresolved` say the same in words (DESIGN §11, see
    `shared.core.drift.labels`); the raw fields never depend on them.
    """

    path: str
    category: Category
    before: Any
    after: Any
    label: str
    beforeLabel: str | None
    afterLabel: str | None
    unresolved: list[str]


class FindingDraft(TypedDict):
    """What one comparison says about one item, before the finding lifecycle is applied."""

    id: str
    tenantId: str
    scopeKey: str
    policyType: str
    subjectId: str
    displayName: str
    changeType: ChangeType
    categories: list[Category]
    # What changed in words, for lists: the first change's label and how many more (None: no changes).
    changeSummary: str | None
    severity: Severity
    changes: list[Change]
    contentHash: str
    baselineRunId: str
    currentRunId: str


class StoredFinding(FindingDraft):
    """A finding with its lifecycle state, as the findings table keeps it."""

    baselineMode: BaselineMode
    status: Status
    firstSeenRunId: str
    firstSeenAt: str
    lastSeenRunId: str
    lastSeenAt: str
    seenCount: int
    # The run at which the current open period began (detection or the latest reopening).
    openedRunId: str
    statusChangedAt: str
    acknowledgedBy: str | None
    acknowledgedAt: str | None
    acknowledgedNote: str | None
    acknowledgedHash: str | None
    resolvedRunId: str | None
    resolvedAt: str | None
    # Who made the change (DESIGN §12), kept for the finding's life; None before §12 existed.
    attribution: Attribution | None
    # The newest matching event's user principal name or application name (the list's `changedBy`).
    changedBy: str | None


class HistoryEvent(TypedDict):
    """One status change of a finding; appended, never rewritten; `id` is deterministic."""

    id: str
    findingId: str
    runId: str | None
    at: str
    by: str
    action: Action
    note: str | None
    fromStatus: Status | None
    toStatus: Status


class NotCovered(TypedDict):
    """A policy type a comparison could not judge, and why."""

    policyType: str
    errorCode: str


class Coverage(TypedDict):
    """Which policy types a comparison (or a run) covers."""

    complete: list[str]
    failed: list[NotCovered]


class BaselineInfo(TypedDict):
    """The baseline a summary is about."""

    mode: BaselineMode
    runId: str
    finishedAt: str | None


class RunInfo(TypedDict):
    """The current run a summary is about."""

    runId: str
    finishedAt: str | None
    status: str


class Reason(TypedDict):
    """Why a summary is not `ready`: a stable code and a sentence for people."""

    code: str
    message: str


class Counts(TypedDict):
    """Findings by status; the `by*` breakdowns count findings whose status is `new` only."""

    new: int
    acknowledged: int
    resolved: int
    byChangeType: dict[str, int]
    byPolicyType: dict[str, int]
    bySeverity: dict[str, int]
    # New findings by `changedBy` (findings with no actor are not in it).
    byActor: dict[str, int]


class Summary(TypedDict):
    """The drift summary of one tenant and scope (DESIGN §5)."""

    tenantId: str
    scopeKey: str
    state: SummaryState
    reason: Reason | None
    baseline: BaselineInfo | None
    current: RunInfo | None
    counts: Counts
    coverage: Coverage
