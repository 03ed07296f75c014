"""Table helpers: create-once table clients and JSON properties within Table Storage limits."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import HttpResponseError, ResourceExistsError
from azure.data.tables import TableClient, UpdateMode

from shared.core.canonical import canonical_bytes
from shared.errors import ConcurrentUpdateError
from shared.storage.clients import StorageClients

# Table Storage limits (Azurite does not enforce them; we do).
MAX_PROPERTY_BYTES = 64 * 1024
MAX_ENTITY_BYTES = 1024 * 1024
MAX_BATCH_ENTITIES = 100
MAX_BATCH_BYTES = 4 * 1024 * 1024
# A binary property with room to spare under the 64 KB limit (gzip chunks of findings and heads).
PACKED_PROPERTY_BYTES = MAX_PROPERTY_BYTES - 1024

_created: set[tuple[object, str]] = set()
_lock = threading.Lock()


def table_client(clients: StorageClients, name: str) -> TableClient:
    """A client for a prefixed table, creating the table the first time this process asks."""
    full = clients.table_name(name)
    client = clients.table.get_table_client(full)
    marker = (clients.config, full)
    if marker not in _created:
        with _lock:
            if marker not in _created:
                try:
                    clients.table.create_table(full)
                except ResourceExistsError:
                    pass
                _created.add(marker)
    return client


def write_if_unchanged(table: TableClient, entity: Mapping[str, Any], etag: str | None, what: str) -> None:
    """Create the entity (etag None) or replace it only if unchanged since it was read with `etag`;
    ConcurrentUpdateError naming `what` when another writer got there first."""
    try:
        if etag is None:
            table.create_entity(entity)
        else:
            table.update_entity(
                entity, mode=UpdateMode.REPLACE, etag=etag, match_condition=MatchConditions.IfNotModified
            )
    except ResourceExistsError:
        raise ConcurrentUpdateError(f"{what} changed meanwhile") from None
    except HttpResponseError as exc:
        if exc.status_code != 412:
            raise
        raise ConcurrentUpdateError(f"{what} changed meanwhile") from None


def dump_json(value: Any) -> str:
    """Compact JSON for a string property; refuses anything over the 64 KB property limit."""
    text = json.dumps(value, separators=(",", ":"), sort_keys=True)
    if len(text.encode("utf-16-le")) > MAX_PROPERTY_BYTES:
        raise ValueError(f"property of {len(text)} characters exceeds the 64 KB Table Storage limit")
    return text


def load_json(value: Any, default: Any) -> Any:
    """Parse a JSON string property written by dump_json."""
    if not isinstance(value, str) or not value:
        return default
    return json.loads(value)


def pack_chunks(prefix: str, value: Any, limit: int = MAX_ENTITY_BYTES - 64 * 1024) -> dict[str, Any]:
    """`value` as gzip-compressed canonical JSON in binary properties `<prefix>0..n` plus `<prefix>Chunks`;
    ValueError when it does not fit in `limit` bytes."""
    packed = gzip.compress(canonical_bytes(value), mtime=0)
    if len(packed) > limit:
        raise ValueError(f"{prefix}: {len(packed)} compressed bytes exceed {limit}")
    chunks = [packed[i : i + PACKED_PROPERTY_BYTES] for i in range(0, len(packed), PACKED_PROPERTY_BYTES)]
    out: dict[str, Any] = {f"{prefix}{index}": chunk for index, chunk in enumerate(chunks)}
    out[f"{prefix}Chunks"] = len(chunks)
    return out


def unpack_chunks(entity: Mapping[str, Any], prefix: str, default: Any) -> Any:
    """The value pack_chunks stored under `prefix`, or `default` when there is none."""
    count = int(entity.get(f"{prefix}Chunks") or 0)
    if not count:
        return default
    return json.loads(gzip.decompress(b"".join(bytes(entity[f"{prefix}{i}"]) for i in range(count))))


def entity_size(entity: Mapping[str, Any]) -> int:
    """Approximate stored size of an entity (strings count two bytes per character, as in the service)."""
    size = 4
    for key, value in entity.items():
        size += 8 + 2 * len(key)
        if isinstance(value, str):
            size += 4 + 2 * len(value)
        elif isinstance(value, bytes):
            size += 4 + len(value)
        else:
            size += 8
    return size


def transaction_batches(operations: Sequence[tuple[str, dict[str, Any], dict[str, Any]]]) -> Iterator[list[Any]]:
    """Transactions of at most 100 operations and 4 MB (the service's limits), in order."""
    batch: list[Any] = []
    size = 0
    for op in operations:
        op_size = entity_size(op[1]) + 1024
        if batch and (len(batch) >= MAX_BATCH_ENTITIES or size + op_size > MAX_BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(op)
        size += op_size
    if batch:
        yield batch
