"""Alignment (pure): how far a tenant's latest completed run is from a template (DESIGN §14).

Matching is by content, never by name or id.

- **Settings-based types** (a contract with a `SettingsLayout`: settings catalog, compliance v2): a
  template setting (definition id and value) is matched when the tenant's policies of the same type,
  platform and technologies hold it with the same value, whichever policy and however many. None
  holds it: `missing_setting` (`missing_policy` when none holds any setting of the template object).
  All holders agree on another value: `different_value`. Holders disagree among themselves:
  `conflicting` (Intune applies neither on a device that gets both), unless the template's own
  policies disagree in exactly the same way (the reference's conflict, mirrored, is no deviation).
- **Other types**: template objects are paired with tenant objects of the same type and `@odata.type`
  that differ least (fewest template properties differing first; then fewest extra properties; ties
  by content hash, then id). Pairing is greedy over all candidate pairs, each tenant object paired once; a template
  object left without a partner that shares a property is a `missing_policy`. Properties of a pair
  that differ are `different_value`.
- Variables are substituted into the template first; assignments count only when the template says
  `compareAssignments`. The result does not depend on the order of objects or settings.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from shared.core.alignment.labels import deviation_label, resolver_for
from shared.core.alignment.models import AlignmentCounts, Deviation, DeviationKind, TemplateAlignment
from shared.core.alignment.units import (
    assignment_units,
    partition_value,
    property_units,
    setting_display,
    settings_of,
    value_key,
)
from shared.core.alignment.variables import substitute, substitution
from shared.core.contracts import CONTRACTS, PolicyContract, SettingsLayout
from shared.core.drift import safe_value
from shared.core.drift.labels import Resolver

# The most deviations kept per template; counts and score always cover all of them.
MAX_DEVIATIONS: Final = 1000
_KIND_ORDER: Final = {"missing_policy": 0, "missing_setting": 1, "different_value": 2, "conflicting": 3}


@dataclass
class _Tally:
    """Units by outcome, and the deviations found, for one template."""

    matched: int = 0
    missing: int = 0
    different: int = 0
    conflicting: int = 0
    deviations: list[Deviation] = field(default_factory=list)
    # Names for deviation labels (the tenant run's references, then the template's).
    resolver: Resolver = field(default_factory=Resolver)

    def deviation(
        self,
        kind: DeviationKind,
        contract: PolicyContract,
        template_item: Mapping[str, Any],
        tenant_ids: list[str],
        path: str,
        expected: Any,
        actual: Any,
    ) -> None:
        self.deviations.append(
            Deviation(
                kind=kind,
                policyType=contract.key,
                templateObjectId=str(template_item["id"]),
                templateDisplayName=str(template_item.get("displayName") or template_item["id"]),
                tenantObjectIds=sorted(set(tenant_ids)),
                path=path,
                label=deviation_label(contract, path, self.resolver),
                expected=safe_value(expected),
                actual=safe_value(actual),
            )
        )


def _partition(layout: SettingsLayout, content: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(value_key(partition_value(content.get(name))) for name in layout.partition)


@dataclass(frozen=True)
class _Held:
    """One tenant policy's value of one setting."""

    object_id: str
    key: bytes
    value: Any


