"""Seeded chaos: random schedules of faults and real tenant changes, each followed by a clean scan,
checked against invariants and a fault-free twin (DESIGN §9, issue 15). Prints JSON.

A schedule (fully determined by its seed) takes two identical simulated tenants: the faulty one
and its fault-free twin. Both get a clean first scan (pinned as baseline in half the schedules),
then two or three steps of real tenant changes (each object changes at most once, so what a
comparison reports does not depend on which runs in between were partial). In each step the faulty
tenant also gets, at random:

- Graph faults (the simulator's `FaultPlan`): 429 with and without `Retry-After`, 503, a timeout,
  a page that fails (once, or for good), throttled `$batch` items, one type forbidden;
- storage faults, injected at the storage client (`StorageFaults`, an interceptor of the request
  policy every storage client carries): a findings transaction that fails mid-comparison (before
  it reaches storage, or after it was applied with its answer lost), a summary write that fails, a
  lock release that is lost;
- at-least-once effects: the scan message delivered twice or concurrently, the snapshot blob
  delivered twice or concurrently, an acknowledgement racing the detection, a malformed message.

The twin gets the same changes and acknowledgements without faults. After a last clean scan of
both, the invariants: every run reached a terminal status; no `added` / `removed` finding for an
object that was not added / removed; no finding on a type not complete in both runs; the faulty
tenant's findings equal the twin's; no acknowledgement or history event lost (every finding's
history starts with `detected` and ends in its status; every acknowledgement that succeeded is
there); the summary's counts equal a recount; no poison message or abandoned blob except the
deliberately malformed messages. `python -m bench.chaos --schedules 1000`; `tests/chaos` runs 30.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import threading
import time
import traceback
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from azure.core.exceptions import HttpResponseError

from bench.workload import MIXES, Change, change_tenant
from shared.storage.metering import StorageCall

GRAPH_TIMEOUT_SECONDS = "1"
ACTOR_NOTE = "chaos"
INVARIANTS = (
    "runsTerminal",
    "noFalseAddedOrRemoved",
    "onlyCompleteTypes",
    "sameFindingsAsTwin",
    "historyComplete",
    "acknowledgementsKept",
    "summaryCountsMatch",
    "noPoison",
)


# --- storage faults, at the storage client ---------------------------------------------------------


@dataclass
class StorageFaultRule:
    """Fail matching storage requests: `skip` pass first, then `count` fail. `when` is `before` (the
    request never reaches storage) or `after` (storage applied it; its answer is lost)."""

    label: str
    service: str
    operation: str
    resource: str
    when: str = "before"
    skip: int = 0
    count: int = 1
    hits: int = 0

    def matches(self, call: StorageCall) -> bool:
        return (
            call.service == self.service and call.operation == self.operation and call.resource.endswith(self.resource)
        )


class StorageFaults:
    """A storage interceptor (`shared.storage.metering.StorageInterceptor`) that fails requests by rule
    while armed. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.rules: list[StorageFaultRule] = []
        self.armed = False

    def _fire(self, call: StorageCall, when: str) -> StorageFaultRule | None:
        with self._lock:
            if not self.armed:
                return None
            for rule in self.rules:
                if rule.when != when or rule.count <= 0 or not rule.matches(call):
                    continue
                if rule.skip > 0:
                    rule.skip -= 1
                    continue
                rule.count -= 1
                rule.hits += 1
                return rule
        return None

    def before(self, call: StorageCall) -> None:
        rule = self._fire(call, "before")
        if rule is not None:
            raise HttpResponseError(message=f"injected storage fault before sending: {rule.label} ({call.name})")

    def after(self, call: StorageCall, status: int) -> None:
        if status >= 400:
            return
        rule = self._fire(call, "after")
        if rule is not None:
            raise HttpResponseError(message=f"injected storage fault, answer lost: {rule.label} ({call.name})")

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()
            self.armed = False


# --- the schedule --------------------------------------------------------------------------------

GRAPH_FAULTS = ("throttle429", "throttle429NoRetryAfter", "status503", "timeout", "failPageOnce", "failPageForGood",
                "throttledBatchItems", "forbiddenType")  # fmt: skip
STORAGE_FAULTS = ("transactionBefore", "transactionAnswerLost", "summaryWrite", "lockReleaseLost")
EFFECTS = ("duplicateMessage", "concurrentMessages", "duplicateBlob", "concurrentBlobs", "ackRacesDetection",
           "malformedMessage")  # fmt: skip
