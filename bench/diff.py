"""Benchmark: drift detection on two 10,000-item snapshots (DESIGN §8). Prints JSON.

Two snapshots of ~5 KB items, 3 % changed, item order and arrays shuffled, stored in Azurite.
Measured in one run:
- the comparison's per-item time against DeepDiff(ignore_order=True) on the same pairs;
- the whole detection (download, parse, compare, write findings, history and summary) against only
  downloading and parsing the two snapshots;
- the detection's peak traced memory against one uncompressed snapshot;
- the same detection ratio for a small tenant (`--small-items`, 1,500 by default), where the fixed
  costs of a detection (storage round trips) weigh most: target 1.5x.
"""

from __future__ import annotations

import argparse
import copy
import gzip
import json
import os
import random
import statistics
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable
from typing import Any

from deepdiff import DeepDiff

from devtools.azurite import Azurite
from shared.core.contracts import CONTRACTS
from shared.core.drift import compare_items, compare_snapshots
from shared.core.ids import new_run_id
from shared.core.normalise import normalise_item
from shared.core.scope import scope_key
from shared.core.snapshot.document import encode_snapshot, snapshot_path

TYPES = ("settingsCatalogPolicy", "deviceConfiguration", "deviceCompliancePolicy", "conditionalAccessPolicy")


def _setting(rng: random.Random, index: int) -> dict[str, Any]:
    definition = f"device_vendor_msft_policy_config_area{index % 37}_setting_{index:04d}"
    if index % 3 == 0:
        value: dict[str, Any] = {
            "choiceSettingValue": {
                "value": f"{definition}_{rng.randint(0, 2)}",
                "children": [
                    {
                        "@odata.type": "#microsoft.graph.deviceManagementConfigurationSimpleSettingInstance",
                        "settingDefinitionId": f"{definition}_child",
                        "simpleSettingValue": {"value": rng.randint(0, 500)},
                    }
                ],
            }
        }
    else:
        value = {
            "simpleSettingValue": {
                "@odata.type": "#microsoft.graph.deviceManagementConfigurationIntegerSettingValue",
                "value": rng.randint(0, 10_000),
            }
        }
    return {"id": str(index), "settingInstance": {"settingDefinitionId": definition, **value}}


