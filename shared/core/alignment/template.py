"""Templates (pure): a frozen copy of chosen objects from one completed run of a reference tenant.

A template document is stored once per version and never changed (DESIGN §14):

    {"schemaVersion": 1, "templateId", "version", "displayName", "sourceTenantId", "runId",
     "compareAssignments", "variables": {name: value in the source tenant}, "createdAt",
     "types": {policyType: [snapshot items, sorted by id]},
     "references": the source run's names (snapshot `references`), so deviations name settings
                   the tenant does not hold; absent in templates frozen before it existed}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final, TypedDict

from shared.core.alignment.models import TemplateObject
from shared.core.alignment.units import assignment_units, property_units, settings_of
from shared.core.alignment.variables import require_distinct_values, strings_in
from shared.core.contracts import CONTRACTS, PolicyContract, contract_for
from shared.errors import ValidationError

TEMPLATE_SCHEMA_VERSION: Final = 1
MAX_TEMPLATE_OBJECTS: Final = 5000


class ObjectRef(TypedDict):
    """One object chosen for a template: its policy type and Graph id in the source run."""

    policyType: str
    id: str


def compared_values(contract: PolicyContract, item: Mapping[str, Any], compare_assignments: bool) -> list[Any]:
    """The values alignment compares of one item: its settings, or its properties, and its assignments
    when the template compares them."""
    content: Mapping[str, Any] = item.get("content") or {}
    layout = contract.settings_layout
    values: list[Any] = (
        [value for _, value, _ in settings_of(content, layout.collection)]
        if layout
        else list(property_units(contract, content).values())
    )
    if compare_assignments and values:
        values.extend(assignment_units(list(item.get("assignments") or [])).values())
    return values


def unit_count(contract: PolicyContract, item: Mapping[str, Any], compare_assignments: bool) -> int:
    """How many settings (or properties, and assignments when compared) an item puts in the score."""
    return len(compared_values(contract, item, compare_assignments))


def _choose(snapshot: Mapping[str, Any], wanted: list[ObjectRef] | None) -> dict[str, list[dict[str, Any]]]:
    types: Mapping[str, Any] = snapshot.get("types") or {}
    chosen: dict[str, list[dict[str, Any]]] = {}
    if wanted is None:
        for policy_type in sorted(types):
            entry = types[policy_type]
            if policy_type in CONTRACTS and entry.get("status") == "complete" and entry.get("items"):
                chosen[policy_type] = list(entry["items"])
        return chosen
    seen: set[tuple[str, str]] = set()
    by_type: dict[str, dict[str, dict[str, Any]]] = {}
    for ref in wanted:
        policy_type, object_id = ref["policyType"], ref["id"]
        contract_for(policy_type)
        if (policy_type, object_id) in seen:
            raise ValidationError(f"object {policy_type}/{object_id} is listed twice", "duplicate_object")
        seen.add((policy_type, object_id))
        if policy_type not in by_type:
            entry = types.get(policy_type) or {}
            by_type[policy_type] = {str(i["id"]): i for i in entry.get("items") or []}
        item = by_type[policy_type].get(object_id)
        if item is None:
            raise ValidationError(
                f"object {policy_type}/{object_id} is not in run {snapshot.get('runId')}", "unknown_object"
            )
        chosen.setdefault(policy_type, []).append(item)
    return chosen


def freeze_template(
    *,
    template_id: str,
    version: int,
    display_name: str,
    snapshot: Mapping[str, Any],
    objects: list[ObjectRef] | None,
    variables: Mapping[str, str],
    compare_assignments: bool,
    created_at: str,
) -> dict[str, Any]:
    """The template document of one version. Bad input raises ValidationError: an object not in the
    run, an empty choice, or a variable whose value appears in none of the compared values."""
    chosen = _choose(snapshot, objects)
    count = sum(len(items) for items in chosen.values())
    if count == 0:
        raise ValidationError("the template would hold no object: the run has none of the chosen ones", "no_objects")
    if count > MAX_TEMPLATE_OBJECTS:
        raise ValidationError(f"a template holds at most {MAX_TEMPLATE_OBJECTS} objects", "too_many_objects")
    require_distinct_values(variables)
    if variables:
        present: set[str] = set()
        for policy_type, items in chosen.items():
            contract = CONTRACTS[policy_type]
            for item in items:
                present.update(strings_in(compared_values(contract, item, compare_assignments)))
        for name in sorted(variables):
            if variables[name] not in present:
                raise ValidationError(
                    f"variable {name} names nothing: its value is in none of the template's compared settings",
                    "variable_names_nothing",
                )
    return {
        "schemaVersion": TEMPLATE_SCHEMA_VERSION,
        "templateId": template_id,
        "version": version,
        "displayName": display_name,
        "sourceTenantId": snapshot.get("tenantId"),
        "runId": snapshot.get("runId"),
        "compareAssignments": compare_assignments,
        "variables": dict(sorted(variables.items())),
        "createdAt": created_at,
        "types": {t: sorted(items, key=lambda i: str(i["id"])) for t, items in sorted(chosen.items())},
        "references": dict(snapshot.get("references") or {}),
    }


def template_objects(document: Mapping[str, Any]) -> list[TemplateObject]:
    """The objects of a template document as the API lists them."""
    compare = bool(document.get("compareAssignments"))
    out: list[TemplateObject] = []
    for policy_type, items in sorted((document.get("types") or {}).items()):
        contract = CONTRACTS.get(policy_type)
        for item in items:
            out.append(
                TemplateObject(
                    policyType=policy_type,
                    id=str(item["id"]),
                    displayName=str(item.get("displayName") or item["id"]),
                    settingsCount=unit_count(contract, item, compare) if contract else 0,
                )
            )
    return out


def policy_types(document: Mapping[str, Any]) -> Iterable[str]:
    """The policy types a template holds."""
    return sorted((document.get("types") or {}).keys())
