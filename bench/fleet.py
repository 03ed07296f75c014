"""Benchmark: a fleet of tenants through the whole pipeline, twice, with storage transactions counted
at the storage client and a monthly cost model (DESIGN §8, issue 15). Prints JSON.

N tenants (default 200; sizes and mixes from `bench.workload`) are registered through the API. Each
round fires the timer (`schedule_scans` → one message per tenant on `tenant-scans`), then, tenant by
tenant as the host would, dequeues the message, runs `scan_tenant` (Graph → snapshot blob), deletes
the message, and delivers the new snapshot the way the Event Grid blob trigger does (the host reads
the blob) to `detect_drift`; the alignment a completed scan asks for (`align_tenant`, queue) runs too,
and so does the relay of drift events a detection or a failed run asks for (`relay_events`, queue;
no subscriptions, so it routes to nobody: what it costs is reading and marking the outbox).
Between the rounds a few percent of the tenants change (edits,
deletions, additions) and every tenant's Graph order and volatile fields are shuffled.

Per tenant-run: Graph operations (the simulator's count), storage transactions by service and
operation (a pipeline policy on every storage client, `shared.storage.metering`; the host's own
queue and blob calls counted apart), CPU seconds, wall seconds and, for every tenth tenant, peak
traced memory. Probes: a 1,000-object tenant in which N = 0, 10, 100, 1,000 objects change, then
scanned once more unchanged while it holds those findings. Then the monthly cost of 1,000 tenants
scanned every 6 h and every 1 h on Flex Consumption with Standard storage, from the list prices
given as arguments (see `--help`; the defaults name their source and date).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bench.workload import TenantSpec, change_tenant, fleet_specs
from devtools.azurite import Azurite

SECRET = "fleet-bench-token"
PROBE_SIZE = 1000
PROBE_CHANGES = (0, 10, 100, 1000)
# Never renamed by the probes: the authentication methods policy (left alone since the first probes)
# and cross-tenant partners (no name of their own: they are named by the partner's tenant id).
UNNAMED = frozenset({"authenticationMethodsPolicy", "crossTenantAccessPartner"})

# --- list prices (USD) --------------------------------------------------------------------------
# Defaults, each with where it comes from. They could not be checked against Microsoft's live price
# pages from this machine (no access beyond package registries); pass current ones as arguments.
PRICES: dict[str, dict[str, Any]] = {
    "flexExecutionGbSecond": {
        "usd": 0.000026, "unit": "per GB-s of instance memory while executing (on demand)",
        "source": "modal.com/blog/azure-function-pricing-guide (quotes Azure's Flex Consumption page, East US)",
        "date": "2025-05-22",
    },
    "flexExecutionsPerMillion": {
        "usd": 0.40, "unit": "per million executions (on demand)",
        "source": "Azure Functions pricing page, Flex Consumption on demand, as recalled; unverified here",
        "date": "2025-05",
    },
    "flexInstanceMemoryGb": {
        "usd": 2.048, "unit": "GB of instance memory (the plan's default size, 2,048 MB; not a price)",
        "source": "learn.microsoft.com azure-functions/flex-consumption-plan (instance memory)", "date": "2025",
    },
    "tableTransactionsPer10k": {
        "usd": 0.00036, "unit": "per 10,000 table transactions (Standard, LRS/GRS alike)",
        "source": "Azure Table Storage pricing page, as recalled; unverified here", "date": "2025",
    },
    "blobWritePer10k": {
        "usd": 0.05, "unit": "per 10,000 write operations, Hot LRS (GRS is about twice)",
        "source": "kubequest AZ-104 notes quoting Azure Blob pricing, East US 2", "date": "2025",
    },
    "blobReadPer10k": {
        "usd": 0.004, "unit": "per 10,000 read operations, Hot", "source": "same as blobWritePer10k", "date": "2025",
    },
    "blobListPer10k": {
        "usd": 0.05, "unit": "per 10,000 list and create-container operations, Hot LRS",
        "source": "Azure Blob pricing page, as recalled; unverified here", "date": "2025",
    },
    "blobGbMonth": {
        "usd": 0.0184, "unit": "per GB-month, Hot LRS, first 50 TB", "source": "same as blobWritePer10k", "date": "2025",
    },
    "queueOpsPer10k": {
        "usd": 0.004, "unit": "per 10,000 queue operations (GPv2, class 1 and 2 taken alike)",
        "source": "Azure Queue Storage pricing page, as recalled; unverified here", "date": "2025",
    },
}  # fmt: skip
BLOB_WRITES = frozenset({"put_blob", "put_block", "put_block_list", "create_container"})
BLOB_LISTS = frozenset({"list_blobs", "list_containers"})


# --- the simulator in its own process (Graph is remote: it must not share our CPU time) -----------


def _serve(conn: Any, latency_ms: int) -> None:
    from devtools.graphsim import GraphSimulator

    with GraphSimulator(token_secret=SECRET) as sim:
        if latency_ms:
            sim.faults.latency(latency_ms)
        conn.send(sim.base_url)
        while True:
            command, args = conn.recv()
            if command == "add":
                for spec in args:
                    sim.add_tenant(spec.tenant_id, spec.build())
                conn.send(len(args))
            elif command == "change":
                tenant_id, seed, count = args
                tenant = sim.tenant(tenant_id)
                changes = change_tenant(tenant, random.Random(seed), count)
                conn.send(len(changes))
            elif command == "rename_all":
                tenant_id, count = args
                tenant = sim.tenant(tenant_id)
                done = 0
                for policy_type in sorted(tenant.counts()):
                    if policy_type in UNNAMED:
                        continue
                    for object_id in tenant.ids(policy_type):
                        if done >= count:
                            break
                        if not tenant.is_builtin(policy_type, object_id):  # Microsoft's, skipped by the scan
                            tenant.rename(policy_type, object_id, f"Renamed {done}")
                            done += 1
                conn.send(done)
            elif command == "shuffle":
                for tenant_id, seed in args:
                    sim.tenant(tenant_id).shuffle_order(seed)
                conn.send(True)
            elif command == "ops":
                conn.send({tid: sim.stats.operations_for(tid) for tid in args})
            elif command == "size":
                conn.send(sim.tenant(args).size)
            else:
                return


class RemoteSimulator:
    """The Graph simulator in a child process, driven over a pipe."""

    def __init__(self, latency_ms: int) -> None:
        parent, child = multiprocessing.Pipe()
        self._conn = parent
        self._process = multiprocessing.Process(target=_serve, args=(child, latency_ms), daemon=True)
        self._process.start()
        self.base_url: str = parent.recv()

    def call(self, command: str, args: Any = None) -> Any:
        self._conn.send((command, args))
        return self._conn.recv()

    def stop(self) -> None:
        self._conn.send(("stop", None))
        self._process.join(timeout=10)


# --- one tenant-run -----------------------------------------------------------------------------


@dataclass
class TenantRun:
    """What one scan + detection of one tenant cost."""

    tenant_id: str
    round: int
    objects: int
    changed_objects: int
    graph_operations: int = 0
    app: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    host: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    peak_traced_bytes: int | None = None
    findings_written: int = 0
    snapshot_bytes: int = 0

    @property
    def transactions(self) -> int:
        return sum(self.app.values())


class FleetHost:
    """The local host with its own queue and blob calls counted too (they are billed as well)."""

    def __init__(self, connection_string: str) -> None:
        from azure.storage.blob import BlobServiceClient
        from azure.storage.queue import BinaryBase64DecodePolicy, BinaryBase64EncodePolicy, QueueClient

        import function_app
        from devtools.host import LocalHost
        from shared.settings import ALIGNMENT_QUEUE, RELAY_QUEUE, SCAN_QUEUE, SNAPSHOT_CONTAINER
        from shared.storage.metering import RequestPolicy, StorageMeter

        self.meter = StorageMeter()
        self.local = LocalHost(function_app.app, connection_string)

        def counted_queue(name: str) -> QueueClient:
            policy = RequestPolicy("queue", self.meter, lambda: [])
            policy.base_path = "/devstoreaccount1"
            client = QueueClient.from_connection_string(
                connection_string,
                name,
                message_encode_policy=BinaryBase64EncodePolicy(),
                message_decode_policy=BinaryBase64DecodePolicy(),
                _additional_pipeline_policies=[policy],
            )
            self.local.queue(name)  # created
            return client

        self.queues = {name: counted_queue(name) for name in (SCAN_QUEUE, ALIGNMENT_QUEUE, RELAY_QUEUE)}
        self.queue = self.queues[SCAN_QUEUE]
        plain_queue = self.local.queue
        # Output bindings and the host's dequeues go through the counted clients too.
        self.local.queue = lambda name: self.queues.get(name) or plain_queue(name)  # type: ignore[method-assign]
        blob_policy = RequestPolicy("blob", self.meter, lambda: [])
        service = BlobServiceClient.from_connection_string(
            connection_string, _additional_pipeline_policies=[blob_policy]
        )
        blob_policy.base_path = "/devstoreaccount1"
        self.container = service.get_container_client(SNAPSHOT_CONTAINER)

    def fire_timer(self) -> list[str]:
        """Fire the timer; the host sends its output binding's messages to the queue one by one."""
        invocation = self.local.invoke("schedule_scans", _timer())
        return list(invocation.outputs["scans"] or [])

    def align(self) -> None:
        """Deliver the alignment message a completed scan put on its queue, as the host would."""
        import azure.functions as func

        from shared.settings import ALIGNMENT_QUEUE

        queue = self.queues[ALIGNMENT_QUEUE]
        for message in queue.receive_messages(max_messages=1, visibility_timeout=300):
            self.local.invoke("align_tenant", func.QueueMessage(id=message.id, body=message.content))
            queue.delete_message(message)
            return

    def relay(self) -> int:
        """Deliver every relay request detection or a failed scan put on its queue, as the host would."""
        import azure.functions as func

        from shared.settings import RELAY_QUEUE

        queue = self.queues[RELAY_QUEUE]
        handled = 0
        while True:
            batch = list(queue.receive_messages(max_messages=1, visibility_timeout=300))
            if not batch:
                return handled
            self.local.invoke("relay_events", func.QueueMessage(id=batch[0].id, body=batch[0].content))
            queue.delete_message(batch[0])
            handled += 1

    def next_message(self) -> Any:
        for message in self.queue.receive_messages(max_messages=1, visibility_timeout=300):
            return message
        return None


