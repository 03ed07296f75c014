"""References: the names a finding needs, decided at scan time (DESIGN §11; pure).

Items refer to other objects by id: groups (assignment targets, Conditional Access conditions,
authentication method targets, scope tag assignments, Intune role assignments), assignment filters, scope tags, named
locations, authentication strengths, and settings catalog definitions with their options. This
module decides which ids a run's items refer to, which names the run's own items already carry,
which setting definitions must be read (and through which policies), and builds the snapshot's
`references` section. `shared.graph.names` does the reading; `shared.core.drift.labels` reads the
section back. References never feed an item's hash: a renamed group is not drift of the policies
assigned to it.

The section (snapshot schema, docs/snapshot-schema.md):

    {"names": {kind: {id: display name}},
     "settingDefinitions": {definition id: {"displayName", "options": {option id: display name}, "parentId"}},
     "unresolved": {kind: [ids referenced but not found]},
     "errors": {kind: stable error code of a lookup that failed}}
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final, Protocol

from shared.core.contracts import CONTRACTS, PolicyContract
from shared.core.contracts.model import ASSIGNMENT_FILTER, AUTH_STRENGTH, GROUP, NAMED_LOCATION, SCOPE_TAG
from shared.core.ids import is_guid

__all__ = ["ASSIGNMENT_FILTER", "AUTH_STRENGTH", "GROUP", "NAMED_LOCATION", "SCOPE_TAG"]

ADMX_DEFINITION: Final = "groupPolicyDefinition"
ADMX_PRESENTATION: Final = "groupPolicyPresentation"
SETTING_DEFINITION: Final = "settingDefinition"

# Fields whose values are ids of another object, wherever they appear in an item (a scalar or a set).
ID_FIELDS: Final[dict[str, str]] = {
    "groupId": GROUP,
    "includeGroups": GROUP,
    "excludeGroups": GROUP,
    "deviceAndAppManagementAssignmentFilterId": ASSIGNMENT_FILTER,
    "roleScopeTagIds": SCOPE_TAG,
    "includeLocations": NAMED_LOCATION,
    "excludeLocations": NAMED_LOCATION,
    # An Intune role assignment: the groups whose members get the role, and those it manages.
    "members": GROUP,
    "scopeMembers": GROUP,
}
# Authentication method targets: `{"targetType": "group", "id": …}` elements of these arrays.
TARGET_LISTS: Final = frozenset({"includeTargets", "excludeTargets"})
# Values Graph puts where an id goes that name no object; they have words of their own.
SPECIAL_VALUES: Final[dict[str, dict[str, str]]] = {
    NAMED_LOCATION: {"All": "Any location", "AllTrusted": "All trusted locations"},
    GROUP: {"all_users": "All users"},
}
# A cached setting definition is read again after this long (Microsoft renames and adds options).
DEFINITION_MAX_AGE: Final = timedelta(days=30)
# A definition that lacks an option an item uses is read again, but not more often than this.
DEFINITION_RETRY_AGE: Final = timedelta(days=1)
SETTING_ROWS_QUERY: Final = "$expand=settingDefinitions"
# Names of a kind whose type was not read in the run, listed alone.
NAME_SELECT: Final = "$select=id,displayName"
# Definitions read one by one (those no setting row named) per scan, at most: a policy full of
# definitions the catalogue does not know must not spend the tenant's budget; the rest wait a run.
MAX_DEFINITIONS_BY_ID: Final = 100
# What the cache keeps for a definition the catalogue does not have (asked again after a day).
NOT_FOUND: Final[dict[str, Any]] = {"notFound": True}


def is_reference_id(kind: str, value: Any) -> bool:
    """True for a value that names an object of `kind` (not a special value such as `All`)."""
    if not isinstance(value, str) or not value or value in SPECIAL_VALUES.get(kind, {}):
        return False
    # getByIds refuses anything that is not a GUID; the other kinds keep their own id forms
    # (scope tags are "0", "1", …).
    return is_guid(value) if kind == GROUP else True


@dataclass
class Holder:
    """One item holding settings catalog instances: where its setting rows are read."""

    policy_type: str
    catalog: str
    owner: str  # `{collection}/{item id}`, relative to the API version
    definitions: frozenset[str]


@dataclass
class Wanted:
    """What a run's items refer to, and the names they carry themselves."""

    ids: dict[str, set[str]] = field(default_factory=dict)
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    # catalog → definition id → option ids the items use
    definitions: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    holders: list[Holder] = field(default_factory=list)
    # Kinds whose type was read whole in this run: their items are every object of the kind.
    complete_kinds: set[str] = field(default_factory=set)

    def refer(self, kind: str, value: Any) -> None:
        if is_reference_id(kind, value):
            self.ids.setdefault(kind, set()).add(str(value))

    def name(self, kind: str, object_id: Any, name: Any) -> None:
        if isinstance(object_id, str) and object_id and isinstance(name, str) and name:
            self.names.setdefault(kind, {})[object_id] = name


