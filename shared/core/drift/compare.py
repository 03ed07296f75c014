"""The comparison engine (pure): two snapshots in, findings drafts out (DESIGN §5).

Paths are built from semantic keys, never array indexes: dict keys joined by `/`; an element of an
array of objects is named by `shared.core.normalise.element_key` (setting definition id, assignment
target, omaUri, a wrapped scalar's value, ...). Keys are not escaped, so a key holding `/` (an assignment target such as
`exclusionGroupAssignmentTarget/<groupId>`, an OMA-URI) reads naturally; paths are labels for
people and stable identities of a change, not addresses to parse. Inside a settings-catalog element
the `settingInstance` level is left out of the path, so a child setting reads
`settings/<definitionId>/choiceSettingValue/children/<childDefinitionId>/simpleSettingValue/value`.

Elements without a key of their own (settings catalog `groupSettingCollectionValue` elements: attack
surface reduction rules, firewall rules) are paired by best match, see `pair_elements`: identical
elements first, then the pairing that leaves the fewest changes, so one changed child reads as one
change at `…/groupSettingCollectionValue/<element>/children/<childDefinitionId>/…` with the child's own
before and after. `<element>` is left out when each side holds one element; otherwise it is the
value that tells the elements apart (a firewall rule's name), else `#` and a digest of the element.

An array of scalars is an unordered set and gives one change for the whole array, with the sorted
before and after lists as values; when either list is too long to show (over MAX_VALUE_BYTES, e.g.
hundreds of excluded groups) it gives one change per value that came or went instead, at
`<array path>/<value>` with the value on one side and None on the other. An element, key or item
present on one side only is one change whose other side is None; its leaves are never listed one by
one.

Categories: changes under `assignments` are `assignments`; changes of the top-level fields
displayName, name, description, roleScopeTagIds (and the contract's name field) are `metadata`;
everything else is `settings`. A finding's categories are those of its changes, so `added` and
`removed` findings carry no changes and no categories; their severity is the contract's for
added/removed, a modification's the highest the contract gives any of its categories.

Items whose hashes are equal are skipped without a walk; the walk prunes equal subtrees at C speed
and stays exact about JSON types (see `_changed_keys`).

Each change is also said in words (`label`, `beforeLabel`, `afterLabel`, `unresolved`) by
`shared.core.drift.labels` from the keys that lead to it (its trail: keys may hold `/`, so a path is
never split back) and both snapshots' `references`. Words never feed a path, an id or a hash.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from shared.core.canonical import canonical_bytes, canonical_hash, sha256_hex
from shared.core.contracts import CONTRACTS, PolicyContract, Severity
from shared.core.drift.labels import ChangeLabeller, ChangeLabels, change_summary
from shared.core.drift.models import (
    SEVERITY_RANK,
    Category,
    Change,
    ChangeType,
    Coverage,
    FindingDraft,
    NotCovered,
)
from shared.core.normalise import element_key, is_script_summary
from shared.errors import ComparisonError

# A single before/after value whose canonical JSON is larger than this is replaced by its hash and size.
MAX_VALUE_BYTES: Final = 4096
# Finding ids are the first 32 hex digits (128 bits) of the SHA-256.
FINDING_ID_LENGTH: Final = 32
# Top-level content fields whose changes are `metadata` (the contract's name field is added per type).
METADATA_FIELDS: Final = frozenset({"displayName", "name", "description", "roleScopeTagIds"})
ASSIGNMENTS: Final = "assignments"
_INSTANCE: Final = "settingInstance"
_PICKLE: Final = 5
# A string this short cannot reach MAX_VALUE_BYTES even with every character escaped (\uXXXX).
_SHORT_STRING: Final = MAX_VALUE_BYTES // 6 - 2


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing a current snapshot with its baseline."""

    tenant_id: str
    scope_key: str
    baseline_run_id: str
    current_run_id: str
    findings: list[FindingDraft]
    covered: list[str]
    not_covered: list[NotCovered]

    def coverage(self) -> Coverage:
        """The coverage block of the summary for this comparison."""
        return Coverage(complete=list(self.covered), failed=[NotCovered(**n) for n in self.not_covered])