def _timer() -> Any:
    from azure.functions.timer import TimerRequest

    return TimerRequest(past_due=False)


def run_one(
    host: FleetHost, stores: Any, message: Any, host_before: Counter[tuple[str, str, str]], trace_memory: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Scan and detect one tenant as the host does; returns (the request, what it cost)."""
    import azure.functions as func

    body = json.loads(message.content)
    app_before = stores.clients.meter.snapshot()
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    if trace_memory:
        tracemalloc.start()
    scanned = host.local.invoke("scan_tenant", func.QueueMessage(id=message.id, body=message.content))
    host.queue.delete_message(message)
    host.align()  # a completed scan asks for its template alignment
    name = f"{body['tenantId']}/{body['runId']}.json.gz"
    data = host.container.download_blob(name).readall()  # the blob trigger's input binding
    stream = func.blob.InputStream(data=data, name=f"snapshots/{name}", length=len(data))
    detected = host.local.invoke("detect_drift", stream)
    if scanned.outputs.get("relays") or detected.outputs.get("relays"):
        host.relay()  # a failed run, or state changes recorded: the host then runs relay_events
    peak = None
    if trace_memory:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    cost = {
        "cpu": time.process_time() - cpu_before,
        "wall": time.perf_counter() - wall_before,
        "app": stores.clients.meter.snapshot() - app_before,
        "host": host.meter.snapshot() - host_before,
        "peak": peak,
        "snapshotBytes": len(data),
    }
    return body, cost


def run_round(
    host: FleetHost, stores: Any, sim: RemoteSimulator, round_number: int, changed: dict[str, int],
    sizes: dict[str, int], trace: Callable[[int], bool],
) -> list[TenantRun]:  # fmt: skip
    """One timer tick and every scan and detection it leads to, tenant by tenant."""
    before_ops = sim.call("ops", list(sizes))
    timer_before = host.meter.snapshot()
    messages = host.fire_timer()
    timer_share = host.meter.snapshot() - timer_before
    out: list[TenantRun] = []
    index = 0
    while True:
        host_before = host.meter.snapshot()  # the dequeue belongs to the run it delivers
        message = host.next_message()
        if message is None:
            break
        body, cost = run_one(host, stores, message, host_before, trace(index))
        index += 1
        tenant_id = body["tenantId"]
        record = TenantRun(tenant_id, round_number, sizes[tenant_id], changed.get(tenant_id, 0))
        record.app = cost["app"]
        record.host = cost["host"]
        record.cpu_seconds = cost["cpu"]
        record.wall_seconds = cost["wall"]
        record.peak_traced_bytes = cost["peak"]
        record.snapshot_bytes = cost["snapshotBytes"]
        out.append(record)
    after_ops = sim.call("ops", list(sizes))
    per_message = Counter({k: v / max(len(messages), 1) for k, v in timer_share.items()})
    for record in out:
        record.graph_operations = after_ops[record.tenant_id] - before_ops[record.tenant_id]
        record.host.update(per_message)  # the timer's share: its registry read and one put_message
    return out


# --- reporting ----------------------------------------------------------------------------------


def _ops(counts: Counter[tuple[str, str, str]]) -> dict[str, float]:
    merged: Counter[str] = Counter()
    for (service, operation, _resource), n in counts.items():
        merged[f"{service}.{operation}"] += n
    return dict(sorted(merged.items()))


def _mean_ops(runs: list[TenantRun], attr: str) -> dict[str, float]:
    total: Counter[str] = Counter()
    for run in runs:
        total.update(_ops(getattr(run, attr)))
    return {k: round(v / max(len(runs), 1), 3) for k, v in sorted(total.items())}


def _stats(values: Iterable[float], digits: int = 3) -> dict[str, float]:
    data = sorted(values)
    if not data:
        return {}
    return {
        "min": round(data[0], digits),
        "median": round(statistics.median(data), digits),
        "p90": round(data[min(len(data) - 1, int(len(data) * 0.9))], digits),
        "max": round(data[-1], digits),
        "mean": round(statistics.mean(data), digits),
    }


def describe_runs(runs: list[TenantRun]) -> dict[str, Any]:
    untraced = [r for r in runs if r.peak_traced_bytes is None]
    traced = [r.peak_traced_bytes for r in runs if r.peak_traced_bytes is not None]
    return {
        "tenantRuns": len(runs),
        "objects": _stats((r.objects for r in runs), 0),
        "graphOperations": _stats((r.graph_operations for r in runs), 0),
        "graphOperationsPerObject": _stats((r.graph_operations / max(r.objects, 1) for r in runs), 3),
        "storageTransactions": _stats((r.transactions for r in runs), 1),
        "storageByOperation": _mean_ops(runs, "app"),
        "hostStorageByOperation": _mean_ops(runs, "host"),
        "cpuSeconds": _stats((r.cpu_seconds for r in untraced), 3),
        "wallSeconds": _stats((r.wall_seconds for r in untraced), 3),
        "peakTracedBytes": _stats(traced, 0),
        "snapshotBytes": _stats((r.snapshot_bytes for r in runs), 0),
    }


def _price(args: argparse.Namespace, key: str) -> float:
    return float(getattr(args, key))


def monthly_cost(args: argparse.Namespace, unit: dict[str, float], tenants: int, every_hours: float) -> dict[str, Any]:
    """Monthly cost of `tenants` scanned every `every_hours` from per tenant-run means in `unit`."""
    runs = tenants * (24 / every_hours) * 30
    table = unit["table"] * runs / 10_000 * _price(args, "tableTransactionsPer10k")
    blob_ops = (
        unit["blobWrite"] * runs / 10_000 * _price(args, "blobWritePer10k")
        + unit["blobRead"] * runs / 10_000 * _price(args, "blobReadPer10k")
        + unit["blobList"] * runs / 10_000 * _price(args, "blobListPer10k")
    )
    queue = unit["queue"] * runs / 10_000 * _price(args, "queueOpsPer10k")
    # Snapshots are kept: after a month, the average stored is half of a month's writes (per month
    # retained, add the full amount; the table shows the first month).
    stored_gb = unit["snapshotBytes"] * runs / 1e9
    capacity = stored_gb / 2 * _price(args, "blobGbMonth")
    executions = 2 * runs  # scan_tenant and detect_drift; the timer adds (24 / hours) * 30
    functions_exec = (executions + (24 / every_hours) * 30) / 1e6 * _price(args, "flexExecutionsPerMillion")
    gb_seconds = unit["wallSeconds"] * runs * _price(args, "flexInstanceMemoryGb")
    functions_time = gb_seconds * _price(args, "flexExecutionGbSecond")
    total = table + blob_ops + queue + capacity + functions_exec + functions_time
    return {
        "tenants": tenants,
        "everyHours": every_hours,
        "tenantRunsPerMonth": int(runs),
        "storageTransactionsPerMonth": int((unit["table"] + unit["blobWrite"] + unit["blobRead"] + unit["blobList"] + unit["queue"]) * runs),
        "usd": {
            "tableTransactions": round(table, 2),
            "blobOperations": round(blob_ops, 2),
            "queueOperations": round(queue, 2),
            "snapshotCapacityFirstMonth": round(capacity, 2),
            "functionExecutions": round(functions_exec, 2),
            "functionExecutionTime": round(functions_time, 2),
            "total": round(total, 2),
        },
        "notes": "no free grants subtracted; execution time = measured wall time per tenant-run x instance memory "
        "(Graph latency in Azure lengthens it: see graphLatencyMs); host queue and blob-trigger reads included",
    }  # fmt: skip


def unit_costs(runs: list[TenantRun]) -> dict[str, float]:
    """Mean per tenant-run of every quantity the cost model prices."""
    n = max(len(runs), 1)

    def of(select: Callable[[str, str], bool]) -> float:
        return sum(v for r in runs for (s, o, _), v in (r.app + r.host).items() if select(s, o)) / n

    return {
        "table": of(lambda s, o: s == "table"),
        "blobWrite": of(lambda s, o: s == "blob" and o in BLOB_WRITES),
        "blobList": of(lambda s, o: s == "blob" and o in BLOB_LISTS),
        "blobRead": of(lambda s, o: s == "blob" and o not in BLOB_WRITES and o not in BLOB_LISTS),
        "queue": of(lambda s, o: s == "queue"),
        "wallSeconds": statistics.mean(r.wall_seconds for r in runs if r.peak_traced_bytes is None),
        "snapshotBytes": statistics.mean(r.snapshot_bytes for r in runs),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenants", type=int, default=200)
    parser.add_argument("--changed-share", type=float, default=0.05, help="share of tenants changed between rounds")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--graph-latency-ms", type=int, default=0, help="simulated Graph latency per request")
    parser.add_argument("--no-probes", action="store_true", help="skip the N-changed probes")
    for key, price in PRICES.items():
        parser.add_argument(
            f"--{key}",
            dest=key,
            type=float,
            default=price["usd"],
            help=f"{price['unit']} ({price['source']}, {price['date']})",
        )
    parser.add_argument("--prices-date", default=None, help="date of prices passed in (shown with them)")
    parser.add_argument("--prices-source", default=None, help="where prices passed in come from")
    args = parser.parse_args(argv)

    specs = fleet_specs(args.tenants, args.seed)
    rng = random.Random(args.seed)
    probes = [] if args.no_probes else [
        TenantSpec(f"e{n:07d}-0000-4000-8000-{args.seed:012d}", 90_000 + n, PROBE_SIZE, "windows") for n in PROBE_CHANGES
    ]  # fmt: skip
    sim = RemoteSimulator(args.graph_latency_ms)
    started = time.perf_counter()
    try:
        sim.call("add", specs + probes)
        sizes = {s.tenant_id: sim.call("size", s.tenant_id) for s in specs + probes}
        with Azurite.start() as azurite:
            os.environ.update({
                "AzureWebJobsStorage": azurite.connection_string, "AUTH_MODE": "local", "TABLE_NAME_PREFIX": "fleet",
                "GRAPH_BASE_URL": sim.base_url, "GRAPH_CREDENTIAL_MODE": "static_token", "GRAPH_STATIC_TOKEN": SECRET,
                "GRAPH_TIMEOUT_SECONDS": "60", "SECRET_HASH_KEY": "fleet-bench-key", "BLOB_TRIGGER_SOURCE": "EventGrid",
                "SCAN_SCHEDULE": "0 0 */6 * * *",
            })  # fmt: skip
            from shared.storage.stores import get_stores

            host = FleetHost(azurite.connection_string)
            stores = get_stores()
            for spec in specs + probes:
                response = host.local.http(
                    "PUT", f"/api/tenants/{spec.tenant_id}", {"displayName": f"Tenant {spec.seed}", "enabled": True}
                )
                assert response.status_code in (200, 201), response.get_body()
            round1 = run_round(host, stores, sim, 1, {}, sizes, lambda i: i % 10 == 5)

            changed_ids = rng.sample([s.tenant_id for s in specs], max(1, round(args.changed_share * len(specs))))
            changed = {tid: sim.call("change", (tid, rng.randrange(10**9), rng.randint(1, 12))) for tid in changed_ids}
            for n, probe in zip(PROBE_CHANGES[: len(probes)], probes, strict=True):
                changed[probe.tenant_id] = sim.call("rename_all", (probe.tenant_id, n))
            sim.call("shuffle", [(tid, rng.randrange(10**9)) for tid in sizes])
            round2 = run_round(host, stores, sim, 2, changed, sizes, lambda i: i % 10 == 5)

            # Round 3, probes only (disabled others): unchanged, while the probes hold their findings.
            round3: list[TenantRun] = []
            if probes:
                for spec in specs:
                    host.local.http("PUT", f"/api/tenants/{spec.tenant_id}", {"displayName": "off", "enabled": False})
                round3 = run_round(host, stores, sim, 3, {}, sizes, lambda i: False)
            held = {p.tenant_id: len(stores.findings.list_all(p.tenant_id, with_changes=False)) for p in probes}
            for record in round2:
                record.findings_written = held.get(record.tenant_id, 0)
            poison = host.local.queue("tenant-scans-poison").get_queue_properties().approximate_message_count
    finally:
        sim.stop()

    spec_ids = {s.tenant_id for s in specs}
    fleet1 = [r for r in round1 if r.tenant_id in spec_ids]
    fleet2 = [r for r in round2 if r.tenant_id in spec_ids]
    unchanged2 = [r for r in fleet2 if not r.changed_objects]
    changed2 = [r for r in fleet2 if r.changed_objects]
    probe_rows = []
    for probe in probes:
        (run2,) = [r for r in round2 if r.tenant_id == probe.tenant_id]
        (run3,) = [r for r in round3 if r.tenant_id == probe.tenant_id]
        probe_rows.append({
            "objectsChanged": run2.changed_objects,
            "objects": run2.objects,
            "storageTransactions": run2.transactions,
            "budget40PlusNover40": round(40 + run2.changed_objects / 40, 1),
            "withinBudget": run2.transactions <= 40 + run2.changed_objects / 40,
            "byOperation": _ops(run2.app),
            "findingsHeldAfter": held[probe.tenant_id],
            "nextUnchangedRunTransactions": run3.transactions,
            "nextUnchangedByOperation": _ops(run3.app),
        })  # fmt: skip
    unit = unit_costs(round2)
    prices = {
        key: {**price, "usd": getattr(args, key)}
        | ({"source": args.prices_source or "passed in", "date": args.prices_date or "not given"} if getattr(args, key) != price["usd"] else {})
        for key, price in PRICES.items()
    }  # fmt: skip
    cost = [monthly_cost(args, unit, 1000, hours) for hours in (6, 1)]
    unchanged_tx = [r.transactions for r in unchanged2]
    report = {
        "benchmark": "fleet",
        "tenants": len(specs),
        "graphLatencyMs": args.graph_latency_ms,
        "seconds": round(time.perf_counter() - started, 1),
        "round1": describe_runs(fleet1),
        "round2": {"unchanged": describe_runs(unchanged2), "changed": describe_runs(changed2)},
        "changedTenants": {
            r.tenant_id: {"objectsChanged": r.changed_objects, "storageTransactions": r.transactions, "byOperation": _ops(r.app)}
            for r in changed2
        },
        "probes": probe_rows,
        "perTenantRunMeans": {k: round(v, 3) for k, v in unit.items()},
        "prices": prices,
        "pricesVerified": False,
        "pricesNote": "the defaults could not be checked against Microsoft's price pages from the machine that "
        "wrote them (no internet beyond package registries); each names the source it was taken from; pass "
        "current prices with --<name>, --prices-date and --prices-source",
        "monthlyCost": cost,
        "poisonMessages": poison,
        "targets": {
            "unchangedTenantRun<=20": bool(unchanged_tx) and max(unchanged_tx) <= 20,
            "changedN<=40+N/40": all(p["withinBudget"] for p in probe_rows),
            "unchangedCostIndependentOfFindingsHeld": all(
                p["nextUnchangedRunTransactions"] <= max(unchanged_tx) for p in probe_rows
            ),
            "noPoison": poison == 0,
        },
    }  # fmt: skip
    print(json.dumps(report, indent=2))
    return 0 if all(report["targets"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
