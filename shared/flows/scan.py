"""The scan flow: one queue message → one tenant read from Graph → one immutable snapshot (the shell)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shared import settings
from shared.core.attribution import AuditSource, audit_section, audit_source
from shared.core.clock import now_iso
from shared.core.messages import ScanRequest, parse_scan_message
from shared.core.references import CachedDefinition, DefinitionKey
from shared.core.scope import scope_key
from shared.core.snapshot import TypeResult, build_snapshot, decode_snapshot, encode_snapshot, snapshot_path
from shared.core.tenants import Tenant
from shared.errors import ScanBusyError, SettingsError, SnapshotError
from shared.graph.audit import AuditRead, read_audit
from shared.graph.client import GraphClient, build_graph_client
from shared.graph.names import ResolvedReferences, resolve_references
from shared.graph.policies import read_tenant
from shared.storage.locks import LockState
from shared.storage.stores import Stores

log = logging.getLogger(__name__)

# A live scan renews its lock every LOCK_RENEW_SECONDS; a crashed one's lock lapses within
# LOCK_TTL_SECONDS, well inside the queue's retry window (host.json: 5 deliveries, 30 s apart).
LOCK_TTL_SECONDS = 90.0
LOCK_RENEW_SECONDS = 30.0
# How often a second delivery of a run still in flight looks again.
LOCK_POLL_SECONDS = 2.0

GraphFactory = Callable[[str], GraphClient]


@dataclass(frozen=True)
class ScanOutcome:
    """What handling one scan message did."""

    run_id: str
    action: str  # scanned | already_done | tenant_missing | recovered
    status: str | None


def _record_outcome(stores: Stores, request: ScanRequest, document: Mapping[str, Any]) -> None:
    """The run record from its snapshot: status, times and per-type coverage."""
    stores.runs.finish(
        request.tenant_id,
        request.run_id,
        document["status"],
        document["finishedAt"],
        _type_summary(document),
        started_at=document["startedAt"],
    )


def _type_summary(document: Mapping[str, Any]) -> dict[str, Any]:
    return {
        key: {
            "status": entry["status"],
            "errorCode": entry.get("errorCode"),
            "itemCount": entry.get("itemCount", len(entry.get("items", []))),
        }
        for key, entry in document["types"].items()
    }


def secret_hash_key(env: Mapping[str, str] | None = None) -> bytes | None:
    """The deployment's HMAC key for secret fingerprints (None: markers without fingerprint)."""
    value = settings.get("SECRET_HASH_KEY", env)
    return value.encode("utf-8") if value else None


@dataclass(frozen=True)
class AuditPlan:
    """Which audit logs a scan reads and from when (DESIGN §12)."""

    sources: frozenset[AuditSource]
    since: str
    pending_since: str | None


def plan_audit(stores: Stores, request: ScanRequest, tenant: Tenant, scope: str) -> AuditPlan | None:
    """The logs to read: those recording the selected types, since the start of the run a comparison
    of this run will start from (the latest completed run of the scope) or since the earliest window
    of a finding still pending, whichever is older. None: nothing to attribute (a first scan).

    Two small reads, never the findings: the newest completed run, and the pending marks (a prefix
    range of the tenant's findings partition holding only pending findings)."""
    baseline = stores.runs.latest_completed_before(request.tenant_id, scope, request.run_id)
    pending = [r.mark["windowStart"] for r in stores.findings.pending_marks(request.tenant_id, scope)]
    starts = [t for t in [baseline.started_at if baseline else None, *pending] if t]
    if not starts:
        return None
    sources = frozenset(audit_source(t) for t in tenant.selection)
    return AuditPlan(sources, min(starts), min(pending) if pending else None)


async def _scan_graph(
    client: GraphClient,
    selection: list[str],
    secret_key: bytes | None,
    definitions: Mapping[DefinitionKey, CachedDefinition],
    audit: AuditPlan | None,
) -> tuple[list[TypeResult], ResolvedReferences, AuditRead | None]:
    """Every selected type (and, beside them, the audit logs), then the names their items refer to
    (DESIGN §11), on one client and budget."""

    async def logs() -> AuditRead | None:
        return await read_audit(client, audit.sources, audit.since) if audit is not None else None

    try:
        results, read = await asyncio.gather(read_tenant(client, selection, secret_key), logs())
        return results, await resolve_references(client, results, definitions, datetime.now(UTC)), read
    finally:
        await client.close()