def _walk_ids(node: Any, wanted: Wanted) -> None:
    """Every id an item refers to, by the name of the field that holds it."""
    if isinstance(node, dict):
        for key, value in node.items():
            kind = ID_FIELDS.get(key)
            if kind is not None:
                for one in value if isinstance(value, list) else [value]:
                    wanted.refer(kind, one)
            elif key in TARGET_LISTS and isinstance(value, list):
                for target in value:
                    if isinstance(target, dict) and target.get("targetType") == "group":
                        wanted.refer(GROUP, target.get("id"))
                _walk_ids(value, wanted)
            elif key == "authenticationStrength" and isinstance(value, dict):
                wanted.refer(AUTH_STRENGTH, value.get("id"))
                wanted.name(AUTH_STRENGTH, value.get("id"), value.get("displayName"))
            elif isinstance(value, (dict, list)):
                _walk_ids(value, wanted)
    elif isinstance(node, list):
        for element in node:
            _walk_ids(element, wanted)


def setting_instances(node: Any) -> Iterator[dict[str, Any]]:
    """Every settings catalog setting instance under `node`, however deeply nested."""
    if isinstance(node, dict):
        if isinstance(node.get("settingDefinitionId"), str):
            yield node
        for value in node.values():
            if isinstance(value, (dict, list)):
                yield from setting_instances(value)
    elif isinstance(node, list):
        for element in node:
            yield from setting_instances(element)


def used_options(instance: Mapping[str, Any]) -> set[str]:
    """The option ids a choice (or choice collection) instance holds."""
    out: set[str] = set()
    single = instance.get("choiceSettingValue")
    if isinstance(single, dict) and isinstance(single.get("value"), str):
        out.add(single["value"])
    for element in instance.get("choiceSettingCollectionValue") or []:
        if isinstance(element, dict) and isinstance(element.get("value"), str):
            out.add(element["value"])
    return out


def _admx_names(content: Mapping[str, Any], wanted: Wanted) -> None:
    for value in content.get("definitionValues") or []:
        if not isinstance(value, dict):
            continue
        definition = value.get("definition")
        if isinstance(definition, dict):
            wanted.name(ADMX_DEFINITION, definition.get("id"), definition.get("displayName"))
        for presentation_value in value.get("presentationValues") or []:
            presentation = presentation_value.get("presentation") if isinstance(presentation_value, dict) else None
            if isinstance(presentation, dict):
                wanted.name(ADMX_PRESENTATION, presentation.get("id"), presentation.get("label"))


