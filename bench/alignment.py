"""Benchmark: alignment of a 1,500-object tenant against a 1,500-object template (DESIGN §14). Prints JSON.

The template is frozen from a simulated reference tenant; the measured tenant is its twin under other
ids and names (`clone_tenant`), with 3 % of its objects edited and every collection and array
shuffled. Measured in one run, in the pure core (both snapshots already parsed):
- `align` of the twin against the template (content matching: settings across all policies of a
  platform, least-difference pairing for the other types, variables substituted);
- `compare_snapshots` of two snapshots of the same size (the reference before and after the same
  edits), which pairs items by id and skips equal hashes: the drift comparison the scan pays anyway.
The ratio says what alignment adds per scan.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from typing import Any

from bench.diff import _median_seconds
from devtools.graphsim import SimTenant, clone_tenant, generate_tenant
from devtools.graphsim.catalog import TYPE_KEYS
from shared.core.alignment import align, freeze_template
from shared.core.alignment.template import compared_values
from shared.core.alignment.variables import strings_in
from shared.core.contracts import CONTRACTS
from shared.core.drift import compare_snapshots
from shared.core.ids import new_run_id
from shared.core.normalise import normalise_item
from shared.core.scope import scope_key

REFERENCE = "b1000000-0000-4000-8000-000000000001"
TWIN = "b2000000-0000-4000-8000-000000000002"
KEY = b"bench-alignment-key"


def snapshot_of(sim: SimTenant, run_id: str) -> dict[str, Any]:
    """The snapshot document a scan of the simulated tenant would write (items normalised as the scan does)."""
    types = {}
    for type_key in TYPE_KEYS:
        # Microsoft's built-in store apps are listed by Graph but never scanned.
        items = [
            normalise_item(CONTRACTS[type_key], raw, KEY)
            for key, raw in zip(sim.ids(type_key), sim.objects(type_key), strict=True)
            if not sim.is_builtin(type_key, key)
        ]
        types[type_key] = {"status": "complete", "errorCode": None, "error": None, "itemCount": len(items),
                           "items": items}  # fmt: skip
    selection = sorted(types)
    return {
        "schemaVersion": 1, "tenantId": sim.tenant_id, "runId": run_id, "scopeKey": scope_key(selection),
        "selection": selection, "status": "completed", "startedAt": "2026-01-01T00:00:00.000Z",
        "finishedAt": "2026-01-01T00:00:01.000Z", "types": types,
    }  # fmt: skip


def edit(sim: SimTenant, share: float, rng: random.Random) -> int:
    """Change one property or setting value in `share` of the objects (what a technician does)."""
    edited = 0
    for type_key in TYPE_KEYS:
        for object_id in sim.ids(type_key):
            if rng.random() >= share or sim.is_builtin(type_key, object_id):
                continue

            def change(obj: dict[str, Any]) -> None:
                for row in obj.get("settings") or []:
                    value = (row.get("settingInstance") or {}).get("choiceSettingValue")
                    if isinstance(value, dict) and isinstance(value.get("value"), str):
                        value["value"] = value["value"][:-1] + ("0" if value["value"].endswith("1") else "1")
                        return
                obj["description"] = "edited"
                for key, value in sorted(obj.items()):
                    if isinstance(value, bool):
                        obj[key] = not value
                        return
                    if isinstance(value, int):
                        obj[key] = value + 1
                        return

            sim.update(type_key, object_id, change)
            edited += 1
    return edited


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--objects", type=int, default=1500)
    parser.add_argument("--changed", type=float, default=0.03)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    reference = generate_tenant(seed=1500, size=args.objects, name="Bench reference", tenant_id=REFERENCE)
    baseline = snapshot_of(reference, new_run_id())
    twin, ids = clone_tenant(reference, "Bench twin", TWIN, name_prefix="Twin ", seed=1501)
    edited = edit(twin, args.changed, random.Random(7))
    edit(reference, args.changed, random.Random(7))  # the same edits, for the drift comparison
    twin.shuffle_order(3)
    reference.shuffle_order(3)
    twin_run = snapshot_of(twin, new_run_id())
    current = snapshot_of(reference, new_run_id())

    present: set[str] = set()
    for policy_type, entry in baseline["types"].items():
        for item in entry["items"]:
            present.update(strings_in(compared_values(CONTRACTS[policy_type], item, False)))
    used = sorted(old for old in ids if old in present)
    template = freeze_template(
        template_id="bench", version=1, display_name="Bench", snapshot=baseline, objects=None,
        variables={f"v{n}": old for n, old in enumerate(used)}, compare_assignments=False,
        created_at="2026-01-01T00:00:00.000Z",
    )  # fmt: skip
    values = {f"v{n}": ids[old] for n, old in enumerate(used)}

    result = align(template, twin_run, values)
    alignment = _median_seconds(lambda: align(template, twin_run, values), args.repeats)
    comparison_result = compare_snapshots(baseline, current, REFERENCE)
    comparison = _median_seconds(lambda: compare_snapshots(baseline, current, REFERENCE), args.repeats)
    objects = sum(len(items) for items in template["types"].values())
    report = {
        "benchmark": "alignment",
        "templateObjects": objects,
        "tenantObjects": sum(len(e["items"]) for e in twin_run["types"].values()),
        "editedObjects": edited,
        "variables": len(values),
        "alignment": {
            "seconds": round(alignment, 4),
            "perObjectMicros": round(alignment / objects * 1e6, 1),
            "score": result["score"],
            "counts": result["counts"],
            "deviations": len(result["deviations"]) + result["deviationsOmitted"],
        },
        "comparison": {
            "seconds": round(comparison, 4),
            "perObjectMicros": round(comparison / objects * 1e6, 1),
            "findings": len(comparison_result.findings),
        },
        "ratio": round(alignment / comparison, 2),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
