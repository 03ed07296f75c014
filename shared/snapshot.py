"""The snapshot document (schema v1): built from a scan, serialised deterministically, validated on read."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from typing import Any, Final

from shared.canonical import canonical_bytes
from shared.errors import SnapshotError
from shared.scanner import TypeResult, run_status

SCHEMA_VERSION: Final = 1
_REQUIRED: Final = (
    "schemaVersion",
    "tenantId",
    "runId",
    "scopeKey",
    "selection",
    "status",
    "startedAt",
    "finishedAt",
    "types",
)


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
    """Parse and validate a snapshot blob; anything unusable raises SnapshotError with a stable code."""
    try:
        raw = gzip.decompress(data)
    except (OSError, EOFError) as exc:
        raise SnapshotError("snapshot_corrupt", f"snapshot is not valid gzip: {type(exc).__name__}") from None
    try:
        document = json.loads(raw)
    except ValueError:
        raise SnapshotError("snapshot_corrupt", "snapshot is not valid JSON") from None
    if not isinstance(document, dict):
        raise SnapshotError("snapshot_invalid", "snapshot is not a JSON object")
    missing = [k for k in _REQUIRED if k not in document]
    if missing:
        raise SnapshotError("snapshot_invalid", f"snapshot lacks {', '.join(missing)}")
    if document["schemaVersion"] != SCHEMA_VERSION:
        raise SnapshotError(
            "snapshot_unsupported_version", f"schemaVersion {document['schemaVersion']!r} is not supported"
        )
    types = document["types"]
    if not isinstance(types, dict):
        raise SnapshotError("snapshot_invalid", "types is not an object")
    for key, entry in types.items():
        if not isinstance(entry, dict) or entry.get("status") not in ("complete", "failed"):
            raise SnapshotError("snapshot_invalid", f"type {key} has no valid status")
        items = entry.get("items")
        if not isinstance(items, list) or any(
            not isinstance(i, dict) or "id" not in i or "hash" not in i for i in items
        ):
            raise SnapshotError("snapshot_invalid", f"type {key} has malformed items")
    return document
