"""Benchmark: scan a 1,500-object tenant at 20 ms simulated latency (DESIGN §8). Prints JSON.

The tenant is the simulator's default mix: an MSP customer's tenant over every supported type
(apps, RBAC, enrollment, Entra policies included), with Microsoft's built-in store apps listed
beside the tenant's own and skipped by the scan.

Compares, in the same run and against the same simulator, our client (concurrency cap, `$expand`,
`$batch`, operation budget) with a one-request-at-a-time client that sends every follow-up as its own
GET. A scan is what `scan_tenant` does with Graph: every type, then the names its findings need
(DESIGN §11: group names, setting definitions). Reports round trips and Graph operations per object,
the wall-time ratio and the busiest 20 s window of operations, for a first scan (no setting
definition cached) and for a rescan of the unchanged tenant with the definitions the first one read
(it must read none). The simulator runs in its default strict mode (what real Graph refuses, it refuses).

Each scan also reads the tenant's audit logs (DESIGN §12) since the previous scheduled run started
(6 hours back), as `shared.flows.scan` does beside the types: the simulated tenant logged
`--intune-events` and `--entra-events` changes in that window (other objects, other admins). The
report gives the extra Graph operations the logs cost and checks the targets with them included.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from devtools.graphsim import GraphSimulator, generate_tenant
from shared.core.clock import iso
from shared.core.contracts import CONTRACTS
from shared.core.normalise import normalise_item
from shared.core.references import CachedDefinition, DefinitionKey
from shared.core.snapshot import TypeResult
from shared.graph.audit import AuditRead, read_audit
from shared.graph.client import GraphClient, GraphResponse, build_graph_client
from shared.graph.credentials import StaticTokenProvider
from shared.graph.names import ResolvedReferences, resolve_references
from shared.graph.policies import TypeReader

SECRET = "bench-token"


class OneAtATimeClient(GraphClient):
    """The baseline: no $batch, one request in flight (follow-ups become single GETs, in order)."""

    async def batch(self, version: str, relative_urls: Sequence[str]) -> list[GraphResponse]:
        out: list[GraphResponse] = []
        for url in relative_urls:
            out.append(await self._send_get(self.url(version, url.lstrip("/"))))
        return out

    async def _send_get(self, url: str) -> GraphResponse:
        from kiota_abstractions.method import Method

        return await self._send(Method.GET, url)


AUDIT_WINDOW = timedelta(hours=6)  # the default SCAN_SCHEDULE: the previous run started 6 hours ago


def _serve(conn: Any, tenant_id: str, objects: int, latency_ms: int, audit_events: tuple[int, int]) -> None:
    """The simulator in its own process (Graph is remote: it must not share our GIL)."""
    with GraphSimulator(token_secret=SECRET) as sim:
        tenant = generate_tenant(seed=2026, size=objects)
        rng = random.Random(2026)
        now = datetime.now(UTC)
        for source, count in zip(("intune", "entra"), audit_events, strict=True):
            for _ in range(count):
                at = now - timedelta(seconds=rng.uniform(0, AUDIT_WINDOW.total_seconds()))
                tenant.audit.add_noise(source, at=at)  # type: ignore[arg-type]
        sim.add_tenant(tenant_id, tenant)
        sim.faults.latency(latency_ms)
        conn.send(sim.base_url)
        while True:
            command = conn.recv()
            if command == "reset":
                sim.stats.reset()
                conn.send(True)
            elif command == "stats":
                conn.send(
                    {
                        "http": sim.stats.http_requests_for(tenant_id),
                        "ops": sim.stats.operations_for(tenant_id),
                        "window": sim.stats.max_ops_in_window(tenant_id, 20.0),
                    }
                )
            else:
                return


class RemoteSimulator:
    """Talks to the simulator process."""

    def __init__(self, tenant_id: str, objects: int, latency_ms: int, audit_events: tuple[int, int]) -> None:
        parent, child = multiprocessing.Pipe()
        self._conn = parent
        self._process = multiprocessing.Process(
            target=_serve, args=(child, tenant_id, objects, latency_ms, audit_events), daemon=True
        )
        self._process.start()
        self.base_url: str = parent.recv()

    def reset(self) -> None:
        self._conn.send("reset")
        self._conn.recv()

    def stats(self) -> dict[str, int]:
        self._conn.send("stats")
        return dict(self._conn.recv())

    def stop(self) -> None:
        self._conn.send("stop")
        self._process.join(timeout=10)


def _client(tenant_id: str, env: dict[str, str], sequential: bool) -> GraphClient:
    client = build_graph_client(tenant_id, env, auth_provider=StaticTokenProvider(SECRET, tenant_id))
    if sequential:
        client.__class__ = OneAtATimeClient
    return client


Cache = dict[DefinitionKey, CachedDefinition]


async def _scan(
    client: GraphClient, selection: list[str], sequential: bool, cache: Cache, since: str
) -> tuple[list[TypeResult], ResolvedReferences, AuditRead, dict[str, float]]:
    """What a scan asks Graph: every type with the audit logs beside them, then the names (as
    `shared.flows.scan` does; the one-at-a-time client reads the logs after the types).

    Normalising the items between the two is CPU, not Graph: it is timed apart, so the wall-time
    ratio compares what DESIGN §8 compares (time spent waiting for Graph).
    """
    times: dict[str, float] = {}
    try:
        started = time.perf_counter()
        sources = ("entra", "intune")
        if sequential:
            raws = [await TypeReader(client, CONTRACTS[t]).read() for t in selection]
            logs = await read_audit(client, sources, since)
        else:

            async def types() -> list[list[dict[str, Any]]]:
                return list(await asyncio.gather(*(TypeReader(client, CONTRACTS[t]).read() for t in selection)))

            raws, logs = await asyncio.gather(types(), read_audit(client, sources, since))
        times["read"] = time.perf_counter() - started
        started = time.perf_counter()
        results = [
            TypeResult(t, "complete", items=[normalise_item(CONTRACTS[t], raw, None) for raw in items])
            for t, items in zip(selection, raws, strict=True)
        ]
        times["normalise"] = time.perf_counter() - started
        started = time.perf_counter()
        resolved = await resolve_references(client, results, cache, datetime.now(UTC))
        times["names"] = time.perf_counter() - started
    finally:
        await client.close()
    return results, resolved, logs, times


def _measure(
    sim: RemoteSimulator, tenant_id: str, env: dict[str, str], sequential: bool, cache: Cache
) -> tuple[dict[str, Any], Cache]:
    """One scan's figures, and the definition cache after it (what the store would keep)."""
    sim.reset()
    client = _client(tenant_id, env, sequential)
    since = iso(datetime.now(UTC) - AUDIT_WINDOW)
    results, resolved, logs, times = asyncio.run(_scan(client, sorted(CONTRACTS), sequential, cache, since))
    objects = sum(len(r.items) for r in results)
    wall = times["read"] + times["names"]
    seen = sim.stats()
    now = datetime.now(UTC).isoformat()
    after = {**cache, **{key: CachedDefinition(record, now) for key, record in resolved.fetched.items()}}
    reads = resolved.reads
    unresolved = resolved.references["unresolved"]
    return {
        "objects": objects,
        # Waiting for Graph: reading every type, then the names; normalising (CPU) is apart.
        "wallSeconds": round(wall, 3),
        "namesSeconds": round(times["names"], 3),
        "normaliseSeconds": round(times["normalise"], 3),
        "httpRoundTrips": seen["http"],
        "graphOperations": seen["ops"],
        "roundTripsPerObject": round(seen["http"] / max(objects, 1), 4),
        # Per-value and per-item follow-ups cost operations even when $batch saves round trips.
        "operationsPerObject": round(seen["ops"] / max(objects, 1), 4),
        "maxOperationsIn20s": seen["window"],
        "names": {
            "nameOperations": reads.name_operations,
            "definitionOperations": reads.definition_operations,
            "itemsWithSettingRowsRead": reads.items_with_rows_read,
            "definitionsReadById": reads.definitions_by_id,
            "definitionsFetched": reads.definitions_fetched,
            "settingDefinitionsInSnapshot": len(resolved.references["settingDefinitions"]),
            "unresolved": {kind: len(ids) for kind, ids in unresolved.items()},
        },
        "audit": {
            # One operation per page ($top=999); included in graphOperations above.
            "auditOperations": logs.pages,
            "eventsKept": len(logs.events),
            "sources": {source: read["status"] for source, read in sorted(logs.sources.items())},
        },
    }, after


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--objects", type=int, default=1500)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--budget", type=int, default=800, help="GRAPH_REQUEST_BUDGET (operations per 20 s)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--intune-events", type=int, default=500, help="Intune audit events in the 6 h window")
    parser.add_argument("--entra-events", type=int, default=2000, help="Entra audit events in the 6 h window")
    args = parser.parse_args(argv)

    tenant_id = str(uuid.uuid4())
    sim = RemoteSimulator(tenant_id, args.objects, args.latency_ms, (args.intune_events, args.entra_events))
    try:
        env = {
            "GRAPH_BASE_URL": sim.base_url,
            "GRAPH_MAX_CONCURRENCY": str(args.concurrency),
            "GRAPH_REQUEST_BUDGET": str(args.budget),
            "GRAPH_TIMEOUT_SECONDS": "60",
        }
        ours, cache = _measure(sim, tenant_id, env, sequential=False, cache={})
        rescan, _ = _measure(sim, tenant_id, env, sequential=False, cache=cache)
        baseline, _ = _measure(sim, tenant_id, {**env, "GRAPH_MAX_CONCURRENCY": "1"}, sequential=True, cache={})
    finally:
        sim.stop()
    ratio = ours["wallSeconds"] / baseline["wallSeconds"]
    report = {
        "benchmark": "scan",
        "policyTypes": len(CONTRACTS),
        "latencyMs": args.latency_ms,
        "budgetPer20s": args.budget,
        "concurrency": args.concurrency,
        "ours": ours,
        "rescanUnchanged": rescan,
        "oneAtATime": baseline,
        "wallTimeRatio": round(ratio, 4),
        "auditEventsInWindow": {"intune": args.intune_events, "entra": args.entra_events},
        "extraOperationsPerScanForAudit": ours["audit"]["auditOperations"],
        "targets": {
            "auditReadWhole": ours["audit"]["eventsKept"] == args.intune_events + args.entra_events
            and set(ours["audit"]["sources"].values()) == {"complete"},
            "roundTripsPerObject<=1.3": ours["roundTripsPerObject"] <= 1.3,
            "wallTimeRatio<=0.1": ratio <= 0.1,
            "neverAboveBudget": max(ours["maxOperationsIn20s"], rescan["maxOperationsIn20s"]) <= args.budget,
            "sameObjects": ours["objects"] == rescan["objects"] == baseline["objects"] == args.objects,
            "rescanReadsNoDefinition": rescan["names"]["definitionOperations"] == 0
            and rescan["names"]["definitionsFetched"] == 0,
            "sameNamesBothScans": ours["names"]["settingDefinitionsInSnapshot"]
            == rescan["names"]["settingDefinitionsInSnapshot"]
            > 0,
        },
    }
    print(json.dumps(report, indent=2))
    return 0 if all(report["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
