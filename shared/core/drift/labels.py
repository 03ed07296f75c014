"""Findings in words (DESIGN §11; pure): each change's place and values, from the snapshots' references.

A change keeps its raw `path`, `before` and `after`; this module adds

- `label`: where the change is, in words: a settings catalog setting's definition name with its
  parent settings (and the name of a group collection element) joined by ` › `; an administrative
  template's definition name (with the presentation's label for one of its inputs); an assignment's
  kind and target name (`Excluded group: Pilot devices`, `All devices (filter: Corporate laptops,
  include)`); a plain property's name in words (`passwordMinimumLength` → `Password minimum length`);
- `beforeLabel`, `afterLabel`: the values in words where the raw value is an id or an option id
  (choice options, groups, filters, scope tags, named locations, authentication strengths), or an
  object (an assignment, a whole setting); None where the raw value reads well as it is;
- `unresolved`: the ids whose names the references do not hold (a deleted group): they show as the
  id followed by ` (name not found)`.

Names come from the `references` sections of both snapshots: a value on the baseline side is named
from the baseline's section first (a group since deleted still has its old name there), a value on
the current side and the place from the current one first. Nothing here feeds an id, a path or a
hash: names are display only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TypedDict

from shared.core.contracts import PolicyContract
from shared.core.normalise import parse_assignment_key
from shared.core.references import (
    ADMX_DEFINITION,
    ADMX_PRESENTATION,
    ASSIGNMENT_FILTER,
    AUTH_STRENGTH,
    GROUP,
    ID_FIELDS,
    SPECIAL_VALUES,
    TARGET_LISTS,
    is_reference_id,
)

SEPARATOR: Final = " › "
NOT_FOUND: Final = " (name not found)"
MAX_LABEL: Final = 300
ASSIGNMENTS: Final = "assignments"
# Words for keys whose camel case would read badly.
KEY_WORDS: Final[dict[str, str]] = {
    "roleScopeTagIds": "Scope tags",
    "@odata.type": "Type",
    "allowedAAGUIDs": "Allowed FIDO2 keys (AAGUIDs)",
}
ACRONYMS: Final = frozenset(
    [
        "aad",
        "ad",
        "api",
        "ca",
        "cpu",
        "dns",
        "eap",
        "guid",
        "http",
        "https",
        "id",
        "ids",
        "imei",
        "ip",
        "mam",
        "mdm",
        "mfa",
        "oma",
        "os",
        "pfx",
        "pin",
        "pki",
        "sku",
        "smb",
        "ssid",
        "sso",
        "tls",
        "tpm",
        "uac",
        "uri",
        "url",
        "usb",
        "vpn",
        "wpa",
        "xml",
    ]
)
TARGET_WORDS: Final[dict[str, str]] = {
    "groupAssignmentTarget": "Included group",
    "exclusionGroupAssignmentTarget": "Excluded group",
    "allDevicesAssignmentTarget": "All devices",
    "allLicensedUsersAssignmentTarget": "All users",
}
# Keys of a settings catalog instance that only carry structure: they add nothing to a label.
_SETTING_STRUCTURE: Final = frozenset(
    {
        "choiceSettingValue",
        "simpleSettingValue",
        "groupSettingCollectionValue",
        "choiceSettingCollectionValue",
        "simpleSettingCollectionValue",
        "children",
        "value",
    }
)
_IDENTIFIER: Final = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_WORDS: Final = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


class ChangeLabels(TypedDict):
    """The words a change carries next to its raw path and values."""

    label: str
    beforeLabel: str | None
    afterLabel: str | None
    unresolved: list[str]


def humanise(key: str) -> str:
    """A property name in words: `passwordMinimumLength` → `Password minimum length`.

    Keys that are not identifiers (OMA-URIs, bundle ids, values used as keys) are kept as they are.
    """
    if key in KEY_WORDS:
        return KEY_WORDS[key]
    if not _IDENTIFIER.fullmatch(key):
        return key
    words = []
    for word in _WORDS.findall(key):
        lower = word.lower()
        words.append(word.upper() if lower in ACRONYMS else word if word.isupper() and len(word) > 1 else lower)
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _clip(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Resolver:
    """Names from one or more `references` sections; the first section that knows a name wins."""

    def __init__(self, *sections: Mapping[str, Any] | None) -> None:
        self._sections = [s for s in sections if isinstance(s, Mapping)]

    def name(self, kind: str, object_id: str) -> str | None:
        """The display name of an object of `kind`, or None."""
        for section in self._sections:
            found = ((section.get("names") or {}).get(kind) or {}).get(object_id)
            if isinstance(found, str):
                return found
        return None

    def definition(self, definition_id: str) -> Mapping[str, Any] | None:
        """A setting definition's record (`displayName`, `options`, `parentId`), or None."""
        for section in self._sections:
            found = (section.get("settingDefinitions") or {}).get(definition_id)
            if isinstance(found, Mapping):
                return found
        return None

    def option(self, definition_id: str, option_id: str) -> str | None:
        """The display name of a choice option, or None."""
        for section in self._sections:
            record = (section.get("settingDefinitions") or {}).get(definition_id)
            if isinstance(record, Mapping):
                found = (record.get("options") or {}).get(option_id)
                if isinstance(found, str):
                    return found
        return None

    def setting(self, definition_id: str, parents: bool = False) -> str | None:
        """A setting's display name; with `parents`, its parent settings' names first (` › `)."""
        record = self.definition(definition_id)
        if record is None:
            return None
        names = [str(record.get("displayName") or definition_id)]
        seen = {definition_id}
        parent = record.get("parentId")
        while parents and isinstance(parent, str) and parent not in seen:
            seen.add(parent)
            above = self.definition(parent)
            if above is None:
                break
            names.insert(0, str(above.get("displayName") or parent))
            parent = above.get("parentId")
        return SEPARATOR.join(names)