def finding_id(
    tenant_id: str,
    scope_key: str,
    baseline_run_id: str,
    policy_type: str,
    object_id: str,
    change_type: str,
) -> str:
    """First 32 hex digits of the SHA-256 of the canonical JSON array of the six identity values."""
    identity = [tenant_id, scope_key, baseline_run_id, policy_type, object_id, change_type]
    return canonical_hash(identity)[:FINDING_ID_LENGTH]


def safe_value(value: Any) -> Any:
    """A before/after value as shown: itself, or its hash and size when its JSON exceeds the cap."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str) and len(value) <= _SHORT_STRING:
        return value
    data = canonical_bytes(value)
    if len(data) <= MAX_VALUE_BYTES:
        return value
    return {"truncated": True, "sha256": sha256_hex(data), "sizeBytes": len(data)}


def _scalar_sort_key(value: Any) -> tuple[str, str]:
    # The order shared.core.normalise gives scalar sets.
    return type(value).__name__, str(value)


def _same_scalar(before: Any, after: Any) -> bool:
    """Equal as JSON: Python holds 1, 1.0 and True equal (and 0.0 and -0.0) where their JSON differs."""
    if type(before) is not type(after):
        return False
    if isinstance(before, float):
        return repr(before) == repr(after)
    return bool(before == after)


def _changed_keys(keys: list[str], before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The keys whose values may differ. Values `==` holds equal are dropped together, at C speed,
    once one pickle of each side proves them equal as JSON too (`==` alone would hide a 1 → true
    flip; pickles differ there). Should the pickles differ for any other reason (dict key order,
    shared strings), nothing is dropped and every key is looked at on its own: never a missed change.
    """
    same = [key for key in keys if key in before and key in after and before[key] == after[key]]
    if not same:
        return keys
    if pickle.dumps([before[k] for k in same], _PICKLE) != pickle.dumps([after[k] for k in same], _PICKLE):
        return keys
    dropped = set(same)
    return [key for key in keys if key not in dropped]


def _scalar_identity(value: Any) -> tuple[str, str]:
    return type(value).__name__, repr(value)


def _scalar_text(value: Any) -> str:
    return value if isinstance(value, str) else canonical_bytes(value).decode("utf-8")


def _same_scalar_set(before: list[Any], after: list[Any]) -> bool:
    if len(before) != len(after):
        return False
    left = sorted(before, key=_scalar_sort_key)
    right = sorted(after, key=_scalar_sort_key)
    return all(_same_scalar(a, b) for a, b in zip(left, right, strict=True))


def _all_scalars(values: list[Any]) -> bool:
    return all(not isinstance(v, (dict, list)) for v in values)


def _join(path: str, key: str) -> str:
    return f"{path}/{key}" if path else key


# A change's place as the keys leading to it (its path is these joined by `/`; keys may hold `/`).
Trail = tuple[str, ...]
# Words for a change (shared.core.drift.labels.ChangeLabeller): trail, before, after → labels.
Labeller = Callable[[Trail, Any, Any], ChangeLabels]