class TypeRead(Protocol):
    """What a scan read of one type (`shared.core.snapshot.TypeResult`)."""

    @property
    def policy_type(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def items(self) -> Sequence[Mapping[str, Any]]: ...


def collect(results: Iterable[TypeRead]) -> Wanted:
    """What the complete types of a run refer to and name."""
    wanted = Wanted()
    for result in results:
        if result.status != "complete":
            continue
        contract = CONTRACTS[result.policy_type]
        if contract.names_kind is not None:
            wanted.complete_kinds.add(contract.names_kind)
        for item in result.items:
            _collect_item(contract, item, wanted)
    return wanted


def _collect_item(contract: PolicyContract, item: Mapping[str, Any], wanted: Wanted) -> None:
    content = item.get("content") or {}
    _walk_ids(content, wanted)
    _walk_ids(item.get("assignments") or [], wanted)
    _admx_names(content, wanted)
    if contract.names_kind is not None:
        wanted.name(contract.names_kind, item.get("id"), item.get("displayName"))
    layout = contract.settings_layout
    if layout is None:
        return
    used = wanted.definitions.setdefault(layout.catalog, {})
    held: set[str] = set()
    for instance in setting_instances(content.get(layout.collection) or []):
        definition = instance["settingDefinitionId"]
        held.add(definition)
        used.setdefault(definition, set()).update(used_options(instance))
    if held:
        owner = f"{contract.sources[0].path}/{item['id']}"
        wanted.holders.append(Holder(contract.key, layout.catalog, owner, frozenset(held)))


# -- setting definitions --------------------------------------------------------------------------


@dataclass(frozen=True)
class CachedDefinition:
    """A definition as the cache keeps it: its record and when Graph was asked for it."""

    record: dict[str, Any]
    fetched_at: str


DefinitionKey = tuple[str, str]  # (catalog, definition id)


def _age(fetched_at: str, now: datetime) -> timedelta:
    try:
        then = datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
    except ValueError:
        return DEFINITION_MAX_AGE
    return now - then


def definitions_to_read(
    wanted: Wanted, cache: Mapping[DefinitionKey, CachedDefinition], now: datetime
) -> dict[str, set[str]]:
    """catalog → definition ids to read: unknown, older than DEFINITION_MAX_AGE, or lacking an
    option an item uses (read again at most once a day, in case Microsoft has not added it yet)."""
    out: dict[str, set[str]] = {}
    for catalog, used in wanted.definitions.items():
        for definition, options in used.items():
            cached = cache.get((catalog, definition))
            if cached is not None:
                age = _age(cached.fetched_at, now)
                if cached.record.get("notFound"):
                    if age < DEFINITION_RETRY_AGE:
                        continue
                else:
                    known = set((cached.record.get("options") or {}).keys())
                    if age < DEFINITION_MAX_AGE and (options <= known or age < DEFINITION_RETRY_AGE):
                        continue
            out.setdefault(catalog, set()).add(definition)
    return out


def rows_to_read(wanted: Wanted, missing: Mapping[str, set[str]]) -> list[Holder]:
    """The fewest items whose setting rows (with `$expand=settingDefinitions`) name every missing
    definition they hold: greedy cover, most missing definitions first, ties by owner path."""
    chosen: list[Holder] = []
    for catalog in sorted(missing):
        remaining = set(missing[catalog])
        holders = sorted((h for h in wanted.holders if h.catalog == catalog), key=lambda h: h.owner)
        while remaining:
            best = max(holders, key=lambda h: len(h.definitions & remaining), default=None)
            if best is None or not best.definitions & remaining:
                break
            chosen.append(best)
            remaining -= best.definitions
            holders.remove(best)
    return chosen


def definition_records(raw: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Graph setting definitions (`deviceManagementConfigurationSettingDefinition` and subtypes)
    reduced to what a reader needs: display name, option names (choice settings) and the parent
    setting (`dependentOn[].parentSettingId` of the definition or of its options, or the group whose
    `childIds` list the definition)."""
    records: dict[str, dict[str, Any]] = {}
    parents: dict[str, str] = {}
    for definition in raw:
        definition_id = definition.get("id")
        if not isinstance(definition_id, str) or not definition_id:
            continue
        options: dict[str, str] = {}
        for option in definition.get("options") or []:
            if isinstance(option, dict) and isinstance(option.get("itemId"), str):
                options[option["itemId"]] = str(option.get("displayName") or option.get("name") or option["itemId"])
        parent = None
        # Simple and group definitions name their parent themselves, a choice through its options.
        dependencies = list(definition.get("dependentOn") or [])
        for option in definition.get("options") or []:
            if isinstance(option, dict):
                dependencies += option.get("dependentOn") or []
        for dependency in dependencies:
            if isinstance(dependency, dict) and isinstance(dependency.get("parentSettingId"), str):
                parent = dependency["parentSettingId"]
                break
        for child in definition.get("childIds") or []:
            if isinstance(child, str):
                parents.setdefault(child, definition_id)
        name = definition.get("displayName") or definition.get("name") or definition_id
        records[definition_id] = {"displayName": str(name), "options": options, "parentId": parent}
    for child, parent in parents.items():
        if child in records and records[child]["parentId"] is None:
            records[child]["parentId"] = parent
    return records


def expanded_definitions(rows: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    """The definitions setting rows carry under `settingDefinitions`."""
    for row in rows:
        for definition in row.get("settingDefinitions") or []:
            if isinstance(definition, dict):
                yield definition


# -- the section ----------------------------------------------------------------------------------


def build_references(
    wanted: Wanted,
    names: Mapping[str, Mapping[str, str]],
    definitions: Mapping[DefinitionKey, Mapping[str, Any]],
    errors: Mapping[str, str],
) -> dict[str, Any]:
    """The snapshot's `references`: the names of every id the items refer to (ADMX definition and
    presentation names as the items carry them), the definitions of every setting they hold, and
    what could not be resolved."""
    out_names: dict[str, dict[str, str]] = {}
    unresolved: dict[str, list[str]] = {}
    for kind in sorted(wanted.ids):
        known = {**wanted.names.get(kind, {}), **names.get(kind, {})}
        found = {i: known[i] for i in sorted(wanted.ids[kind]) if i in known}
        if found:
            out_names[kind] = found
        missing = sorted(wanted.ids[kind] - found.keys())
        if missing:
            unresolved[kind] = missing
    for kind in (ADMX_DEFINITION, ADMX_PRESENTATION):
        if wanted.names.get(kind):
            out_names[kind] = dict(sorted(wanted.names[kind].items()))
    settings: dict[str, Any] = {}
    lost: set[str] = set()
    for catalog in sorted(wanted.definitions):
        for definition in sorted(wanted.definitions[catalog]):
            record = definitions.get((catalog, definition))
            if record is None or record.get("notFound"):
                lost.add(definition)
            else:
                settings[definition] = dict(record)
    if lost:
        unresolved[SETTING_DEFINITION] = sorted(lost)
    return {
        "names": out_names,
        "settingDefinitions": settings,
        "unresolved": unresolved,
        "errors": dict(sorted(errors.items())),
    }


def empty_references() -> dict[str, Any]:
    """The section of a snapshot written before references existed, or of a run that read nothing."""
    return {"names": {}, "settingDefinitions": {}, "unresolved": {}, "errors": {}}


def names_contract(kind: str) -> PolicyContract | None:
    """The contract of the type whose objects are the names of `kind` (None: no such type)."""
    return next((c for c in CONTRACTS.values() if c.names_kind == kind), None)


def listed_kinds_to_read(wanted: Wanted) -> list[str]:
    """Kinds referred to whose own type (contract `names_kind`) was not read whole in this run: their
    names are listed alone, unless the items already carry the name of every one referred to
    (Conditional Access policies carry their authentication strengths' names)."""
    kinds = sorted({c.names_kind for c in CONTRACTS.values() if c.names_kind is not None})
    return [
        kind
        for kind in kinds
        if kind not in wanted.complete_kinds and wanted.ids.get(kind, set()) - wanted.names.get(kind, {}).keys()
    ]


def group_batches(ids: Iterable[str], size: int) -> list[list[str]]:
    """Sorted ids in chunks of `size` (getByIds takes 1,000 a call)."""
    ordered = sorted(set(ids))
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]
