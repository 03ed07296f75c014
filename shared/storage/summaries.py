"""Per-tenant drift summaries in Table Storage: one entity each, with the head of the default list."""

from __future__ import annotations

import gzip
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.data.tables import UpdateMode

from shared.core.canonical import canonical_bytes
from shared.errors import ConcurrentUpdateError
from shared.storage.clients import StorageClients
from shared.storage.tables import PACKED_PROPERTY_BYTES, dump_json, load_json, table_client


@dataclass(frozen=True)
class SummaryRecord:
    """A tenant's summary with its ETag, and the head of its default findings list (None: not kept)."""

    summary: dict[str, Any]
    etag: str
    head: list[dict[str, Any]] | None = None


class SummaryStore:
    """One entity per tenant (point read); written only with an ETag check."""

    _PARTITION = "summary"

    def __init__(self, clients: StorageClients) -> None:
        self._table = table_client(clients, "summaries")

    def get(self, tenant_id: str) -> SummaryRecord | None:
        try:
            entity = self._table.get_entity(self._PARTITION, tenant_id)
        except ResourceNotFoundError:
            return None
        head = json.loads(gzip.decompress(bytes(entity["headGz"]))) if entity.get("headGz") else None
        return SummaryRecord(load_json(entity["summary"], {}), str(entity.metadata["etag"]), head)

    def put(
        self, tenant_id: str, summary: Mapping[str, Any], etag: str | None, head: list[dict[str, Any]] | None = None
    ) -> None:
        """Create (etag None) or replace if unchanged since read; the head travels in the same entity."""
        entity: dict[str, Any] = {"PartitionKey": self._PARTITION, "RowKey": tenant_id, "summary": dump_json(summary)}
        if head is not None:
            packed = gzip.compress(canonical_bytes(head), mtime=0)
            if len(packed) <= PACKED_PROPERTY_BYTES:
                entity["headGz"] = packed
        try:
            if etag is None:
                self._table.create_entity(entity)
            else:
                self._table.update_entity(
                    entity, mode=UpdateMode.REPLACE, etag=etag, match_condition=MatchConditions.IfNotModified
                )
        except (ResourceExistsError, HttpResponseError):
            raise ConcurrentUpdateError(f"summary of tenant {tenant_id} changed meanwhile") from None

    def all(self) -> dict[str, dict[str, Any]]:
        entities = self._table.query_entities("PartitionKey eq @p", parameters={"p": self._PARTITION})
        return {e["RowKey"]: load_json(e["summary"], {}) for e in entities}
