"""Reading snapshots item by item: only items that differ are kept whole (DESIGN §8: memory ≤ 3×).

A detection needs every item's id and hash, but the content only of the few items that changed.
`scan_snapshot` walks the JSON text, parsing one item at a time and keeping either the whole item
or a stub (`id`, `hash`, `displayName`), so a snapshot never lives in memory as one large object
tree. The comparison engine skips items whose hashes are equal, so stubs are all it reads of them.
"""

from __future__ import annotations

import codecs
import json
import re
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from shared.core.snapshot.document import SCHEMA_VERSION
from shared.errors import SnapshotError

KeepItem = Callable[[str, dict[str, Any]], bool]
ItemIndex = dict[tuple[str, str], str]

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_REQUIRED = (
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


_CHUNK_IN = 64 * 1024  # compressed bytes fed to zlib at a time
_CHUNK_OUT = 256 * 1024  # decompressed bytes produced at most per step


def _text_chunks(data: bytes) -> Iterator[str]:
    """Decompress gzip to text piece by piece, so the whole text never exists at once."""
    inflater = zlib.decompressobj(wbits=31)
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for start in range(0, len(data), _CHUNK_IN):
        pending = bytes(view[start : start + _CHUNK_IN])
        while pending:
            out = inflater.decompress(pending, _CHUNK_OUT)
            pending = inflater.unconsumed_tail
            if out:
                yield decoder.decode(out)
            if inflater.eof:
                break
    yield decoder.decode(inflater.flush(), final=True)
    if not inflater.eof or inflater.unused_data:
        raise EOFError("gzip stream is truncated or has trailing data")


class _Text:
    """A cursor over JSON text that arrives in chunks; consumed text is dropped as it goes."""

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks
        self._eof = False
        self.text = ""
        self.pos = 0

    def _refill(self) -> bool:
        if self._eof:
            return False
        try:
            chunk = next(self._chunks)
        except StopIteration:
            self._eof = True
            return False
        self.text = self.text[self.pos :] + chunk
        self.pos = 0
        return True

    def skip(self) -> None:
        while True:
            match = _WS.match(self.text, self.pos)
            self.pos = match.end() if match else self.pos
            if self.pos < len(self.text) or not self._refill():
                return

    def peek(self) -> str:
        self.skip()
        return self.text[self.pos : self.pos + 1]

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise ValueError(f"expected {char!r}")
        self.pos += 1

    def at_end(self) -> bool:
        self.skip()
        return self.pos >= len(self.text)

    def value(self) -> Any:
        self.skip()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
            except json.JSONDecodeError:
                if self._refill():
                    continue
                raise
            # A number that ends with the buffer may go on in the next chunk.
            if end == len(self.text) and self._refill():
                continue
            self.pos = end
            return value

    def members(self) -> Iterator[str]:
        """Iterate an object's keys, leaving the cursor at each value."""
        self.expect("{")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise ValueError("object key is not a string")
            self.expect(":")
            yield key
            if self.peek() == ",":
                self.pos += 1
                continue
            self.expect("}")
            return


def _stub(item: dict[str, Any]) -> dict[str, Any]:
    return {"id": item["id"], "hash": item["hash"], "displayName": item.get("displayName", "")}


def _items(cursor: _Text, policy_type: str, keep: KeepItem, index: ItemIndex) -> list[dict[str, Any]]:
    cursor.expect("[")
    out: list[dict[str, Any]] = []
    if cursor.peek() == "]":
        cursor.pos += 1
        return out
    while True:
        item = cursor.value()
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not isinstance(item.get("hash"), str):
            raise SnapshotError("snapshot_invalid", f"type {policy_type} has malformed items")
        index[(policy_type, item["id"])] = item["hash"]
        out.append(item if keep(policy_type, item) else _stub(item))
        if cursor.peek() == ",":
            cursor.pos += 1
            continue
        cursor.expect("]")
        return out


def _type_entry(cursor: _Text, policy_type: str, keep: KeepItem, index: ItemIndex) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for key in cursor.members():
        entry[key] = _items(cursor, policy_type, keep, index) if key == "items" else cursor.value()
    if entry.get("status") not in ("complete", "failed") or not isinstance(entry.get("items"), list):
        raise SnapshotError("snapshot_invalid", f"type {policy_type} has no valid status or items")
    return entry


def scan_snapshot(data: bytes, keep: KeepItem | None = None) -> tuple[dict[str, Any], ItemIndex]:
    """A snapshot document whose items are whole where `keep` says so and stubs elsewhere, plus the
    (type, id) → hash index of every item. Unusable input raises SnapshotError with a stable code."""
    wanted = keep or (lambda _t, _i: True)
    cursor = _Text(_text_chunks(data))
    index: ItemIndex = {}
    document: dict[str, Any] = {}
    try:
        if cursor.peek() != "{":
            raise SnapshotError("snapshot_invalid", "snapshot is not a JSON object")
        for key in cursor.members():
            if key == "types":
                if document.get("schemaVersion") not in (None, SCHEMA_VERSION):
                    break
                if cursor.peek() != "{":
                    raise SnapshotError("snapshot_invalid", "types is not an object")
                types: dict[str, Any] = {}
                for policy_type in cursor.members():
                    types[policy_type] = _type_entry(cursor, policy_type, wanted, index)
                document["types"] = types
            else:
                document[key] = cursor.value()
        else:
            if not cursor.at_end():
                raise ValueError("trailing data after the snapshot")
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        raise SnapshotError("snapshot_corrupt", f"snapshot is not valid gzip: {type(exc).__name__}") from None
    except (ValueError, IndexError):
        raise SnapshotError("snapshot_corrupt", "snapshot is not valid JSON") from None
    missing = [k for k in _REQUIRED if k not in document]
    if document.get("schemaVersion") != SCHEMA_VERSION and "schemaVersion" in document:
        raise SnapshotError(
            "snapshot_unsupported_version", f"schemaVersion {document['schemaVersion']!r} is not supported"
        )
    if missing:
        raise SnapshotError("snapshot_invalid", f"snapshot lacks {', '.join(missing)}")
    if not isinstance(document.get("references", {}), dict):
        raise SnapshotError("snapshot_invalid", "references is not an object")
    audit = document.get("audit", {})
    if not isinstance(audit, dict) or not isinstance(audit.get("events", []), list):
        raise SnapshotError("snapshot_invalid", "audit is not an object with an events array")
    return document, index


def differs_from(index: ItemIndex) -> KeepItem:
    """Keep items whose hash is not the one `index` has for them (changed, added or removed)."""
    return lambda policy_type, item: index.get((policy_type, item["id"])) != item["hash"]


def decode_snapshot(data: bytes) -> dict[str, Any]:
    """Parse and validate a whole snapshot blob; anything unusable raises SnapshotError with a stable code."""
    return scan_snapshot(data)[0]