# Collections whose pages or items faults target (present in every generated tenant of size >= 20).
FAULT_PATHS = {
    "deviceConfiguration": "deviceManagement/deviceConfigurations",
    "deviceCompliancePolicy": "deviceManagement/deviceCompliancePolicies",
    "conditionalAccessPolicy": "identity/conditionalAccess/policies",
    "namedLocation": "identity/conditionalAccess/namedLocations",
    "deviceManagementScript": "deviceManagement/deviceManagementScripts",
}


@dataclass
class Step:
    """One step of a schedule: how many objects change and what goes wrong for the faulty tenant."""

    changes: int
    graph: list[tuple[str, str]]
    storage: list[str]
    effects: list[str]


@dataclass
class Schedule:
    seed: int
    size: int
    mix: str
    pinned: bool
    steps: list[Step]

    @classmethod
    def draw(cls, seed: int) -> Schedule:
        rng = random.Random(seed)
        steps = []
        for _ in range(rng.randint(2, 3)):
            graph = [(rng.choice(GRAPH_FAULTS), rng.choice(sorted(FAULT_PATHS))) for _ in range(rng.randint(0, 2))]
            storage = rng.sample(STORAGE_FAULTS, rng.randint(0, 2))
            effects = rng.sample(EFFECTS, rng.randint(0, 3))
            steps.append(Step(rng.choice((0, 1, 2, 3, 5)), graph, storage, effects))
        return cls(seed, rng.randint(22, 48), rng.choice(sorted(MIXES)), rng.random() < 0.5, steps)

    def describe(self) -> dict[str, Any]:
        return {
            "seed": self.seed, "size": self.size, "mix": self.mix, "pinned": self.pinned,
            "steps": [{"changes": s.changes, "graph": s.graph, "storage": s.storage, "effects": s.effects} for s in self.steps],
        }  # fmt: skip


@dataclass
class World:
    """One simulated tenant and what the harness knows about it."""

    tenant_id: str
    truth: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # run id → type → ids
    acks: list[str] = field(default_factory=list)  # finding ids acknowledged successfully
    delivered: set[str] = field(default_factory=set)
    abandoned_blobs: list[str] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)
    changed: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class Outcome:
    """One schedule's result: invariants checked and violated."""

    seed: int
    checked: Counter[str] = field(default_factory=Counter)
    violations: list[str] = field(default_factory=list)
    faults: Counter[str] = field(default_factory=Counter)
    fired: Counter[str] = field(default_factory=Counter)  # requests a fault rule actually failed
    seconds: float = 0.0

    def check(self, invariant: str, ok: bool, detail: str) -> None:
        self.checked[invariant] += 1
        if not ok:
            self.violations.append(f"{invariant}: {detail}")