async def _renew_forever(stores: Stores, request: ScanRequest, scope: str, lease: list[str | None]) -> None:
    while True:
        await asyncio.sleep(LOCK_RENEW_SECONDS)
        lease[0] = await asyncio.to_thread(
            stores.locks.renew, request.tenant_id, scope, request.run_id, LOCK_TTL_SECONDS
        )


async def execute_scan(
    request: ScanRequest,
    stores: Stores,
    graph_factory: GraphFactory | None = None,
    env: Mapping[str, str] | None = None,
) -> ScanOutcome:
    """Scan one tenant for one run id: at most one run record and one snapshot, whatever the redelivery."""
    tenant = stores.tenants.get(request.tenant_id)
    if tenant is None:
        log.warning("scan %s: tenant %s is not registered; message dropped", request.run_id, request.tenant_id)
        return ScanOutcome(request.run_id, "tenant_missing", None)
    existing = stores.runs.get(request.tenant_id, request.run_id)
    if existing is not None and existing.status != "running":
        return ScanOutcome(request.run_id, "already_done", existing.status)
    scope = scope_key(tenant.selection)
    etag = stores.locks.acquire(request.tenant_id, scope, request.run_id, LOCK_TTL_SECONDS)
    if etag is None:
        holder = stores.locks.holder(request.tenant_id, scope)
        if holder is not None and holder.holder == request.run_id:
            return await _second_delivery(stores, request, scope, tenant, graph_factory, env)
        etag = _take_from_finished(stores, request, scope, holder)
        if etag is None:
            raise ScanBusyError(f"another scan of tenant {request.tenant_id} and this scope is running; retry later")
    return await _scan_holding(request, tenant, scope, stores, graph_factory, env, etag, existing is not None)


async def _scan_holding(
    request: ScanRequest,
    tenant: Tenant,
    scope: str,
    stores: Stores,
    graph_factory: GraphFactory | None,
    env: Mapping[str, str] | None,
    etag: str,
    attempted: bool,
) -> ScanOutcome:
    """Scan under the lock just taken (its ETag), and release it whatever happens."""
    lease: list[str | None] = [etag]  # the lock's current ETag, kept by the renewer
    try:
        return await _scan_locked(request, tenant, scope, stores, graph_factory, env, lease, attempted)
    finally:
        stores.locks.release(request.tenant_id, scope, request.run_id, lease[0])


async def _second_delivery(
    stores: Stores,
    request: ScanRequest,
    scope: str,
    tenant: Tenant,
    graph_factory: GraphFactory | None,
    env: Mapping[str, str] | None,
) -> ScanOutcome:
    """This run's lock is held under this run's own id: another delivery of the message is scanning,
    or an earlier attempt crashed and left it. Dropping the message would leave a crashed run
    `running` for ever, and retrying it would send a slow scan's duplicate to the poison queue, so
    wait: until the run is recorded (the other delivery finished), or until the lock lapses (nobody
    renews it: the attempt died) and this delivery takes it and scans."""
    deadline = time.monotonic() + LOCK_TTL_SECONDS + LOCK_RENEW_SECONDS
    while time.monotonic() < deadline:
        await asyncio.sleep(LOCK_POLL_SECONDS)
        run = stores.runs.get(request.tenant_id, request.run_id)
        if run is not None and run.status != "running":
            return ScanOutcome(request.run_id, "already_done", run.status)
        etag = stores.locks.acquire(request.tenant_id, scope, request.run_id, LOCK_TTL_SECONDS)
        if etag is not None:
            log.warning("scan %s: an earlier attempt left its lock; scanning again", request.run_id)
            return await _scan_holding(request, tenant, scope, stores, graph_factory, env, etag, True)
    raise ScanBusyError(f"scan {request.run_id} is still held by another delivery; retry later")


