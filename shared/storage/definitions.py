"""Settings catalog definitions cached across runs, in Table Storage: one partition per tenant.

A definition is Microsoft's (or, for ingested ADMX, the tenant's) description of a setting: its
display name, its options' names and its parent. Scans read them from Graph once and keep them here
by (catalogue, definition id), so a rescan of an unchanged tenant reads none (DESIGN §11). Kept per
tenant: a tenant's own definitions never name another tenant's settings.

Row key: the first 32 hex digits of the SHA-256 of `catalogue` and id (definition ids can hold
characters a row key cannot); the id and catalogue are properties. The record is gzip JSON.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from typing import Any

from azure.data.tables import UpdateMode

from shared.core.canonical import canonical_bytes, sha256_hex
from shared.core.references import CachedDefinition, DefinitionKey
from shared.storage.clients import StorageClients
from shared.storage.tables import PACKED_PROPERTY_BYTES, table_client, transaction_batches


def row_key(catalog: str, definition_id: str) -> str:
    """The row key of one definition of one catalogue."""
    return sha256_hex(f"{catalog}\n{definition_id}".encode())[:32]


class DefinitionStore:
    """Setting definition records by tenant, catalogue and definition id."""

    def __init__(self, clients: StorageClients) -> None:
        self._table = table_client(clients, "definitions")

    def load(self, tenant_id: str) -> dict[DefinitionKey, CachedDefinition]:
        """Every definition cached for a tenant (one partition query)."""
        out: dict[DefinitionKey, CachedDefinition] = {}
        for entity in self._table.query_entities("PartitionKey eq @t", parameters={"t": tenant_id}):
            try:
                record = json.loads(gzip.decompress(bytes(entity["recordGz"])))
            except (KeyError, OSError, ValueError):
                continue  # an unreadable row is read from Graph again, and overwritten
            key = (str(entity["catalog"]), str(entity["definitionId"]))
            out[key] = CachedDefinition(record, str(entity.get("fetchedAt") or ""))
        return out

    def save(self, tenant_id: str, fetched: Mapping[DefinitionKey, Mapping[str, Any]], fetched_at: str) -> int:
        """Upsert definitions read from Graph; returns how many rows were written.

        Upserts in transactions of at most 100: two scans of one tenant writing the same definition
        write the same record, so the last writer wins harmlessly.
        """
        operations: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
        for (catalog, definition_id), record in sorted(fetched.items()):
            packed = gzip.compress(canonical_bytes(record), mtime=0)
            if len(packed) > PACKED_PROPERTY_BYTES:
                continue  # a record this large is read again next time rather than cut
            entity = {
                "PartitionKey": tenant_id,
                "RowKey": row_key(catalog, definition_id),
                "catalog": catalog,
                "definitionId": definition_id,
                "fetchedAt": fetched_at,
                "recordGz": packed,
            }
            operations.append(("upsert", entity, {"mode": UpdateMode.REPLACE}))
        for batch in transaction_batches(operations):
            self._table.submit_transaction(batch)
        return len(operations)