class _Words:
    """Names one change, keeping the ids it could not name."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.unresolved: set[str] = set()

    def named(self, kind: str, object_id: str) -> str:
        special = SPECIAL_VALUES.get(kind, {}).get(object_id)
        if special is not None:
            return special
        name = self.resolver.name(kind, object_id)
        if name is not None:
            return name
        if is_reference_id(kind, object_id):
            self.unresolved.add(object_id)
        return object_id + NOT_FOUND if is_reference_id(kind, object_id) else object_id

    def setting(self, definition_id: str) -> str:
        name = self.resolver.setting(definition_id)
        if name is None:
            self.unresolved.add(definition_id)
            return definition_id + NOT_FOUND
        return name

    def option(self, definition_id: str | None, option_id: str) -> str:
        name = self.resolver.option(definition_id, option_id) if definition_id else None
        if name is not None:
            return name
        # An unknown definition is flagged once, not once more for each of its options.
        known = definition_id is not None and self.resolver.definition(definition_id) is not None
        self.unresolved.add(option_id if known or definition_id is None else definition_id)
        return option_id + NOT_FOUND

    def ids(self, kind: str, value: Any) -> str | None:
        """Words for a value of an id field: one id or a set of them."""
        if isinstance(value, list):
            return ", ".join(self.named(kind, str(v)) for v in value) if value else None
        if isinstance(value, str):
            return self.named(kind, value)
        return None

    def instance(self, instance: Any) -> str | None:
        """A settings catalog instance's value in words."""
        if isinstance(instance, Mapping) and isinstance(instance.get("settingInstance"), Mapping):
            instance = instance["settingInstance"]  # a whole setting row, as added or removed
        if not isinstance(instance, Mapping):
            return None
        definition = instance.get("settingDefinitionId")
        definition = definition if isinstance(definition, str) else None
        choice = instance.get("choiceSettingValue")
        if isinstance(choice, Mapping) and isinstance(choice.get("value"), str):
            return self.option(definition, choice["value"])
        simple = instance.get("simpleSettingValue")
        if isinstance(simple, Mapping) and "value" in simple:
            return _text(simple["value"])
        choices = instance.get("choiceSettingCollectionValue")
        if isinstance(choices, list):
            return ", ".join(self.option(definition, str(c.get("value"))) for c in choices if isinstance(c, Mapping))
        simples = instance.get("simpleSettingCollectionValue")
        if isinstance(simples, list):
            return ", ".join(_text(s.get("value")) for s in simples if isinstance(s, Mapping))
        groups = instance.get("groupSettingCollectionValue")
        if isinstance(groups, list):
            return "; ".join(filter(None, (self.element(g) for g in groups)))
        return None

    def element(self, element: Any) -> str | None:
        """A group collection element (a firewall rule, say) as `setting: value; …`."""
        if not isinstance(element, Mapping):
            return None
        parts = []
        for child in element.get("children") or []:
            if isinstance(child, Mapping) and isinstance(child.get("settingDefinitionId"), str):
                parts.append(f"{self.setting(child['settingDefinitionId'])}: {self.instance(child) or '…'}")
        return _clip("; ".join(parts)) if parts else None


