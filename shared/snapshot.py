"""The snapshot document (schema v1): built from a scan, serialised deterministically, validated on read."""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from typing import Any, Final

from shared.canonical import canonical_bytes
from shared.scanner import TypeResult, run_status

SCHEMA_VERSION: Final = 1


def snapshot_path(tenant_id: str, run_id: str) -> str:
    """Blob name inside the snapshots container."""
    return f"{tenant_id}/{run_id}.json.gz"


def build_snapshot(
    tenant_id: str,
    run_id: str,
    scope_key: str,
    selection: Sequence[str],
    started_at: str,
    finished_at: str,
    results: Sequence[TypeResult],
) -> dict[str, Any]:
    """The snapshot document of one run."""
    types: dict[str, Any] = {}
    for result in sorted(results, key=lambda r: r.policy_type):
        types[result.policy_type] = {
            "status": result.status,
            "errorCode": result.error_code,
            "error": result.error,
            "itemCount": len(result.items),
            "items": result.items,
        }
    return {
        "schemaVersion": SCHEMA_VERSION,
        "tenantId": tenant_id,
        "runId": run_id,
        "scopeKey": scope_key,
        "selection": sorted(selection),
        "status": run_status(results),
        "startedAt": started_at,
        "finishedAt": finished_at,
        "types": types,
    }


def encode_snapshot(document: dict[str, Any]) -> bytes:
    """gzip of the canonical JSON; mtime 0 so identical documents give identical bytes."""
    return gzip.compress(canonical_bytes(document), compresslevel=6, mtime=0)


def decode_snapshot(data: bytes) -> dict[str, Any]:
    """Parse and validate a whole snapshot blob; anything unusable raises SnapshotError with a stable code."""
    from shared.snapshot_scan import scan_snapshot

    return scan_snapshot(data)[0]