def _align_settings(
    contract: PolicyContract,
    layout: SettingsLayout,
    template_items: Sequence[Mapping[str, Any]],
    tenant_items: Sequence[Mapping[str, Any]],
    compare_assignments: bool,
    tally: _Tally,
) -> None:
    pool: dict[tuple[tuple[Any, ...], str], list[_Held]] = defaultdict(list)
    tenant_assignments: dict[str, dict[str, Any]] = {}
    for item in tenant_items:
        content = item.get("content") or {}
        partition = _partition(layout, content)
        object_id = str(item["id"])
        for definition, value, key in settings_of(content, layout.collection):
            pool[(partition, definition)].append(_Held(object_id, key, value))
        if compare_assignments:
            tenant_assignments[object_id] = assignment_units(list(item.get("assignments") or []))

    # What the template itself holds: a conflict the reference has too is the template's, not a deviation.
    expected_values: dict[tuple[tuple[Any, ...], str], set[bytes]] = defaultdict(set)
    for template in template_items:
        content = template.get("content") or {}
        for definition, _, key in settings_of(content, layout.collection):
            expected_values[(_partition(layout, content), definition)].add(key)

    for template in template_items:
        content = template.get("content") or {}
        partition = _partition(layout, content)
        settings = sorted(settings_of(content, layout.collection), key=lambda setting: setting[0])
        if not settings:  # an empty policy asks nothing of a tenant (its assignments reach no setting)
            continue
        wanted = assignment_units(list(template.get("assignments") or [])) if compare_assignments else {}
        found = {definition: pool.get((partition, definition), []) for definition, _, _ in settings}
        holders = sorted({h.object_id for held in found.values() for h in held})
        if not holders:
            units = len(settings) + len(wanted)
            if units:
                tally.missing += units
                tally.deviation("missing_policy", contract, template, [], "", {"settings": units}, None)
            continue
        for definition, value, key in settings:
            path = f"{layout.collection}/{definition}"
            held = found[definition]
            distinct = {h.key: h for h in held}
            if not held:
                tally.missing += 1
                tally.deviation("missing_setting", contract, template, [], path, setting_display(value), None)
            elif len(distinct) > 1 and set(distinct) == expected_values[(partition, definition)]:
                tally.matched += 1
            elif len(distinct) > 1:
                tally.conflicting += 1
                actual = [setting_display(distinct[k].value) for k in sorted(distinct)]
                tally.deviation(
                    "conflicting", contract, template, [h.object_id for h in held], path, setting_display(value), actual
                )
            elif key in distinct:
                tally.matched += 1
            else:
                tally.different += 1
                (only,) = distinct.values()
                tally.deviation(
                    "different_value",
                    contract,
                    template,
                    [h.object_id for h in held],
                    path,
                    setting_display(value),
                    setting_display(only.value),
                )
        for path, expected in sorted(wanted.items()):
            # The settings reach the template's targets only if a policy holding them is assigned there.
            offered = [(oid, tenant_assignments[oid][path]) for oid in holders if path in tenant_assignments[oid]]
            if any(value_key(v) == value_key(expected) for _, v in offered):
                tally.matched += 1
            else:
                tally.different += 1
                tally.deviation(
                    "different_value", contract, template, holders, path, expected, offered[0][1] if offered else None
                )


@dataclass(frozen=True)
class _Object:
    item: Mapping[str, Any]
    units: dict[str, Any]
    keys: dict[str, bytes]
    object_id: str
    # Ties between equally good pairs are broken by content, then id: never by input order.
    order: tuple[str, str]


def _object(contract: PolicyContract, item: Mapping[str, Any], compare_assignments: bool) -> _Object:
    units = property_units(contract, item.get("content") or {})
    if compare_assignments and units:
        units.update(assignment_units(list(item.get("assignments") or [])))
    object_id = str(item["id"])
    keys = {path: value_key(value) for path, value in units.items()}
    return _Object(item, units, keys, object_id, (str(item.get("hash") or ""), object_id))


def _subtype(item: Mapping[str, Any]) -> str:
    return str(item.get("odataType") or (item.get("content") or {}).get("@odata.type") or "")


def _pair(templates: list[_Object], tenants: list[_Object]) -> dict[int, tuple[int, int]]:
    """Template index → (tenant index, matched units), greedy on the least-differing pairs first.

    Greedy rather than an optimal assignment (Hungarian): that would need numpy/scipy in the deployed
    app, and for templates whose objects differ from each other both give the same pairs."""
    postings: dict[tuple[str, bytes], list[int]] = defaultdict(list)
    for j, candidate in enumerate(tenants):
        for unit in candidate.keys.items():
            postings[unit].append(j)
    ranked: list[tuple[int, int, tuple[str, str], tuple[str, str], int, int, int]] = []
    for i, template in enumerate(templates):
        shared = Counter(j for unit in template.keys.items() for j in postings.get(unit, ()))
        for j, matched in shared.items():
            differing = len(template.keys) - matched
            extra = len(tenants[j].keys) - matched
            ranked.append((differing, extra, tenants[j].order, template.order, i, j, matched))
    ranked.sort()
    pairs: dict[int, tuple[int, int]] = {}
    taken: set[int] = set()
    for *_rank, i, j, matched in ranked:
        if i in pairs or j in taken:
            continue
        pairs[i] = (j, matched)
        taken.add(j)
    return pairs