class ChangeLabeller:
    """Labels the changes of the items of one policy type from the two snapshots' references."""

    def __init__(
        self,
        contract: PolicyContract,
        baseline: Mapping[str, Any] | None,
        current: Mapping[str, Any] | None,
    ) -> None:
        self.contract = contract
        self.place = Resolver(current, baseline)
        self.before = Resolver(baseline, current)
        self.after = Resolver(current, baseline)

    def __call__(self, trail: Sequence[str], before: Any, after: Any) -> ChangeLabels:
        place, old, new = _Words(self.place), _Words(self.before), _Words(self.after)
        layout = self.contract.settings_layout
        value: Value
        if trail and trail[0] == ASSIGNMENTS and len(trail) > 1:
            label, value = _assignment(trail, place)
        elif layout is not None and len(trail) > 1 and trail[0] == layout.collection:
            label, value = _setting(trail, place)
        elif len(trail) > 1 and trail[0] == "definitionValues" and trail[1].startswith("definition:"):
            label, value = _admin_template(trail, place)
        else:
            label, value = _plain(self.contract, trail, place)
        before_label, after_label = value(before, old), value(after, new)
        unresolved = place.unresolved | old.unresolved | new.unresolved
        return ChangeLabels(
            label=_clip(label),
            beforeLabel=None if before_label is None else _clip(before_label),
            afterLabel=None if after_label is None else _clip(after_label),
            unresolved=sorted(unresolved),
        )


Value = Callable[[Any, "_Words"], "str | None"]  # a raw value on one side, in words

# -- assignments ----------------------------------------------------------------------------------


def _assignment(trail: Sequence[str], words: _Words) -> tuple[str, Value]:
    """trail = (assignments, target key, [field…]): the target in words, then the field."""
    kind, group, filter_id, filter_type = parse_assignment_key(trail[1])
    text = TARGET_WORDS.get(kind, humanise(kind))
    if group:
        text += f": {words.named(GROUP, group)}"
    if filter_id:
        text += f" (filter: {words.named(ASSIGNMENT_FILTER, filter_id)}, {filter_type or 'include'})"
    whole = len(trail) == 2

    def value(raw: Any, _side: _Words) -> str | None:
        if not whole:
            return None
        if raw is None:
            return "Not assigned"
        intent = raw.get("intent") if isinstance(raw, Mapping) else None
        return f"Assigned ({intent})" if isinstance(intent, str) and intent else "Assigned"

    return SEPARATOR.join([text, *(humanise(segment) for segment in trail[2:])]), value


# -- settings catalog -----------------------------------------------------------------------------


def _setting(trail: Sequence[str], words: _Words) -> tuple[str, Value]:
    """trail = (settings, definition, structure…, children, child definition, …)."""
    parts = [words.setting(trail[1])]
    last_definition = trail[1]
    tail = "instance"  # what the change's values are: see `value` below
    index = 2
    while index < len(trail):
        segment = trail[index]
        previous = trail[index - 1]
        last = index == len(trail) - 1
        if previous == "children":
            parts.append(words.setting(segment))
            last_definition, tail = segment, "instance"
        elif previous == "groupSettingCollectionValue" and segment != "children":
            if not segment.startswith("#"):  # a digest names nothing
                parts.append(segment)
            tail = "element"
        elif previous == "choiceSettingCollectionValue":
            tail = "option"
        elif previous == "simpleSettingCollectionValue":
            tail = "wrapped"
        elif segment == "choiceSettingValue":
            tail = "choice"
        elif segment == "value" and previous == "choiceSettingValue":
            tail = "option-id"
        elif segment not in _SETTING_STRUCTURE:
            parts.append(humanise(segment))
            tail = "raw"
        elif last:
            tail = "raw"
        index += 1
    definition = last_definition

    def value(raw: Any, side: _Words) -> str | None:
        if raw is None:
            return None
        if tail == "instance":
            return side.instance(raw)
        if tail == "element":
            return side.element(raw)
        if tail == "option-id" and isinstance(raw, str):
            return side.option(definition, raw)
        if tail == "choice" and isinstance(raw, Mapping) and isinstance(raw.get("value"), str):
            return side.option(definition, raw["value"])
        if tail == "option" and isinstance(raw, Mapping) and isinstance(raw.get("value"), str):
            return side.option(definition, raw["value"])
        if tail == "wrapped" and isinstance(raw, Mapping) and "value" in raw:
            return _text(raw["value"])
        return None

    return SEPARATOR.join(parts), value


# -- administrative templates ---------------------------------------------------------------------


