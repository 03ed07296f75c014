"""Alignments (DESIGN §14): one entity per tenant holding its alignment with every assigned template,
so reading it is one point read; a small `scores` property serves the portfolio."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from azure.core.exceptions import ResourceNotFoundError

from shared.storage.clients import StorageClients
from shared.storage.tables import dump_json, load_json, pack_chunks, table_client, unpack_chunks, write_if_unchanged

_PARTITION: Final = "alignment"
_RESULTS: Final = "resultsGz"
# What the portfolio shows of each template result.
SCORE_FIELDS: Final = ("templateId", "displayName", "version", "runId", "state", "score")


@dataclass(frozen=True)
class AlignmentRecord:
    """A tenant's stored alignment results (one per assigned template) and the entity's ETag."""

    results: list[dict[str, Any]]
    computed_at: str
    etag: str


class AlignmentStore:
    """One entity per tenant, written only with an ETag check."""

    def __init__(self, clients: StorageClients) -> None:
        self._table = table_client(clients, "alignments")

    def get(self, tenant_id: str) -> AlignmentRecord | None:
        try:
            entity = self._table.get_entity(_PARTITION, tenant_id)
        except ResourceNotFoundError:
            return None
        return AlignmentRecord(
            unpack_chunks(entity, _RESULTS, []), str(entity.get("computedAt") or ""), str(entity.metadata["etag"])
        )

    def put(self, tenant_id: str, results: list[dict[str, Any]], computed_at: str, etag: str | None) -> None:
        """Create (etag None) or replace if unchanged since read; ConcurrentUpdateError otherwise."""
        scores = [{k: r.get(k) for k in SCORE_FIELDS} for r in results]
        entity: dict[str, Any] = {
            "PartitionKey": _PARTITION,
            "RowKey": tenant_id,
            "computedAt": computed_at,
            "scores": dump_json(scores),
            **pack_chunks(_RESULTS, results),
        }
        write_if_unchanged(self._table, entity, etag, f"alignment of tenant {tenant_id}")

    def scores(self) -> dict[str, list[dict[str, Any]]]:
        """Tenant id → the score of each assigned template (one query, no results read)."""
        entities = self._table.query_entities(
            "PartitionKey eq @p", parameters={"p": _PARTITION}, select=["RowKey", "scores"]
        )
        return {e["RowKey"]: load_json(e.get("scores"), []) for e in entities}
