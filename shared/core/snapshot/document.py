"""The snapshot document (schema v1): built from a scan's type results, serialised deterministically (pure).

`references` (the names findings show, `shared.core.references`) and `audit` (the audit events
attribution needs, `shared.core.attribution`) sit beside `types`, never inside an item: they feed no
item hash, so a renamed group or a new audit event changes no item.
"""

from __future__ import annotations

import gzip
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from shared.core.canonical import canonical_bytes
from shared.core.normalise import Item
from shared.core.references import empty_references

SCHEMA_VERSION: Final = 1

TypeStatus = Literal["complete", "failed"]


@dataclass
class TypeResult:
    """What one policy type gave in one run: its normalised items, or a stable error code."""

    policy_type: str
    status: TypeStatus
    items: list[Item] = field(default_factory=list)
    error_code: str | None = None
    error: dict[str, Any] | None = None


def run_status(results: Sequence[TypeResult]) -> str:
    """completed when every type is complete, failed when none is, partial otherwise (DESIGN §4)."""
    complete = sum(1 for r in results if r.status == "complete")
    if results and complete == len(results):
        return "completed"
    return "failed" if complete == 0 else "partial"


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
    references: Mapping[str, Any] | None = None,
    audit: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The snapshot document of one run; `references` is the run's section of names (empty: none),
    `audit` its section of audit events (None: the logs were not read, the section is left out)."""
    types: dict[str, Any] = {}
    for result in sorted(results, key=lambda r: r.policy_type):
        types[result.policy_type] = {
            "status": result.status,
            "errorCode": result.error_code,
            "error": result.error,
            "itemCount": len(result.items),
            "items": result.items,
        }
    document: dict[str, Any] = {
        "schemaVersion": SCHEMA_VERSION,
        "tenantId": tenant_id,
        "runId": run_id,
        "scopeKey": scope_key,
        "selection": sorted(selection),
        "status": run_status(results),
        "startedAt": started_at,
        "finishedAt": finished_at,
        "references": dict(references) if references is not None else empty_references(),
        "types": types,
    }
    if audit is not None:
        document["audit"] = dict(audit)
    return document


def encode_snapshot(document: dict[str, Any]) -> bytes:
    """gzip of the canonical JSON; mtime 0 so identical documents give identical bytes."""
    return gzip.compress(canonical_bytes(document), compresslevel=6, mtime=0)
