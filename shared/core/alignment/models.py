"""Shapes of the alignment core (DESIGN §14): plain JSON-ready TypedDicts and the words they use."""

from __future__ import annotations

from typing import Any, Final, Literal, TypedDict

DeviationKind = Literal["missing_policy", "missing_setting", "different_value", "conflicting"]
AlignmentState = Literal["ready", "no_completed_run"]

DEVIATION_KINDS: Final[tuple[DeviationKind, ...]] = (
    "missing_policy",
    "missing_setting",
    "different_value",
    "conflicting",
)


class Deviation(TypedDict):
    """One way a tenant differs from a template object (DESIGN §14).

    `path` is a semantic path (`settings/<settingDefinitionId>`, `conditions/users/excludeGroups`,
    `assignments/<target>`, "" for a whole policy); `expected` is the template's value after variable
    substitution, `actual` the tenant's (a list of its values when `conflicting`, None when absent);
    both are display-safe (secrets are markers, large values a hash and size).
    """

    kind: DeviationKind
    policyType: str
    templateObjectId: str
    templateDisplayName: str
    tenantObjectIds: list[str]
    path: str
    label: str
    expected: Any
    actual: Any


class AlignmentCounts(TypedDict):
    """The template's settings (or properties) by outcome; they add up to the template's total."""

    matched: int
    missing: int
    different: int
    conflicting: int


class TemplateAlignment(TypedDict):
    """A tenant measured against one template version, from one of the tenant's completed runs.

    `score` is the matched share of the template's settings (properties for types without settings),
    0-100 with one decimal, rounded down so that 100.0 always means no deviation; None until the
    tenant has a completed run. `notCovered` lists the template's policy types that the tenant's run
    did not read (left out of the score). At most MAX_DEVIATIONS deviations are listed, in order;
    `deviationsOmitted` says how many more there are (counts always cover all of them).
    """

    templateId: str
    displayName: str
    version: int
    runId: str | None
    state: AlignmentState
    score: float | None
    counts: AlignmentCounts
    deviations: list[Deviation]
    deviationsOmitted: int
    notCovered: list[str]


class TemplateObject(TypedDict):
    """One object of a template as listed: its type, id and name in the source tenant, and how many
    settings (properties for types without settings) it contributes to the score."""

    policyType: str
    id: str
    displayName: str
    settingsCount: int
