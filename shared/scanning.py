"""Scan orchestration: plan scans, and run one scan idempotently from a queue message."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from shared import settings
from shared.errors import ScanBusyError, SettingsError, SnapshotError, ValidationError
from shared.graph.client import GraphClient, build_graph_client
from shared.runids import is_run_id, new_run_id
from shared.scanner import TypeResult, read_tenant
from shared.scope import scope_key
from shared.services import Services
from shared.snapshot import build_snapshot, decode_snapshot, encode_snapshot, snapshot_path
from shared.storage.registry import Tenant
from shared.validation import require_guid

log = logging.getLogger(__name__)

LOCK_TTL_SECONDS = 600.0
LOCK_RENEW_SECONDS = 60.0

GraphFactory = Callable[[str], GraphClient]


@dataclass(frozen=True)
class ScanRequest:
    """The body of a tenant-scans queue message."""

    tenant_id: str
    run_id: str
    trigger: str
    requested_at: str

    def to_message(self) -> str:
        return json.dumps(
            {
                "tenantId": self.tenant_id,
                "runId": self.run_id,
                "trigger": self.trigger,
                "requestedAt": self.requested_at,
            },
            sort_keys=True,
        )


def now_iso() -> str:
    """Current UTC time, ISO 8601 with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_scan_request(tenant_id: str, trigger: str, now: datetime | None = None) -> ScanRequest:
    """A scan request with a fresh run id (the id travels in the message, so redelivery reuses it)."""
    moment = now or datetime.now(UTC)
    return ScanRequest(
        tenant_id, new_run_id(moment), trigger, moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def plan_scans(tenants: Iterable[Tenant], now: datetime | None = None) -> list[ScanRequest]:
    """One scan request per enabled tenant (pure)."""
    return [new_scan_request(t.tenant_id, "schedule", now) for t in tenants if t.enabled]


def parse_scan_message(body: str) -> ScanRequest:
    """Validate a queue message; anything malformed raises ValidationError."""
    try:
        data = json.loads(body)
    except ValueError:
        raise ValidationError("scan message is not JSON") from None
    if not isinstance(data, dict):
        raise ValidationError("scan message is not a JSON object")
    tenant_id = require_guid(data.get("tenantId"), "tenantId")
    run_id = data.get("runId")
    if not isinstance(run_id, str) or not is_run_id(run_id):
        raise ValidationError("scan message has no valid runId")
    return ScanRequest(tenant_id, run_id, str(data.get("trigger") or "schedule"), str(data.get("requestedAt") or ""))


@dataclass(frozen=True)
class ScanOutcome:
    """What handling one scan message did."""

    run_id: str
    action: str  # scanned | already_done | duplicate_in_flight | tenant_missing | recovered
    status: str | None


def _record_outcome(services: Services, request: ScanRequest, document: Mapping[str, Any]) -> None:
    """The run record from its snapshot: status, times and per-type coverage."""
    services.runs.finish(
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


async def _scan_graph(client: GraphClient, selection: list[str], secret_key: bytes | None) -> list[TypeResult]:
    try:
        return await read_tenant(client, selection, secret_key)
    finally:
        await client.close()


async def _renew_forever(services: Services, request: ScanRequest, scope: str) -> None:
    while True:
        await asyncio.sleep(LOCK_RENEW_SECONDS)
        await asyncio.to_thread(services.locks.renew, request.tenant_id, scope, request.run_id, LOCK_TTL_SECONDS)


async def execute_scan(
    request: ScanRequest,
    services: Services,
    graph_factory: GraphFactory | None = None,
    env: Mapping[str, str] | None = None,
) -> ScanOutcome:
    """Scan one tenant for one run id: at most one run record and one snapshot, whatever the redelivery."""
    tenant = services.tenants.get(request.tenant_id)
    if tenant is None:
        log.warning("scan %s: tenant %s is not registered; message dropped", request.run_id, request.tenant_id)
        return ScanOutcome(request.run_id, "tenant_missing", None)
    existing = services.runs.get(request.tenant_id, request.run_id)
    if existing is not None and existing.status != "running":
        return ScanOutcome(request.run_id, "already_done", existing.status)
    scope = scope_key(tenant.selection)
    if not services.locks.acquire(request.tenant_id, scope, request.run_id, LOCK_TTL_SECONDS):
        holder = services.locks.holder(request.tenant_id, scope)
        if holder is not None and holder.holder == request.run_id:
            return ScanOutcome(request.run_id, "duplicate_in_flight", "running")
        raise ScanBusyError(f"another scan of tenant {request.tenant_id} and this scope is running; retry later")
    try:
        return await _scan_locked(request, tenant, scope, services, graph_factory, env)
    finally:
        services.locks.release(request.tenant_id, scope, request.run_id)


async def _scan_locked(
    request: ScanRequest,
    tenant: Tenant,
    scope: str,
    services: Services,
    graph_factory: GraphFactory | None,
    env: Mapping[str, str] | None,
) -> ScanOutcome:
    name = snapshot_path(request.tenant_id, request.run_id)
    stored = services.snapshots.read(name)
    if stored is not None:
        # A previous attempt wrote the snapshot but died before recording the outcome.
        try:
            document = decode_snapshot(stored)
        except SnapshotError as exc:
            services.runs.finish(request.tenant_id, request.run_id, "failed", now_iso(), {}, exc.code)
            return ScanOutcome(request.run_id, "recovered", "failed")
        _record_outcome(services, request, document)
        return ScanOutcome(request.run_id, "recovered", document["status"])

    started = now_iso()
    services.runs.start(request.tenant_id, request.run_id, scope, tenant.selection, request.trigger, started)
    try:
        factory = graph_factory or (lambda tid: build_graph_client(tid, env))
        client = factory(request.tenant_id)
        key = secret_hash_key(env)
    except SettingsError as exc:
        log.error("scan %s: %s", request.run_id, exc.message)
        services.runs.finish(request.tenant_id, request.run_id, "failed", now_iso(), {}, exc.code)
        return ScanOutcome(request.run_id, "scanned", "failed")

    renewer = asyncio.create_task(_renew_forever(services, request, scope))
    try:
        results = await _scan_graph(client, tenant.selection, key)
    finally:
        renewer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewer
    document = build_snapshot(request.tenant_id, request.run_id, scope, tenant.selection, started, now_iso(), results)
    if not services.snapshots.create(name, encode_snapshot(document)):
        # Lost a race with another attempt of the same run: its snapshot is the run's snapshot.
        stored = services.snapshots.read(name)
        document = decode_snapshot(stored or b"")
    _record_outcome(services, request, document)
    log.info("scan %s of tenant %s: %s", request.run_id, request.tenant_id, document["status"])
    return ScanOutcome(request.run_id, "scanned", document["status"])


def run_scan_message(
    body: str,
    services: Services,
    graph_factory: GraphFactory | None = None,
    env: Mapping[str, str] | None = None,
) -> ScanOutcome:
    """Synchronous entry for the queue trigger: parse, then scan on a fresh event loop."""
    request = parse_scan_message(body)
    return asyncio.run(execute_scan(request, services, graph_factory, env))
