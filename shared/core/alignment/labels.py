"""A deviation's place in words (DESIGN §11), in one place.

Today the words come from the path itself: a property name becomes words
(`passwordMinimumLength` → `Password minimum length`), an assignment names its kind and target, and
a setting shows its definition id. §11's resolver (setting definitions' display names and group,
filter and location names from a snapshot's `references` section) is meant to plug in here, so that
findings and deviations read the same.
"""

from __future__ import annotations

import re
from typing import Final

WHOLE_POLICY: Final = "Whole policy"

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_TARGETS: Final = {
    "groupAssignmentTarget": "Included group",
    "exclusionGroupAssignmentTarget": "Excluded group",
    "allDevicesAssignmentTarget": "All devices",
    "allLicensedUsersAssignmentTarget": "All users",
}


def words(name: str) -> str:
    """A camelCase property name in words: `passwordMinimumLength` → `Password minimum length`,
    `requireMFA` → `Require MFA`. Anything that is not an identifier is returned as it is."""
    if not _IDENTIFIER.fullmatch(name):
        return name
    parts = _WORD.findall(name)
    if not parts:
        return name
    out = [parts[0][0].upper() + parts[0][1:]]
    out += [p if len(p) > 1 and p.isupper() else p.lower() for p in parts[1:]]
    return " ".join(out)


def assignment_label(key: str) -> str:
    """`exclusionGroupAssignmentTarget/<groupId>?filter=<filterId>:include` →
    `Excluded group: <groupId> (filter: <filterId>, include)`."""
    target, _, filter_part = key.partition("?filter=")
    kind, _, group = target.partition("/")
    text = _TARGETS.get(kind, words(kind))
    if group:
        text += f": {group}"
    if filter_part:
        filter_id, _, mode = filter_part.rpartition(":")
        text += f" (filter: {filter_id}, {mode})"
    return text


def deviation_label(path: str, settings_collection: str | None = None) -> str:
    """The words for a deviation's path. A setting (`<collection>/<definitionId>` of a settings-based
    type) shows its definition id until §11's names are available."""
    if not path:
        return WHOLE_POLICY
    if settings_collection and path.startswith(settings_collection + "/"):
        return path[len(settings_collection) + 1 :]
    if path.startswith("assignments/"):
        return assignment_label(path[len("assignments/") :])
    return " › ".join(words(segment) for segment in path.split("/"))
