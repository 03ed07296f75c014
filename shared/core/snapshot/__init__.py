"""Snapshots (DESIGN §4): the versioned document of one run, and its streaming reader. Pure."""

from shared.core.snapshot.document import (
    SCHEMA_VERSION,
    TypeResult,
    build_snapshot,
    encode_snapshot,
    run_status,
    snapshot_path,
)
from shared.core.snapshot.reader import ItemIndex, decode_snapshot, differs_from, scan_snapshot

__all__ = [
    "SCHEMA_VERSION",
    "ItemIndex",
    "TypeResult",
    "build_snapshot",
    "decode_snapshot",
    "differs_from",
    "encode_snapshot",
    "run_status",
    "scan_snapshot",
    "snapshot_path",
]