def _raw_item(rng: random.Random, policy_type: str, number: int) -> dict[str, Any]:
    base = {
        "id": str(uuid.UUID(int=rng.getrandbits(128))),
        "displayName": f"{policy_type} {number:05d} baseline",
        "name": f"{policy_type} {number:05d} baseline",
        "description": "Managed by the MSP baseline; do not edit in the portal.",
        "createdDateTime": "2025-01-01T00:00:00Z",
        "lastModifiedDateTime": "2025-06-01T00:00:00Z",
        "roleScopeTagIds": [str(rng.randint(0, 9)) for _ in range(3)],
        "settings": [_setting(rng, rng.randint(0, 4000)) for _ in range(16)],
        "assignments": [
            {"id": str(i), "target": {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": str(uuid.UUID(int=rng.getrandbits(128)))}}
            for i in range(3)
        ],
    }  # fmt: skip
    return base


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {k: _shuffled(value[k], rng) for k in keys}
    if isinstance(value, list):
        items = [_shuffled(v, rng) for v in value]
        rng.shuffle(items)
        return items
    return value


def build_snapshots(
    tenant_id: str, count: int, changed_ratio: float, seed: int
) -> tuple[dict[str, Any], dict[str, Any], int]:
    """Baseline and current snapshot documents, and how many items were changed."""
    rng = random.Random(seed)
    raws = [(TYPES[i % len(TYPES)], _raw_item(rng, TYPES[i % len(TYPES)], i)) for i in range(count)]
    changed = set(rng.sample(range(count), int(count * changed_ratio)))
    current_raws = []
    for index, (policy_type, raw) in enumerate(raws):
        new = copy.deepcopy(raw)
        if index in changed:
            kind = index % 3
            if kind == 0:
                new["settings"][0]["settingInstance"]["settingDefinitionId"] += "_v2"
            elif kind == 1 and CONTRACTS[policy_type].has_assignments:
                new["assignments"].append(
                    {
                        "id": "x",
                        "target": {
                            "@odata.type": "#microsoft.graph.exclusionGroupAssignmentTarget",
                            "groupId": "pilot",
                        },
                    }
                )
            elif kind == 1:
                new["description"] = "Changed outside the baseline."
            else:
                new["displayName"] = new["name"] = raw["displayName"].replace("baseline", "edited")
        new["lastModifiedDateTime"] = "2025-07-01T00:00:00Z"
        current_raws.append((policy_type, _shuffled(new, rng)))
    rng.shuffle(current_raws)
    selection = sorted(TYPES)
    scope = scope_key(selection)

    def document(items: list[tuple[str, dict[str, Any]]], run_id: str) -> dict[str, Any]:
        types: dict[str, Any] = {
            t: {"status": "complete", "errorCode": None, "error": None, "items": []} for t in selection
        }
        for policy_type, raw in items:
            types[policy_type]["items"].append(normalise_item(CONTRACTS[policy_type], raw, b"bench-key"))
        for entry in types.values():
            entry["itemCount"] = len(entry["items"])
        return {
            "schemaVersion": 1, "tenantId": tenant_id, "runId": run_id, "scopeKey": scope, "selection": selection,
            "status": "completed", "startedAt": "2026-01-01T00:00:00Z", "finishedAt": "2026-01-01T00:05:00Z", "types": types,
        }  # fmt: skip

    baseline_run = new_run_id()
    time.sleep(0.002)
    current_run = new_run_id()
    return document(raws, baseline_run), document(current_raws, current_run), len(changed)


def _median_seconds(fn: Callable[[], Any], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure_comparison(
    baseline: dict[str, Any], current: dict[str, Any], tenant_id: str, sample_size: int, repeats: int
) -> tuple[dict[str, Any], int]:
    """The engine on every pair vs DeepDiff(ignore_order=True) on a sample of the same pairs."""
    ours_all = _median_seconds(lambda: compare_snapshots(baseline, current, tenant_id), repeats)
    index = {(t, i["id"]): i for t, e in baseline["types"].items() for i in e["items"]}
    pairs = [
        (t, index[(t, i["id"])], i) for t, e in current["types"].items() for i in e["items"] if (t, i["id"]) in index
    ]
    rng = random.Random(1)
    changed_pairs = [p for p in pairs if p[1]["hash"] != p[2]["hash"]]
    same_pairs = [p for p in pairs if p[1]["hash"] == p[2]["hash"]]
    n_changed = max(1, round(sample_size * len(changed_pairs) / len(pairs)))
    sample = rng.sample(changed_pairs, n_changed) + rng.sample(same_pairs, sample_size - n_changed)
    started = time.perf_counter()
    for _t, before, after in sample:
        DeepDiff(before, after, ignore_order=True)
    deepdiff_per_item = (time.perf_counter() - started) / len(sample)
    ours_per_item = ours_all / len(pairs)
    started = time.perf_counter()
    for t, before, after in changed_pairs:
        compare_items(CONTRACTS[t], before, after)
    ours_changed = (time.perf_counter() - started) / len(changed_pairs)
    started = time.perf_counter()
    for _t, before, after in changed_pairs[: min(60, len(changed_pairs))]:
        DeepDiff(before, after, ignore_order=True)
    deepdiff_changed = (time.perf_counter() - started) / min(60, len(changed_pairs))

    report = {
        "oursPerItemMicros": round(ours_per_item * 1e6, 2),
        "deepdiffPerItemMicros": round(deepdiff_per_item * 1e6, 2),
        "speedup": round(deepdiff_per_item / ours_per_item, 1),
        "changedPairsOnly": {
            "oursPerItemMicros": round(ours_changed * 1e6, 2),
            "deepdiffPerItemMicros": round(deepdiff_changed * 1e6, 2),
            "speedup": round(deepdiff_changed / ours_changed, 1),
        },
        "deepdiffSamplePairs": sample_size,
    }
    return report, len(changed_pairs)


def measure_detection(
    tenant_id: str,
    svc_runs: tuple[str, str],
    runs: list[tuple[str, str, str]],
    selection: list[str],
    scope: str,
    baseline_gz: bytes,
    current_gz: bytes,
    repeats: int,
    memory: bool,
) -> tuple[float, float, int, int]:
    """(detection seconds, download-and-parse seconds, findings written, peak traced bytes), medians,
    against the Azurite named by AzureWebJobsStorage; each detection in tables of its own."""
    from shared.flows.drift import detect
    from shared.storage.stores import Stores, get_stores

    def services_for(prefix: str) -> Stores:
        os.environ["TABLE_NAME_PREFIX"] = prefix
        stores = get_stores()
        # Tables exist in a deployment: create them before the clock starts, not inside a detection.
        for name in ("findings", "history", "summaries", "baselines"):
            getattr(stores, name)
        stores.tenants.upsert(tenant_id, "Bench tenant", True, selection, [])
        for run_id, started_at, finished_at in runs:
            stores.runs.start(tenant_id, run_id, scope, selection, "schedule", started_at)
            stores.runs.finish(tenant_id, run_id, "completed", finished_at, {})
        return stores

    stores = services_for("benchseed")
    stores.snapshots.create(snapshot_path(tenant_id, svc_runs[0]), baseline_gz)
    stores.snapshots.create(snapshot_path(tenant_id, svc_runs[1]), current_gz)

    def download_and_parse() -> None:
        for run_id in svc_runs:
            json.loads(gzip.decompress(stores.snapshots.read(snapshot_path(tenant_id, run_id)) or b""))

    download_and_parse()  # warm: both measurements start with connections open
    reference = _median_seconds(download_and_parse, repeats)
    detections: list[float] = []
    written = 0
    for attempt in range(repeats):
        run_svc = services_for(f"bench{attempt}{uuid.uuid4().hex[:6]}")
        started = time.perf_counter()
        data = run_svc.snapshots.read(snapshot_path(tenant_id, svc_runs[1])) or b""
        outcome = detect(f"snapshots/{tenant_id}/{svc_runs[1]}.json.gz", data, run_svc)
        detections.append(time.perf_counter() - started)
        written = outcome.findings_written
    peak = 0
    if memory:
        mem_svc = services_for(f"benchmem{uuid.uuid4().hex[:6]}")
        tracemalloc.start()
        data = mem_svc.snapshots.read(snapshot_path(tenant_id, svc_runs[1])) or b""
        detect(f"snapshots/{tenant_id}/{svc_runs[1]}.json.gz", data, mem_svc)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return statistics.median(detections), reference, written, peak


def measure_small(items: int, changed_ratio: float, repeats: int) -> dict[str, Any]:
    """The detection ratio for a small tenant."""
    tenant_id = str(uuid.uuid4())
    baseline, current, changed = build_snapshots(tenant_id, items, changed_ratio, seed=9)
    runs = [(d["runId"], d["startedAt"], d["finishedAt"]) for d in (baseline, current)]
    detection, reference, written, _ = measure_detection(
        tenant_id, (runs[0][0], runs[1][0]), runs, current["selection"], current["scopeKey"],
        encode_snapshot(baseline), encode_snapshot(current), repeats, memory=False,
    )  # fmt: skip
    return {
        "items": items,
        "changedItems": changed,
        "seconds": round(detection, 4),
        "downloadAndParseSeconds": round(reference, 4),
        "ratio": round(detection / reference, 3),
        "findingsWritten": written,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--changed", type=float, default=0.03)
    parser.add_argument("--deepdiff-sample", type=int, default=300, help="pairs DeepDiff compares (it is slow)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--small-items", type=int, default=1500, help="the small tenant (0: skip it)")
    args = parser.parse_args(argv)

    tenant_id = str(uuid.uuid4())
    baseline, current, changed = build_snapshots(tenant_id, args.items, args.changed, seed=8)
    baseline_gz, current_gz = encode_snapshot(baseline), encode_snapshot(current)
    uncompressed = len(gzip.decompress(current_gz))
    item_sizes = [len(json.dumps(i)) for t in current["types"].values() for i in t["items"]]

    comparison, differing = measure_comparison(baseline, current, tenant_id, args.deepdiff_sample, args.repeats)
    runs = [(d["runId"], d["startedAt"], d["finishedAt"]) for d in (baseline, current)]
    selection, scope = current["selection"], current["scopeKey"]
    svc_runs = (runs[0][0], runs[1][0])
    del baseline, current  # the detection below must not be helped by documents already in memory

    with Azurite.start() as azurite:
        os.environ.update({"AzureWebJobsStorage": azurite.connection_string, "AUTH_MODE": "local"})
        detection, reference, written, peak = measure_detection(
            tenant_id, svc_runs, runs, selection, scope, baseline_gz, current_gz, args.repeats, memory=True
        )
        small: dict[str, Any] | None = None
        if args.small_items:
            small = measure_small(args.small_items, args.changed, args.repeats * 3)

    report = {
        "benchmark": "diff",
        "items": args.items,
        "changedItems": changed,
        "itemsWithNewHash": differing,
        "meanItemBytes": round(statistics.mean(item_sizes)),
        "snapshotBytes": {"uncompressed": uncompressed, "gzip": len(current_gz)},
        "comparison": comparison,
        "detection": {
            "seconds": round(detection, 3),
            "downloadAndParseSeconds": round(reference, 3),
            "ratio": round(detection / reference, 3),
            "findingsWritten": written,
        },
        "smallTenantDetection": small,
        "memory": {"peakTracedBytes": peak, "ratioToUncompressedSnapshot": round(peak / uncompressed, 3)},
        "targets": {
            "speedup>=50": comparison["speedup"] >= 50,
            "detection<=2x": detection / reference <= 2.0,
            "memory<=3x": peak / uncompressed <= 3.0,
            "findings==itemsWithNewHash": written == differing,
            "smallDetection<=1.5x": small is None or small["ratio"] <= 1.5,
        },
    }
    print(json.dumps(report, indent=2))
    return 0 if all(report["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