def _take_from_finished(stores: Stores, request: ScanRequest, scope: str, holder: LockState | None) -> str | None:
    """The lock, taken over from a run that has finished but whose release was lost (a storage error
    or a crash after its outcome was recorded): waiting for its expiry would send this scan to the
    poison queue. A holder still running keeps it."""
    if holder is None:
        return stores.locks.acquire(request.tenant_id, scope, request.run_id, LOCK_TTL_SECONDS)
    run = stores.runs.get(request.tenant_id, holder.holder)
    if run is None or run.status == "running":
        return None
    log.warning("scan %s: taking over the lock left by finished run %s", request.run_id, holder.holder)
    return stores.locks.take_over(request.tenant_id, scope, request.run_id, LOCK_TTL_SECONDS, holder)


async def _scan_locked(
    request: ScanRequest,
    tenant: Tenant,
    scope: str,
    stores: Stores,
    graph_factory: GraphFactory | None,
    env: Mapping[str, str] | None,
    lease: list[str | None],
    attempted: bool,
) -> ScanOutcome:
    name = snapshot_path(request.tenant_id, request.run_id)
    # The snapshot is written only after the run record: without a record, there is none to find.
    stored = stores.snapshots.read(name) if attempted else None
    if stored is not None:
        # A previous attempt wrote the snapshot but died before recording the outcome.
        try:
            document = decode_snapshot(stored)
        except SnapshotError as exc:
            stores.runs.finish(request.tenant_id, request.run_id, "failed", now_iso(), {}, exc.code)
            return ScanOutcome(request.run_id, "recovered", "failed")
        _record_outcome(stores, request, document)
        return ScanOutcome(request.run_id, "recovered", document["status"])

    started = now_iso()
    stores.runs.start(request.tenant_id, request.run_id, scope, tenant.selection, request.trigger, started)
    try:
        factory = graph_factory or (lambda tid: build_graph_client(tid, env))
        client = factory(request.tenant_id)
        key = secret_hash_key(env)
    except SettingsError as exc:
        log.error("scan %s: %s", request.run_id, exc.message)
        stores.runs.finish(request.tenant_id, request.run_id, "failed", now_iso(), {}, exc.code)
        return ScanOutcome(request.run_id, "scanned", "failed")

    # Setting definitions read in earlier runs: an unchanged tenant reads none again.
    cached = stores.definitions.load(request.tenant_id)
    audit = plan_audit(stores, request, tenant, scope)
    read_at = now_iso()
    renewer = asyncio.create_task(_renew_forever(stores, request, scope, lease))
    try:
        results, resolved, read = await _scan_graph(client, tenant.selection, key, cached, audit)
    finally:
        renewer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewer
    if resolved.fetched:
        stores.definitions.save(request.tenant_id, resolved.fetched, now_iso())
    section = audit_section(
        since=audit.since if audit else None,
        read_at=read_at if read is not None else None,
        pending_since=audit.pending_since if audit else None,
        sources=read.sources if read is not None else {},
        events=read.events if read is not None else [],
    )
    document = build_snapshot(
        request.tenant_id, request.run_id, scope, tenant.selection, started, now_iso(), results,
        resolved.references, section,
    )  # fmt: skip
    if not stores.snapshots.create(name, encode_snapshot(document)):
        # Lost a race with another attempt of the same run: its snapshot is the run's snapshot.
        stored = stores.snapshots.read(name)
        document = decode_snapshot(stored or b"")
    _record_outcome(stores, request, document)
    log.info("scan %s of tenant %s: %s", request.run_id, request.tenant_id, document["status"])
    return ScanOutcome(request.run_id, "scanned", document["status"])


def run_scan_message(
    body: str,
    stores: Stores,
    graph_factory: GraphFactory | None = None,
    env: Mapping[str, str] | None = None,
) -> ScanOutcome:
    """Synchronous entry for the queue trigger: parse, then scan on a fresh event loop."""
    request = parse_scan_message(body)
    return asyncio.run(execute_scan(request, stores, graph_factory, env))