class Chaos:
    """Runs schedules against the app through the local host, Azurite and the Graph simulator."""

    def __init__(self, host: Any, sim: Any, stores: Any, faults: StorageFaults) -> None:
        self.host = host
        self.sim = sim
        self.stores = stores
        self.faults = faults

    # -- driving the host -------------------------------------------------------------------------

    def _truth(self, world: World) -> dict[str, set[str]]:
        tenant = self.sim.tenant(world.tenant_id)
        return {t: set(map(str, tenant.ids(t))) for t in tenant.counts()}

    def scan(self, world: World, effects: list[str]) -> str:
        """Enqueue one scan of `world` (maybe twice, maybe delivered concurrently) and drain the queue."""
        import azure.functions as func

        from shared.core.messages import new_scan_request
        from shared.settings import SCAN_QUEUE

        request = new_scan_request(world.tenant_id, "schedule")
        world.truth[request.run_id] = self._truth(world)
        body = request.to_message()
        if "concurrentMessages" in effects:
            errors: list[BaseException] = []

            def deliver() -> None:
                try:
                    self.host.invoke("scan_tenant", func.QueueMessage(id="dup", body=body.encode()))
                except BaseException as exc:  # a failed delivery is redelivered below, as the host would
                    errors.append(exc)

            _concurrently([deliver] * 3)
        self.host.enqueue(SCAN_QUEUE, body)
        if "duplicateMessage" in effects:
            self.host.enqueue(SCAN_QUEUE, body)
        if "malformedMessage" in effects:
            bad = f'{{"tenantId": "{world.tenant_id}", "runId": "not a run", "chaos": "malformed"}}'
            world.malformed.append(bad)
            self.host.enqueue(SCAN_QUEUE, bad)
        self.host.drain_queue(SCAN_QUEUE, visibility_timeout=1)
        return request.run_id

    def _blob(self, name: str) -> bytes:
        data = self.stores.snapshots.read(name)
        assert data is not None, name
        return bytes(data)

    def _deliver(self, name: str, data: bytes) -> bool:
        """Deliver one snapshot blob to detect_drift with the host's retries; False if it gave up."""
        import azure.functions as func

        for _ in range(5):
            try:
                self.host.invoke(
                    "detect_drift", func.blob.InputStream(data=data, name=f"snapshots/{name}", length=len(data))
                )
                return True
            except Exception:  # the host retries a failing blob trigger
                continue
        return False

    def detect(self, world: World, effects: list[str], during: Callable[[], None] | None = None) -> None:
        """Deliver every new snapshot blob of `world` (maybe twice, concurrently, or while `during` runs)."""
        for name in self.stores.snapshots.names(f"{world.tenant_id}/"):
            if name in world.delivered:
                continue
            world.delivered.add(name)
            data = self._blob(name)
            copies = 3 if "concurrentBlobs" in effects else 1
            results: list[bool] = []

            def deliver(name: str = name, data: bytes = data, results: list[bool] = results) -> None:
                results.append(self._deliver(name, data))

            _concurrently([deliver] * copies + ([during] if during is not None else []))
            if "duplicateBlob" in effects:
                results.append(self._deliver(name, data))
            if not any(results):
                world.abandoned_blobs.append(name)

    def acknowledge(self, world: World, finding_id: str) -> None:
        """Acknowledge through the API as a portal would: re-read and retry while the ETag moves."""
        for _ in range(20):
            response = self.host.http(
                "POST", f"/api/tenants/{world.tenant_id}/drift/findings/{finding_id}/acknowledge", {"note": ACTOR_NOTE}
            )
            if response.status_code == 200:
                world.acks.append(finding_id)
                return
            if response.status_code not in (412, 409, 500):
                return
            time.sleep(0.01)

    # -- one schedule -----------------------------------------------------------------------------

    def run(self, seed: int) -> Outcome:
        started = time.perf_counter()
        outcome = Outcome(seed)
        schedule = Schedule.draw(seed)
        try:
            self._run(schedule, outcome)
        except Exception:
            outcome.violations.append("harness: " + traceback.format_exc(limit=6))
        finally:
            self.sim.faults.clear()
            self.faults.clear()
        outcome.seconds = time.perf_counter() - started
        return outcome

    def _register(self, world: World, schedule: Schedule) -> None:
        from devtools.graphsim import generate_tenant

        tenant = generate_tenant(schedule.seed, schedule.size, MIXES[schedule.mix], name=f"Chaos {schedule.seed}")
        self.sim.add_tenant(world.tenant_id, tenant)
        response = self.host.http(
            "PUT", f"/api/tenants/{world.tenant_id}", {"displayName": f"Chaos {schedule.seed}", "enabled": True}
        )
        assert response.status_code in (200, 201), response.get_body()

    def _run(self, schedule: Schedule, outcome: Outcome) -> None:
        rng = random.Random(schedule.seed * 7919)
        faulty = World(str(uuid.UUID(int=random.Random(schedule.seed).getrandbits(128), version=4)))
        twin = World(str(uuid.uuid4()))
        for world in (faulty, twin):
            self._register(world, schedule)
            first = self.scan(world, [])
            self.detect(world, [])
            if schedule.pinned:
                response = self.host.http("PUT", f"/api/tenants/{world.tenant_id}/drift/baseline", {"runId": first})
                assert response.status_code == 200, response.get_body()

        for number, step in enumerate(schedule.steps):
            change_seed = rng.randrange(10**9)
            made: list[list[Change]] = []
            for world in (faulty, twin):
                made.append(
                    change_tenant(
                        self.sim.tenant(world.tenant_id), random.Random(change_seed), step.changes, avoid=world.changed
                    )
                )
            assert made[0] == made[1], "the twin must get the same changes"
            touched = {(c.policy_type, c.object_id) for c in made[0]}
            target = self._ack_target(faulty, twin, touched) if "ackRacesDetection" in step.effects else None

            self._inject(faulty, step, number, outcome)
            self.faults.armed = True
            try:
                self.scan(faulty, step.effects)
                race = (lambda finding=target[0]: self.acknowledge(faulty, finding)) if target else None
                self.detect(faulty, step.effects, during=race)
            finally:
                self.faults.armed = False
                for rule in self.faults.rules:
                    outcome.fired[f"storage.{rule.label}"] += rule.hits
                for graph_rule in self.sim.faults.rules:
                    outcome.fired[f"graph.{graph_rule.kind}"] += graph_rule.hits
                self.sim.faults.clear()
                self.faults.clear()
            self.scan(twin, [])
            self.detect(twin, [])
            if target:
                self.acknowledge(twin, target[1])

        for world in (faulty, twin):  # the clean scan
            self.scan(world, [])
            self.detect(world, [])
        self._check(schedule, faulty, twin, outcome)

    def _ack_target(self, faulty: World, twin: World, touched: set[tuple[str, str]]) -> tuple[str, str] | None:
        """An open finding present in both tenants whose object this step does not change."""
        mine = {
            _key(f): f["id"]
            for f in self.stores.findings.list_all(faulty.tenant_id, with_changes=False)
            if f["status"] == "new"
        }
        theirs = {
            _key(f): f["id"]
            for f in self.stores.findings.list_all(twin.tenant_id, with_changes=False)
            if f["status"] == "new"
        }
        common = sorted(k for k in mine.keys() & theirs.keys() if (k[0], k[1]) not in touched)
        if not common:
            return None
        key = common[len(common) // 2]
        return mine[key], theirs[key]

    def _inject(self, world: World, step: Step, number: int, outcome: Outcome) -> None:
        faults = self.sim.faults
        tid = world.tenant_id
        for kind, policy_type in step.graph:
            path = FAULT_PATHS[policy_type]
            outcome.faults[f"graph.{kind}"] += 1
            if kind == "throttle429":
                faults.throttle(3, retry_after=0.05, tenant=tid)
            elif kind == "throttle429NoRetryAfter":
                faults.throttle(2, retry_after=None, tenant=tid)
            elif kind == "status503":
                faults.status(503, 3, tenant=tid)
            elif kind == "timeout":
                faults.timeout(path, seconds=1.3, count=1, tenant=tid)
            elif kind == "failPageOnce":
                faults.fail_page(path, 0, status=503, count=1, tenant=tid)
            elif kind == "failPageForGood":
                faults.fail_page(path, 0, status=500, tenant=tid)
            elif kind == "throttledBatchItems":
                faults.throttle(4, retry_after=0.05, path="deviceManagement/deviceManagementScripts/", tenant=tid)
            elif kind == "forbiddenType":
                faults.forbid(path, tenant=tid)
        for kind in step.storage:
            outcome.faults[f"storage.{kind}"] += 1
            if kind == "transactionBefore":
                self.faults.rules.append(
                    StorageFaultRule(kind, "table", "transaction", "findings", "before", skip=0, count=2)
                )
            elif kind == "transactionAnswerLost":
                self.faults.rules.append(
                    StorageFaultRule(kind, "table", "transaction", "findings", "after", skip=0, count=1)
                )
            elif kind == "summaryWrite":
                self.faults.rules.append(
                    StorageFaultRule(kind, "table", "update_entity", "summaries", "after", count=1)
                )
            elif kind == "lockReleaseLost":
                self.faults.rules.append(StorageFaultRule(kind, "table", "delete_entity", "locks", "before", count=10))
        for effect in step.effects:
            outcome.faults[f"effect.{effect}"] += 1

    # -- invariants -------------------------------------------------------------------------------

    def _snapshot(self, tenant_id: str, run_id: str, cache: dict[str, Any]) -> dict[str, Any] | None:
        if run_id not in cache:
            data = self.stores.snapshots.read(f"{tenant_id}/{run_id}.json.gz")
            cache[run_id] = json.loads(gzip.decompress(data)) if data else None
        result: dict[str, Any] | None = cache[run_id]
        return result

    def _check(self, schedule: Schedule, faulty: World, twin: World, outcome: Outcome) -> None:
        from shared.core.drift import count_findings, published_run

        for world in (faulty, twin):
            label = "faulty" if world is faulty else "twin"
            runs = self.stores.runs.list(world.tenant_id, 100)
            snapshots = set(self.stores.snapshots.names(f"{world.tenant_id}/"))
            recorded = {run.run_id for run in runs}
            for run_id in sorted(world.truth.keys() - recorded):  # requested, never recorded
                outcome.check("runsTerminal", False, f"{label} run {run_id} has no record")
            for run in runs:
                has_snapshot = f"{world.tenant_id}/{run.run_id}.json.gz" in snapshots
                ok = run.status in ("completed", "partial", "failed") and (
                    not has_snapshot or run.drift_status in ("completed", "failed")
                )
                outcome.check("runsTerminal", ok, f"{label} run {run.run_id}: {run.status}, drift {run.drift_status}")
            findings = self.stores.findings.list_all(world.tenant_id)
            cache: dict[str, Any] = {}
            for f in findings:
                base, first, last = (
                    world.truth.get(f[k], {}) for k in ("baselineRunId", "firstSeenRunId", "lastSeenRunId")
                )
                ident = f"{label} {f['changeType']} {f['policyType']}/{f['subjectId']}"
                subject, ptype = f["subjectId"], f["policyType"]
                if f["changeType"] == "added":
                    ok = (
                        subject not in base.get(ptype, set())
                        and subject in first.get(ptype, set())
                        and subject in last.get(ptype, set())
                    )
                    outcome.check("noFalseAddedOrRemoved", ok, ident)
                elif f["changeType"] == "removed":
                    ok = (
                        subject in base.get(ptype, set())
                        and subject not in first.get(ptype, set())
                        and subject not in last.get(ptype, set())
                    )
                    outcome.check("noFalseAddedOrRemoved", ok, ident)
                for key in ("baselineRunId", "firstSeenRunId", "lastSeenRunId"):
                    doc = self._snapshot(world.tenant_id, f[key], cache)
                    entry = (doc or {}).get("types", {}).get(ptype) or {}
                    outcome.check("onlyCompleteTypes", entry.get("status") == "complete", f"{ident} in {key} {f[key]}")
                history = self.stores.history.for_finding(world.tenant_id, f["id"])
                ids = [e["id"] for e in history]
                ok = (
                    bool(history)
                    and history[0]["action"] == "detected"
                    and history[-1]["toStatus"] == f["status"]
                    and len(ids) == len(set(ids))
                )
                outcome.check("historyComplete", ok, f"{ident}: {[e['action'] for e in history]} vs {f['status']}")
            by_id = {f["id"]: f for f in findings}
            for finding_id in world.acks:
                history = self.stores.history.for_finding(world.tenant_id, finding_id)
                acked = [e for e in history if e["action"] == "acknowledged" and e.get("note") == ACTOR_NOTE]
                later = history[history.index(acked[-1]) + 1 :] if acked else []
                status_ok = finding_id in by_id and (by_id[finding_id]["status"] == "acknowledged" or bool(later))
                outcome.check("acknowledgementsKept", bool(acked) and status_ok, f"{label} ack of {finding_id}")
            record = self.stores.summaries.get(world.tenant_id)
            summary = record.summary if record else {}
            published = published_run(summary)
            visible = [
                f for f in findings if f["firstSeenRunId"] <= published and f["scopeKey"] == summary.get("scopeKey")
            ]
            outcome.check(
                "summaryCountsMatch",
                summary.get("counts") == count_findings(visible),
                f"{label} {summary.get('counts')} vs recount {count_findings(visible)}",
            )
            poison = self._poison(world)
            outcome.check("noPoison", not world.abandoned_blobs and set(poison) <= set(world.malformed),
                          f"{label} abandoned blobs {world.abandoned_blobs}, poison {poison}")  # fmt: skip

        mine = sorted(_projection(f) for f in self.stores.findings.list_all(faulty.tenant_id))
        theirs = sorted(_projection(f) for f in self.stores.findings.list_all(twin.tenant_id))
        outcome.check("sameFindingsAsTwin", mine == theirs, f"faulty {len(mine)} vs twin {len(theirs)}: "
                      f"only faulty {[m[:3] for m in mine if m not in theirs][:5]}, only twin {[t[:3] for t in theirs if t not in mine][:5]}")  # fmt: skip

    def _poison(self, world: World) -> list[str]:
        client = self.host.queue("tenant-scans-poison")
        bodies = [m.content for m in client.peek_messages(max_messages=32)]
        return [b.decode() if isinstance(b, bytes) else str(b) for b in bodies if world.tenant_id in str(b)]


def _concurrently(targets: list[Callable[[], None]]) -> None:
    """Run the targets at once, each in its own thread, and wait for all."""
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _key(finding: dict[str, Any]) -> tuple[str, str, str]:
    return (finding["policyType"], finding["subjectId"], finding["changeType"])


def _projection(finding: dict[str, Any]) -> tuple[Any, ...]:
    """A finding without its tenant, runs and ids: what the twin must have too."""
    return (*_key(finding), finding["status"], finding["severity"], finding["contentHash"],
            json.dumps(finding.get("changes"), sort_keys=True))  # fmt: skip


def summarize(outcomes: list[Outcome]) -> dict[str, Any]:
    checked: Counter[str] = Counter()
    violated: Counter[str] = Counter()
    faults: Counter[str] = Counter()
    fired: Counter[str] = Counter()
    for o in outcomes:
        checked.update(o.checked)
        faults.update(o.faults)
        fired.update(o.fired)
        for v in o.violations:
            violated[v.split(":", 1)[0]] += 1
    failures = [
        {"seed": o.seed, "violations": o.violations[:5], "schedule": Schedule.draw(o.seed).describe()}
        for o in outcomes
        if o.violations
    ]
    return {
        "schedules": len(outcomes),
        "failedSchedules": len(failures),
        "invariants": {name: {"checked": checked[name], "violated": violated[name]} for name in INVARIANTS},
        "harnessErrors": violated["harness"],
        "faultsInjected": dict(sorted(faults.items())),
        "requestsFailedByFaults": dict(sorted(fired.items())),
        "secondsPerSchedule": round(sum(o.seconds for o in outcomes) / max(len(outcomes), 1), 2),
        "failures": failures,
    }  # fmt: skip


def _work(seeds: list[int], progress: str | None) -> list[Outcome]:
    """Run schedules in this process, against an Azurite and a simulator of its own."""
    import logging

    logging.disable(logging.CRITICAL)
    from devtools.azurite import Azurite
    from devtools.graphsim import GraphSimulator

    secret = "chaos-bench-token"
    outcomes = []
    with Azurite.start() as azurite, GraphSimulator(token_secret=secret) as sim:
        os.environ.update({
            "AzureWebJobsStorage": azurite.connection_string, "AUTH_MODE": "local", "TABLE_NAME_PREFIX": "chaos",
            "GRAPH_BASE_URL": sim.base_url, "GRAPH_CREDENTIAL_MODE": "static_token", "GRAPH_STATIC_TOKEN": secret,
            "GRAPH_TIMEOUT_SECONDS": GRAPH_TIMEOUT_SECONDS, "GRAPH_MAX_CONCURRENCY": "8", "SECRET_HASH_KEY": "chaos-key",
            "BLOB_TRIGGER_SOURCE": "LogsAndContainerScan", "SCAN_SCHEDULE": "0 0 */6 * * *",
        })  # fmt: skip
        import function_app
        from devtools.host import LocalHost
        from shared.storage.stores import get_stores

        stores = get_stores()
        faults = StorageFaults()
        stores.clients.interceptors.append(faults)
        chaos = Chaos(LocalHost(function_app.app, azurite.connection_string), sim, stores, faults)
        for seed in seeds:
            outcome = chaos.run(seed)
            outcomes.append(outcome)
            if outcome.violations:
                print(f"seed {seed} FAILED: {outcome.violations[:3]}", file=sys.stderr, flush=True)
            if progress:
                with open(progress, "a", encoding="utf-8") as out:
                    line = {"seed": seed, "violations": outcome.violations, "checked": outcome.checked,
                            "faults": outcome.faults, "fired": outcome.fired, "seconds": round(outcome.seconds, 2)}  # fmt: skip
                    out.write(json.dumps(line) + "\n")
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schedules", type=int, default=1000)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1, help="processes, each with its own Azurite and simulator")
    parser.add_argument("--progress", default=None, help="append one JSON line per schedule to this file")
    args = parser.parse_args(argv)
    seeds = list(range(args.first_seed, args.first_seed + args.schedules))
    started = time.perf_counter()
    if args.workers <= 1:
        outcomes = _work(seeds, args.progress)
    else:
        import multiprocessing

        chunks = [seeds[i :: args.workers] for i in range(args.workers)]
        with multiprocessing.get_context("spawn").Pool(args.workers) as pool:
            parts = pool.starmap(_work, [(chunk, args.progress) for chunk in chunks])
        outcomes = sorted((o for part in parts for o in part), key=lambda o: o.seed)
    report = {"benchmark": "chaos", **summarize(outcomes), "wallSeconds": round(time.perf_counter() - started, 1)}
    print(json.dumps(report, indent=2))
    return 0 if not report["failedSchedules"] else 1


if __name__ == "__main__":
    sys.exit(main())