def _admin_template(trail: Sequence[str], words: _Words) -> tuple[str, Value]:
    """trail = (definitionValues, definition:<id>, [presentationValues, presentation:<id>, value…])."""
    definition = trail[1].partition(":")[2]
    parts = [words.resolver.name(ADMX_DEFINITION, definition) or definition]
    rest = list(trail[2:])
    presentation: str | None = None
    for index, segment in enumerate(rest):
        if segment.startswith("presentation:") and index and rest[index - 1] == "presentationValues":
            presentation = segment.partition(":")[2]
            parts.append(words.resolver.name(ADMX_PRESENTATION, presentation) or presentation)
        elif segment not in ("presentationValues", "value", "values", "enabled"):
            parts.append(humanise(segment))
    whole_value = not rest
    enabled = rest == ["enabled"]
    whole_presentation = presentation is not None and rest[-1].startswith("presentation:")

    def value(raw: Any, _side: _Words) -> str | None:
        if enabled and isinstance(raw, bool):
            return "Enabled" if raw else "Disabled"
        if whole_value and isinstance(raw, Mapping):
            return "Enabled" if raw.get("enabled") else "Disabled"
        if whole_presentation and isinstance(raw, Mapping):
            inner = raw.get("value", raw.get("values"))
            if isinstance(inner, list):
                return ", ".join(_text(v.get("name") if isinstance(v, Mapping) else v) for v in inner)
            return None if inner is None else _text(inner)
        return None

    return SEPARATOR.join(parts), value


# -- plain properties -----------------------------------------------------------------------------


def _plain(contract: PolicyContract, trail: Sequence[str], words: _Words) -> tuple[str, Value]:
    parts: list[str] = []
    value_kind: str | None = None  # the kind of id the values are
    single_id = False  # the value is one id that came or went (a long set, listed per value)
    for index, segment in enumerate(trail):
        parent = trail[index - 1] if index else None
        last = index == len(trail) - 1
        if parent in ID_FIELDS and last:
            value_kind, single_id = ID_FIELDS[parent], True
        elif parent in TARGET_LISTS:
            parts.append(words.named(GROUP, segment))
            if last:
                value_kind = "target"
        elif index == 0 and segment == contract.name_field:
            parts.append("Name")
        elif "--" in segment and "_" in segment:
            # A legacy intent's setting definition id: its property name is after the last underscore.
            parts.append(humanise(segment.rsplit("_", 1)[1]))
        else:
            parts.append(humanise(segment))
            if last and segment in ID_FIELDS:
                value_kind = ID_FIELDS[segment]
            elif last and segment == "id" and parent == "authenticationStrength":
                value_kind = AUTH_STRENGTH

    def value(raw: Any, side: _Words) -> str | None:
        if raw is None or value_kind is None:
            return None
        if value_kind == "target":
            target_id = raw.get("id") if isinstance(raw, Mapping) else None
            return side.named(GROUP, target_id) if isinstance(target_id, str) else None
        if single_id:
            return side.named(value_kind, _text(raw))
        return side.ids(value_kind, raw)

    return SEPARATOR.join(parts) or humanise(contract.key), value


# -- a path alone ---------------------------------------------------------------------------------

WHOLE_POLICY: Final = "Whole policy"


def path_label(contract: PolicyContract, path: str, resolver: Resolver) -> tuple[str, list[str]]:
    """A place given only as a path (a template deviation, DESIGN §14), in words, and the ids it could
    not name: `""` is the whole policy; `<settings collection>/<definition id>` the setting's name
    with its parent settings from the definitions; `assignments/<target key>` the target in words;
    anything else its keys in words, split at `/` (the keys of these paths hold none)."""
    words = _Words(resolver)
    if not path:
        return WHOLE_POLICY, []
    layout = contract.settings_layout
    if layout is not None and path.startswith(layout.collection + "/"):
        definition = path[len(layout.collection) + 1 :]
        name = resolver.setting(definition, parents=True)
        if name is None:
            return definition + NOT_FOUND, [definition]
        return name, []
    if path.startswith(ASSIGNMENTS + "/"):
        label, _ = _assignment((ASSIGNMENTS, path[len(ASSIGNMENTS) + 1 :]), words)
    else:
        label, _ = _plain(contract, path.split("/"), words)
    return _clip(label), sorted(words.unresolved)


# -- a finding's summary --------------------------------------------------------------------------

_CATEGORY_ORDER: Final = {"settings": 0, "assignments": 1, "metadata": 2}
_SHORT: Final = 40


def _side(label: Any, raw: Any) -> str | None:
    if isinstance(label, str):
        return label
    if raw is None:
        return "not set"
    if isinstance(raw, (str, int, float, bool)):
        return _text(raw)
    return None


def change_summary(changes: Sequence[Mapping[str, Any]]) -> str | None:
    """What changed, in words, for the findings list: the first change (settings before assignments
    before metadata) with its values when both are short, and how many more there are."""
    if not changes:
        return None
    first = min(changes, key=lambda c: _CATEGORY_ORDER.get(str(c.get("category")), 3))
    text = str(first.get("label") or first.get("path") or "")
    old = _side(first.get("beforeLabel"), first.get("before"))
    new = _side(first.get("afterLabel"), first.get("after"))
    if old is not None and new is not None and len(old) <= _SHORT and len(new) <= _SHORT:
        text += f": {old} → {new}"
    if len(changes) > 1:
        text += f" (+{len(changes) - 1} more)"
    return _clip(text)