class _Differ:
    """Walks two normalised values in sorted key order and collects their changes."""

    def __init__(self, contract: PolicyContract) -> None:
        self.contract = contract
        # Fields compared as one value (script bodies: a hash and a size are one fact, not two).
        self.atomic = contract.script_fields
        # (trail, change, raw before, raw after): the raw values are what labels are taken from.
        self.changes: list[tuple[Trail, Change, Any, Any]] = []
        # The changes weighed in leaves: what best-match pairing minimises.
        self.cost = 0

    def content(self, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
        for key in _changed_keys(sorted(before.keys() | after.keys()), before, after):
            category: Category = "metadata" if key in METADATA_FIELDS or key == self.contract.name_field else "settings"
            self.field((), key, before.get(key), after.get(key), category, element=False)

    def field(self, path: Trail, key: str, before: Any, after: Any, category: Category, element: bool) -> None:
        # A body kept as hash and size wherever it sits (a discovery script inside a setting instance).
        if key in self.atomic or is_script_summary(before) or is_script_summary(after):
            if canonical_bytes(before) != canonical_bytes(after):
                self.add((*path, key), category, before, after)
            return
        # The settingInstance wrapper of a settings-catalog element adds nothing to its name.
        self.diff(path if element and key == _INSTANCE else (*path, key), before, after, category)

    def diff(self, path: Trail, before: Any, after: Any, category: Category, element: bool = False) -> None:
        if before is after:
            return
        if isinstance(before, dict) and isinstance(after, dict):
            for key in _changed_keys(sorted(before.keys() | after.keys()), before, after):
                self.field(path, key, before.get(key), after.get(key), category, element)
            return
        if isinstance(before, list) and isinstance(after, list):
            if _all_scalars(before) and _all_scalars(after):
                if not _same_scalar_set(before, after):
                    self.scalar_set(path, before, after, category)
                return
            self.elements(path, before, after, category)
            return
        if isinstance(before, (dict, list)) or isinstance(after, (dict, list)) or not _same_scalar(before, after):
            self.add(path, category, before, after)

    def scalar_set(self, path: Trail, before: list[Any], after: list[Any], category: Category) -> None:
        if len(canonical_bytes(before)) <= MAX_VALUE_BYTES and len(canonical_bytes(after)) <= MAX_VALUE_BYTES:
            self.add(path, category, before, after)
            return
        # Too long to show whole (hundreds of group ids): name each value that came or went instead.
        old = {_scalar_identity(v): v for v in before}
        new = {_scalar_identity(v): v for v in after}
        for key in sorted(old.keys() ^ new.keys()):
            value = old[key] if key in old else new[key]
            self.add((*path, _scalar_text(value)), category, old.get(key), new.get(key))

    def elements(self, path: Trail, before: list[Any], after: list[Any], category: Category) -> None:
        left, left_free = _split_keyed(before)
        right, right_free = _split_keyed(after)
        for key in _changed_keys(sorted(left.keys() | right.keys()), left, right):
            self.diff((*path, key), left.get(key), right.get(key), category, element=True)
        if not left_free and not right_free:
            return
        pairs = pair_elements(self.contract, left_free, right_free)
        labels = _element_labels(left_free, right_free, pairs)
        for (was, now), label in zip(pairs, labels, strict=True):
            if was is not None and now is not None and canonical_bytes(was) == canonical_bytes(now):
                continue
            self.diff((*path, label) if label else path, was, now, category, element=True)

    def add(self, path: Trail, category: Category, before: Any, after: Any) -> None:
        self.cost += max(_leaves(before), _leaves(after), 1)
        change = Change(
            path="/".join(path),
            category=category,
            before=safe_value(before),
            after=safe_value(after),
            label="",
            beforeLabel=None,
            afterLabel=None,
            unresolved=[],
        )
        self.changes.append((path, change, before, after))


def _leaves(value: Any) -> int:
    """How many scalar values a JSON value holds (an absent value holds none)."""
    if isinstance(value, dict):
        return sum(_leaves(v) for v in value.values())
    if isinstance(value, list):
        return sum(_leaves(v) for v in value)
    return 0 if value is None else 1


def _split_keyed(values: list[Any]) -> tuple[dict[str, Any], list[Any]]:
    """Elements with a semantic key (duplicates get a content suffix), and those without one."""
    keyed: dict[str, Any] = {}
    free: list[Any] = []
    for element in values:
        key, _ = element_key(element)
        if not key:
            free.append(element)
            continue
        if key in keyed:
            key = f"{key}#{canonical_hash(element)[:12]}"
        keyed[key] = element
    return keyed, free


_NO_PAIR: Final = float("inf")
# Above this many candidate pairs the optimal assignment (cubic) gives way to a greedy one, and
# above the second bound (a whole collection replaced) elements are not paired at all.
_OPTIMAL_PAIRS: Final = 2_500
_ANY_PAIRS: Final = 40_000


def _pair_cost(contract: PolicyContract, before: Any, after: Any) -> int:
    differ = _Differ(contract)
    differ.diff((), before, after, "settings", element=True)
    return differ.cost


def pair_elements(contract: PolicyContract, before: list[Any], after: list[Any]) -> list[tuple[Any, Any]]:
    """Pair the elements of two unordered arrays that have no key, by best match.

    Identical elements pair first. The rest are paired so that the fewest changes remain, a change
    weighing as many leaves as it touches and an unpaired element as many leaves as it holds (so one
    changed rule among sixteen pairs its element, and an unrelated element is added, not twisted
    into another); two elements pair only when at least half their leaves agree, except when each
    side has exactly one. The result does not depend on the order of either input: both are sorted
    canonically first, and ties resolve by that order. Returns (before, after) pairs, None on the
    side an element is missing from, sorted by the canonical form of the pair. Large collections
    (over 2,500 candidate pairs) are paired greedily, cheapest first; over 40,000 (a collection
    replaced whole) elements are reported as removed and added.
    """
    left = sorted(before, key=canonical_bytes)
    right = sorted(after, key=canonical_bytes)
    pairs: list[tuple[Any, Any]] = []
    remaining: list[Any] = []
    pool: dict[bytes, list[Any]] = {}
    for element in right:
        pool.setdefault(canonical_bytes(element), []).append(element)
    for element in left:
        same = pool.get(canonical_bytes(element))
        if same:
            pairs.append((element, same.pop()))
        else:
            remaining.append(element)
    unmatched = [element for elements in pool.values() for element in elements]
    unmatched.sort(key=canonical_bytes)
    single = len(left) == len(right) == 1
    # Which side is matched against which is fixed by content, so swapping the inputs mirrors the result.
    if [canonical_bytes(e) for e in unmatched] < [canonical_bytes(e) for e in remaining]:
        pairs.extend((was, now) for now, was in _best_match(contract, unmatched, remaining, single))
    else:
        pairs.extend(_best_match(contract, remaining, unmatched, single))
    pairs.sort(key=lambda pair: canonical_bytes(list(pair)))
    return pairs


def _best_match(contract: PolicyContract, left: list[Any], right: list[Any], single: bool) -> list[tuple[Any, Any]]:
    if not left or not right or len(left) * len(right) > _ANY_PAIRS:
        return [(e, None) for e in left] + [(None, e) for e in right]
    if len(left) * len(right) > _OPTIMAL_PAIRS:
        return _greedy_match(contract, left, right)
    m, n = len(left), len(right)
    size = m + n
    # Rows: left elements, then one "added" slot per right element; columns: right elements, then
    # one "removed" slot per left element. Leaving an element unpaired costs its leaves.
    cost: list[list[float]] = [[_NO_PAIR] * size for _ in range(size)]
    for i, was in enumerate(left):
        held = _leaves(was)
        for j, now in enumerate(right):
            change = _pair_cost(contract, was, now)
            if single or 2 * change <= held + _leaves(now):
                cost[i][j] = change
        cost[i][n + i] = held
    for j, now in enumerate(right):
        cost[m + j][j] = _leaves(now)
        for k in range(m):
            cost[m + j][n + k] = 0
    assignment = _assign(cost)
    out: list[tuple[Any, Any]] = []
    for i, was in enumerate(left):
        j = assignment[i]
        out.append((was, right[j] if j < n else None))
    for j, now in enumerate(right):
        if assignment[m + j] == j:
            out.append((None, now))
    return out


def _greedy_match(contract: PolicyContract, left: list[Any], right: list[Any]) -> list[tuple[Any, Any]]:
    """Cheapest allowed pairs first (ties by position in the canonical order): for large collections."""
    held = [_leaves(e) for e in left]
    holds = [_leaves(e) for e in right]
    candidates: list[tuple[int, int, int]] = []
    for i, was in enumerate(left):
        for j, now in enumerate(right):
            change = _pair_cost(contract, was, now)
            if 2 * change <= held[i] + holds[j]:
                candidates.append((change, i, j))
    candidates.sort()
    used_left: dict[int, int] = {}
    used_right: set[int] = set()
    for _, i, j in candidates:
        if i not in used_left and j not in used_right:
            used_left[i] = j
            used_right.add(j)
    out = [(was, right[used_left[i]] if i in used_left else None) for i, was in enumerate(left)]
    out += [(None, now) for j, now in enumerate(right) if j not in used_right]
    return out


def _assign(cost: list[list[float]]) -> list[int]:
    """Minimum-cost perfect assignment of a square matrix (Hungarian method, O(n³)): row → column."""
    n = len(cost)
    big = sum(c for row in cost for c in row if c != _NO_PAIR) + 1
    u = [0.0] * (n + 1)
    v = [0.0] * (n + 1)
    match = [0] * (n + 1)  # column → row, 1-based; 0 = free
    way = [0] * (n + 1)
    for row in range(1, n + 1):
        match[0] = row
        column = 0
        least = [float("inf")] * (n + 1)
        used = [False] * (n + 1)
        while True:
            used[column] = True
            current = match[column]
            delta = float("inf")
            nxt = 0
            for j in range(1, n + 1):
                if used[j]:
                    continue
                value = cost[current - 1][j - 1]
                reduced = (big if value == _NO_PAIR else value) - u[current] - v[j]
                if reduced < least[j]:
                    least[j] = reduced
                    way[j] = column
                if least[j] < delta:
                    delta = least[j]
                    nxt = j
            for j in range(n + 1):
                if used[j]:
                    u[match[j]] += delta
                    v[j] -= delta
                else:
                    least[j] -= delta
            column = nxt
            if match[column] == 0:
                break
        while column:
            previous = way[column]
            match[column] = match[previous]
            column = previous
    result = [0] * n
    for j in range(1, n + 1):
        result[match[j] - 1] = j - 1
    return result


def _scalar_facets(value: Any, prefix: str, out: dict[str, str]) -> None:
    """The scalar leaves of an element by semantic path (keyed arrays by key; scalar sets skipped)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key != "@odata.type":
                _scalar_facets(inner, _join(prefix, key), out)
    elif isinstance(value, list):
        if not _all_scalars(value):
            keyed, _ = _split_keyed(value)
            for key, inner in keyed.items():
                _scalar_facets(inner, _join(prefix, key), out)
    elif value is not None:
        out[prefix] = _scalar_text(value)


def _element_labels(before: list[Any], after: list[Any], pairs: list[tuple[Any, Any]]) -> list[str]:
    """A name for each pair: none when each side has one element; else the value of a leaf that every
    element has, distinct within each side and unchanged within each pair (the shortest such
    values win, then the leaf path); else `#` and a digest of the element."""
    if len(before) == len(after) == 1:
        return ["" for _ in pairs]
    sides = [[_facets(e) for e in before], [_facets(e) for e in after]]
    paired = [
        (_facets(was) if was is not None else None, _facets(now) if now is not None else None) for was, now in pairs
    ]
    candidates: set[str] | None = None
    for side in sides:
        for facets in side:
            candidates = set(facets) if candidates is None else candidates & set(facets)
    chosen: str | None = None
    best: tuple[int, str] | None = None
    for leaf in sorted(candidates or ()):
        if any(len({f[leaf] for f in side}) != len(side) for side in sides):
            continue
        if any(was is not None and now is not None and was[leaf] != now[leaf] for was, now in paired):
            continue
        rank = (max(len(f[leaf]) for side in sides for f in side), leaf)
        if best is None or rank < best:
            best, chosen = rank, leaf
    labels: list[str] = []
    for (was, now), (was_facets, now_facets) in zip(pairs, paired, strict=True):
        present_facets = was_facets if was_facets is not None else now_facets
        if chosen is not None and present_facets is not None:
            labels.append(present_facets[chosen])
        else:
            # Symmetric in the two sides, so a comparison read backwards names its elements alike.
            present = sorted(canonical_bytes(e) for e in (was, now) if e is not None)
            labels.append("#" + sha256_hex(b"\n".join(present))[:8])
    return labels


def _facets(element: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    _scalar_facets(element, "", out)
    return out


def compare_items(
    contract: PolicyContract,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    labeller: Labeller | None = None,
) -> list[Change]:
    """The changes between two normalised versions of one item, sorted by path, each in words
    (`labeller`; without one, each change's label is its path)."""
    differ = _Differ(contract)
    differ.content(before.get("content") or {}, after.get("content") or {})
    old = {ASSIGNMENTS: before.get(ASSIGNMENTS) or []}
    new = {ASSIGNMENTS: after.get(ASSIGNMENTS) or []}
    if _changed_keys([ASSIGNMENTS], old, new):
        differ.diff((ASSIGNMENTS,), old[ASSIGNMENTS], new[ASSIGNMENTS], "assignments")
    # Stable sort: changes sharing a path (only with '/' inside keys) keep their deterministic walk order.
    ordered = sorted(differ.changes, key=lambda entry: entry[1]["path"])
    for trail, change, was, now in ordered:
        # Words come from the values as compared, not from a long one cut to its hash.
        if labeller is None:
            change["label"] = change["path"]
            continue
        words = labeller(trail, was, now)
        change["label"] = words["label"]
        change["beforeLabel"] = words["beforeLabel"]
        change["afterLabel"] = words["afterLabel"]
        change["unresolved"] = words["unresolved"]
    return [change for _, change, _, _ in ordered]


def modification_severity(contract: PolicyContract, changes: Iterable[Change]) -> Severity:
    """The highest severity the contract gives to any category among the changes."""
    severities = [contract.severity_for(c) for c in sorted({change["category"] for change in changes})]
    return max(severities, key=SEVERITY_RANK.__getitem__, default="low")


def _index(items: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    for item in items:
        key = str(item["id"])
        kept = out.get(key)
        # A duplicate id (Graph paging can repeat an object) keeps one copy chosen by content, not order.
        if kept is None or str(item["hash"]) < str(kept["hash"]):
            out[key] = item
    return out


def _type_problem(policy_type: str, entry: Any) -> str | None:
    if policy_type not in CONTRACTS:
        return "unknown_policy_type"
    if not isinstance(entry, Mapping):
        return "not_scanned"
    if entry.get("status") != "complete":
        return str(entry.get("errorCode") or "failed")
    return None


def _not_covered_code(policy_type: str, before: Any, after: Any) -> str | None:
    problem = _type_problem(policy_type, after)
    if problem is None and _type_problem(policy_type, before) is not None:
        # A baseline is a completed run, so this only happens with a hand-picked or damaged baseline.
        problem = "baseline_incomplete"
    return problem


@dataclass(frozen=True)
class _Run:
    tenant_id: str
    scope_key: str
    baseline_run_id: str
    current_run_id: str

    def draft(
        self,
        contract: PolicyContract,
        item: Mapping[str, Any],
        change_type: ChangeType,
        changes: list[Change],
        severity: Severity,
    ) -> FindingDraft:
        subject = str(item["id"])
        return FindingDraft(
            id=finding_id(self.tenant_id, self.scope_key, self.baseline_run_id, contract.key, subject, change_type),
            tenantId=self.tenant_id,
            scopeKey=self.scope_key,
            policyType=contract.key,
            subjectId=subject,
            displayName=str(item.get("displayName") or subject),
            changeType=change_type,
            categories=sorted({change["category"] for change in changes}),
            changeSummary=change_summary(changes),
            severity=severity,
            changes=changes,
            contentHash=str(item["hash"]),
            baselineRunId=self.baseline_run_id,
            currentRunId=self.current_run_id,
        )


def _compare_type(
    run: _Run,
    contract: PolicyContract,
    before: Iterable[Mapping[str, Any]],
    after: Iterable[Mapping[str, Any]],
    labeller: Labeller,
) -> list[FindingDraft]:
    old, new = _index(before), _index(after)
    drafts: list[FindingDraft] = []
    for subject in sorted(old.keys() | new.keys()):
        was, now = old.get(subject), new.get(subject)
        if was is None and now is not None:
            drafts.append(run.draft(contract, now, "added", [], contract.severity_for("added")))
        elif now is None and was is not None:
            drafts.append(run.draft(contract, was, "removed", [], contract.severity_for("removed")))
        elif was is not None and now is not None and was["hash"] != now["hash"]:
            # Equal hashes mean equal content: the deep walk is only paid for items that changed.
            changes = compare_items(contract, was, now, labeller)
            if changes:
                drafts.append(run.draft(contract, now, "modified", changes, modification_severity(contract, changes)))
    return drafts


def _require(document: Mapping[str, Any], field: str) -> str:
    value = document.get(field)
    if not isinstance(value, str) or not value:
        raise ComparisonError("snapshot_invalid", f"snapshot has no {field}")
    return value


def compare_snapshots(baseline: Mapping[str, Any], current: Mapping[str, Any], tenant_id: str) -> Comparison:
    """Compare a current snapshot with its baseline over the policy types complete in both."""
    for document in (baseline, current):
        if _require(document, "tenantId") != tenant_id:
            raise ComparisonError("tenant_mismatch", "snapshot belongs to another tenant")
    scope = _require(current, "scopeKey")
    if _require(baseline, "scopeKey") != scope:
        raise ComparisonError("scope_mismatch", "baseline and current snapshot have different scope keys")
    run = _Run(tenant_id, scope, _require(baseline, "runId"), _require(current, "runId"))
    old_types: Mapping[str, Any] = baseline.get("types") or {}
    new_types: Mapping[str, Any] = current.get("types") or {}
    # Snapshots written before references existed have none: their changes read with ids.
    old_refs, new_refs = baseline.get("references"), current.get("references")
    names = set(old_types) | set(new_types) | set(baseline.get("selection") or []) | set(current.get("selection") or [])
    findings: list[FindingDraft] = []
    covered: list[str] = []
    not_covered: list[NotCovered] = []
    for policy_type in sorted(names):
        was, now = old_types.get(policy_type), new_types.get(policy_type)
        code = _not_covered_code(policy_type, was, now)
        if code is not None or not isinstance(was, Mapping) or not isinstance(now, Mapping):
            not_covered.append(NotCovered(policyType=policy_type, errorCode=code or "invalid_type_entry"))
            continue
        covered.append(policy_type)
        contract = CONTRACTS[policy_type]
        labeller = ChangeLabeller(contract, old_refs, new_refs)
        findings.extend(_compare_type(run, contract, was.get("items") or [], now.get("items") or [], labeller))
    findings.sort(key=lambda f: (f["policyType"], f["subjectId"], f["changeType"]))
    return Comparison(
        tenant_id=tenant_id,
        scope_key=scope,
        baseline_run_id=run.baseline_run_id,
        current_run_id=run.current_run_id,
        findings=findings,
        covered=covered,
        not_covered=not_covered,
    )


def snapshot_coverage(snapshot: Mapping[str, Any]) -> Coverage:
    """Coverage of a single run (used when there is no baseline to compare with yet)."""
    types: Mapping[str, Any] = snapshot.get("types") or {}
    names = set(types) | set(snapshot.get("selection") or [])
    complete: list[str] = []
    failed: list[NotCovered] = []
    for policy_type in sorted(names):
        problem = _type_problem(policy_type, types.get(policy_type))
        if problem is None:
            complete.append(policy_type)
        else:
            failed.append(NotCovered(policyType=policy_type, errorCode=problem))
    return Coverage(complete=complete, failed=failed)