def _align_paired(
    contract: PolicyContract,
    template_items: Sequence[Mapping[str, Any]],
    tenant_items: Sequence[Mapping[str, Any]],
    compare_assignments: bool,
    tally: _Tally,
) -> None:
    groups: dict[str, tuple[list[_Object], list[_Object]]] = defaultdict(lambda: ([], []))
    for item in template_items:
        made = _object(contract, item, compare_assignments)
        if made.units:  # an object of names only (e.g. a bare scope tag) has nothing to align
            groups[_subtype(item)][0].append(made)
    for item in tenant_items:
        groups[_subtype(item)][1].append(_object(contract, item, compare_assignments))
    for subtype in sorted(groups):
        templates, tenants = groups[subtype]
        if not templates:
            continue
        templates.sort(key=lambda o: o.order)
        tenants.sort(key=lambda o: o.order)
        pairs = _pair(templates, tenants)
        for i, template in enumerate(templates):
            if i not in pairs:
                tally.missing += len(template.units)
                tally.deviation(
                    "missing_policy", contract, template.item, [], "", {"properties": len(template.units)}, None
                )
                continue
            j, matched = pairs[i]
            partner = tenants[j]
            tally.matched += matched
            for path in sorted(template.units):
                if partner.keys.get(path) == template.keys[path]:
                    continue
                tally.different += 1
                tally.deviation(
                    "different_value",
                    contract,
                    template.item,
                    [partner.object_id],
                    path,
                    template.units[path],
                    partner.units.get(path),
                )


def score(counts: AlignmentCounts) -> float:
    """The matched share in percent, one decimal, rounded down (100.0 only with nothing missing)."""
    total = counts["matched"] + counts["missing"] + counts["different"] + counts["conflicting"]
    if total == 0:
        return 100.0
    return (counts["matched"] * 1000 // total) / 10


def _sort_key(deviation: Deviation) -> tuple[str, str, str, int]:
    return (
        deviation["policyType"],
        deviation["templateObjectId"],
        deviation["path"],
        _KIND_ORDER[deviation["kind"]],
    )


def _substituted(item: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    # Only what is compared: the item's own id and name stay those of the source tenant.
    out = dict(item)
    out["content"] = substitute(item.get("content") or {}, mapping)
    out["assignments"] = substitute(list(item.get("assignments") or []), mapping)
    return out


def align(
    template: Mapping[str, Any], tenant_run: Mapping[str, Any], tenant_values: Mapping[str, str]
) -> TemplateAlignment:
    """Measure one tenant run (a snapshot document whose items of the template's types are whole)
    against one template document, with the tenant's values for the template's variables."""
    mapping = substitution(template.get("variables") or {}, tenant_values)
    compare = bool(template.get("compareAssignments"))
    run_types: Mapping[str, Any] = tenant_run.get("types") or {}
    tally = _Tally(resolver=resolver_for(tenant_run, template))
    not_covered: list[str] = []
    for policy_type, items in sorted((template.get("types") or {}).items()):
        contract = CONTRACTS.get(policy_type)
        entry = run_types.get(policy_type)
        if contract is None or not isinstance(entry, Mapping) or entry.get("status") != "complete":
            not_covered.append(policy_type)
            continue
        template_items = [_substituted(item, mapping) for item in items]
        tenant_items = list(entry.get("items") or [])
        if contract.settings_layout is not None:
            _align_settings(contract, contract.settings_layout, template_items, tenant_items, compare, tally)
        else:
            _align_paired(contract, template_items, tenant_items, compare, tally)
    counts = AlignmentCounts(
        matched=tally.matched, missing=tally.missing, different=tally.different, conflicting=tally.conflicting
    )
    deviations = sorted(tally.deviations, key=_sort_key)
    return TemplateAlignment(
        templateId=str(template["templateId"]),
        displayName=str(template.get("displayName") or template["templateId"]),
        version=int(template["version"]),
        runId=str(tenant_run["runId"]),
        state="ready",
        score=score(counts),
        counts=counts,
        deviations=deviations[:MAX_DEVIATIONS],
        deviationsOmitted=max(0, len(deviations) - MAX_DEVIATIONS),
        notCovered=not_covered,
    )


def waiting_for_run(template: Mapping[str, Any]) -> TemplateAlignment:
    """The alignment of a tenant that has no completed run yet: nothing to measure."""
    return TemplateAlignment(
        templateId=str(template["templateId"]),
        displayName=str(template.get("displayName") or template["templateId"]),
        version=int(template["version"]),
        runId=None,
        state="no_completed_run",
        score=None,
        counts=AlignmentCounts(matched=0, missing=0, different=0, conflicting=0),
        deviations=[],
        deviationsOmitted=0,
        notCovered=[],
    )
