"""Benchmark: summary and first findings page latency at 10 and at 100,000 findings (DESIGN §8). Prints JSON.

Both tenants live in the same Azurite; requests go through the registered HTTP functions (as the
host calls them), so the figures include identity, validation, the storage round trips and JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from typing import Any

from devtools.azurite import Azurite
from shared.core.drift import build_summary
from shared.core.ids import new_run_id
from shared.core.scope import scope_key
from shared.storage.findings import FindingWrite

SELECTION = ["deviceConfiguration", "settingsCatalogPolicy"]


def _finding(tenant_id: str, scope: str, baseline: str, current: str, index: int) -> dict[str, Any]:
    status = ("new", "new", "new", "new", "new", "new", "new", "acknowledged", "acknowledged", "resolved")[index % 10]
    change = ("modified", "added", "removed")[index % 3]
    return {
        "id": f"{index:032x}", "tenantId": tenant_id, "scopeKey": scope, "policyType": SELECTION[index % 2],
        "subjectId": str(uuid.UUID(int=index)), "displayName": f"Policy {index}", "changeType": change,
        "categories": ["settings"] if change == "modified" else [], "severity": ("low", "medium", "high")[index % 3],
        "changes": [{"path": f"settings/setting_{index}/simpleSettingValue/value", "category": "settings", "before": index, "after": index + 1}]
        if change == "modified" else [],
        "contentHash": f"{index:064x}", "baselineRunId": baseline, "currentRunId": current, "baselineMode": "rolling",
        "status": status, "firstSeenRunId": current, "firstSeenAt": "2026-11-25T00:00:00Z", "lastSeenRunId": current,
        "lastSeenAt": "2026-11-25T00:00:00Z", "seenCount": 1, "openedRunId": current, "statusChangedAt": "2026-11-25T00:00:00Z",
    }  # fmt: skip


def seed(stores: Any, tenant_id: str, count: int) -> None:
    """A tenant with `count` findings of one comparison and its summary."""
    scope = scope_key(SELECTION)
    baseline, current = new_run_id(), new_run_id()
    stores.tenants.upsert(tenant_id, f"Bench {count}", True, SELECTION, [])
    findings = [_finding(tenant_id, scope, baseline, current, i) for i in range(count)]
    started = time.perf_counter()
    for start in range(0, count, 2000):
        writes = [FindingWrite(f, [], None) for f in findings[start : start + 2000]]
        # Seeded whole: the summary below counts them, so no count deltas are written.
        stores.findings.commit(tenant_id, writes, lambda _g: None, lambda _g: "", current, scope)
        if start % 20_000 == 0:
            print(
                f"seeded {start + 2000} findings in {time.perf_counter() - started:.0f}s", file=sys.stderr, flush=True
            )
    summary = build_summary(
        tenant_id=tenant_id,
        scope_key=scope,
        findings=findings,
        baseline={"mode": "rolling", "runId": baseline, "finishedAt": "2026-11-24T00:00:00Z"},
        current={"runId": current, "finishedAt": "2026-11-25T00:00:00Z", "status": "completed"},
        coverage={"complete": SELECTION, "failed": []},
    )
    # Published the way detection publishes: the summary with the head of the default list.
    stores.summaries.put(tenant_id, summary, None, stores.findings.default_head(tenant_id, current))


def _latency(host: Any, path: str, repeats: int, params: dict[str, str] | None = None) -> dict[str, float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = host.http("GET", path, params=params)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.get_body()
    return {
        "medianMs": round(statistics.median(times) * 1000, 2),
        "p90Ms": round(sorted(times)[int(repeats * 0.9) - 1] * 1000, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args(argv)
    with Azurite.start() as azurite:
        os.environ.update(
            {"AzureWebJobsStorage": azurite.connection_string, "AUTH_MODE": "local", "TABLE_NAME_PREFIX": "benchapi"}
        )
        import function_app
        from devtools.host import LocalHost
        from shared.storage.stores import get_stores

        stores = get_stores()
        small, large = str(uuid.uuid4()), str(uuid.uuid4())
        started = time.perf_counter()
        seed(stores, small, args.small)
        seed(stores, large, args.large)
        seeding = time.perf_counter() - started
        host = LocalHost(function_app.app, azurite.connection_string)
        results: dict[str, Any] = {}
        for label, tid in (("small", small), ("large", large)):
            _latency(host, f"/api/tenants/{tid}/drift", 3)  # warm up
            results[label] = {
                "findings": args.small if label == "small" else args.large,
                "summary": _latency(host, f"/api/tenants/{tid}/drift", args.repeats),
                "firstFindingsPage": _latency(host, f"/api/tenants/{tid}/drift/findings", args.repeats),
                # Not a target: a filtered page is a table query, which Azurite evaluates over the
                # whole partition (Azure Tables stops at the first page of matches).
                "filteredPage": _latency(
                    host, f"/api/tenants/{tid}/drift/findings", max(5, args.repeats // 4), {"changeType": "modified"}
                ),
            }
        page = json.loads(host.http("GET", f"/api/tenants/{large}/drift/findings").get_body())
    summary_ratio = results["large"]["summary"]["medianMs"] / results["small"]["summary"]["medianMs"]
    page_ratio = results["large"]["firstFindingsPage"]["medianMs"] / results["small"]["firstFindingsPage"]["medianMs"]
    report = {
        "benchmark": "api",
        "seedingSeconds": round(seeding, 1),
        **results,
        "ratios": {"summary": round(summary_ratio, 3), "firstFindingsPage": round(page_ratio, 3)},
        "largeFirstPageSize": len(page["findings"]),
        "targets": {"summary<=1.5x": summary_ratio <= 1.5, "firstFindingsPage<=1.5x": page_ratio <= 1.5},
    }
    print(json.dumps(report, indent=2))
    return 0 if all(report["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
