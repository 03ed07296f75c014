"""Findings in Table Storage: one partition per tenant, changes gzip-compressed in chunks, ETag-guarded writes."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from azure.core import MatchConditions
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.data.tables import TableTransactionError, UpdateMode

from shared.core.canonical import canonical_bytes
from shared.core.drift.models import LIST_FIELDS
from shared.errors import ConcurrentUpdateError, StorageLimitError
from shared.storage.clients import StorageClients
from shared.storage.tables import (
    MAX_ENTITY_BYTES,
    PACKED_PROPERTY_BYTES,
    dump_json,
    entity_size,
    load_json,
    table_client,
    transaction_batches,
)

# Finding fields kept as JSON text; `changes` is kept gzip-compressed in binary chunks.
_JSON_FIELDS = ("categories",)
_CHUNK_PREFIX = "changesGz"
# Leave room in the entity for its other properties.
_MAX_CHANGE_BYTES = MAX_ENTITY_BYTES - 64 * 1024
# The default list (status new, no other filter) is kept next to the summary, one row more than the
# largest page it serves, so its first page costs one point read whatever the number of findings.
HEAD_ROWS: Final = 101


def finding_to_entity(finding: Mapping[str, Any]) -> dict[str, Any]:
    """A stored finding as a table entity: scalars as properties, changes as compressed chunks."""
    entity: dict[str, Any] = {"PartitionKey": finding["tenantId"], "RowKey": finding["id"]}
    for key, value in finding.items():
        if key == "changes" or value is None:
            continue
        entity[key] = dump_json(value) if key in _JSON_FIELDS else value
    packed = gzip.compress(canonical_bytes(finding.get("changes") or []), mtime=0)
    if len(packed) > _MAX_CHANGE_BYTES:
        raise StorageLimitError(
            f"finding {finding['id']}: changes compress to {len(packed)} bytes, over the entity limit"
        )
    chunks = [packed[i : i + PACKED_PROPERTY_BYTES] for i in range(0, len(packed), PACKED_PROPERTY_BYTES)] or [b""]
    for index, chunk in enumerate(chunks):
        entity[f"{_CHUNK_PREFIX}{index}"] = chunk
    entity["changesChunks"] = len(chunks)
    if entity_size(entity) > MAX_ENTITY_BYTES:
        raise StorageLimitError(f"finding {finding['id']} exceeds the 1 MB entity limit")
    return entity


def entity_to_finding(entity: Mapping[str, Any], with_changes: bool = True) -> dict[str, Any]:
    """The stored finding back from its entity."""
    finding: dict[str, Any] = {}
    for key, value in entity.items():
        if key in ("PartitionKey", "RowKey", "Timestamp", "changesChunks") or key.startswith(_CHUNK_PREFIX):
            continue
        finding[key] = load_json(value, []) if key in _JSON_FIELDS else value
    if with_changes and "changesChunks" in entity:
        packed = b"".join(bytes(entity[f"{_CHUNK_PREFIX}{i}"]) for i in range(int(entity["changesChunks"])))
        finding["changes"] = json.loads(gzip.decompress(packed)) if packed else []
    return finding


@dataclass(frozen=True)
class FindingRecord:
    """A stored finding with the ETag it was read with."""

    finding: dict[str, Any]
    etag: str


class FindingStore:
    """One partition per tenant; row key = finding id."""

    def __init__(self, clients: StorageClients) -> None:
        self._table = table_client(clients, "findings")

    def get(self, tenant_id: str, finding_id: str) -> FindingRecord | None:
        try:
            entity = self._table.get_entity(tenant_id, finding_id)
        except ResourceNotFoundError:
            return None
        return FindingRecord(entity_to_finding(entity), str(entity.metadata["etag"]))

    def for_baseline(self, tenant_id: str, scope_key: str, baseline_run_id: str) -> list[FindingRecord]:
        """Every finding of one tenant, scope and baseline run (the lifecycle's `existing`)."""
        entities = self._table.query_entities(
            "PartitionKey eq @t and scopeKey eq @s and baselineRunId eq @b",
            parameters={"t": tenant_id, "s": scope_key, "b": baseline_run_id},
        )
        return [FindingRecord(entity_to_finding(e), str(e.metadata["etag"])) for e in entities]

    def list_all(self, tenant_id: str, with_changes: bool = True) -> list[dict[str, Any]]:
        """Every finding of a tenant (tests, tools; the API pages instead)."""
        entities = self._table.query_entities("PartitionKey eq @t", parameters={"t": tenant_id})
        return [entity_to_finding(e, with_changes) for e in entities]

    def counting_view(self, tenant_id: str, scope_key: str) -> list[dict[str, Any]]:
        """The few fields the summary counts, for every finding of a tenant and scope."""
        entities = self._table.query_entities(
            "PartitionKey eq @t and scopeKey eq @s",
            parameters={"t": tenant_id, "s": scope_key},
            select=["status", "changeType", "policyType", "severity"],
        )
        return [dict(e) for e in entities]

    def page(
        self,
        tenant_id: str,
        published: str,
        filters: Mapping[str, str],
        page_size: int,
        after: str | None = None,
    ) -> tuple[list[dict[str, Any]], bool]:
        """One page of visible findings (list fields, by id) after `after`, and whether more follow.

        Visible means first seen in a run the summary has published. Keyset paging (`RowKey gt`)
        needs no storage continuation token, so a page is one query whatever came before it.
        """
        clauses = ["PartitionKey eq @tenant", "firstSeenRunId le @published"]
        parameters: dict[str, Any] = {"tenant": tenant_id, "published": published}
        for name in sorted(filters):
            clauses.append(f"{name} eq @{name}")
            parameters[name] = filters[name]
        if after is not None:
            clauses.append("RowKey gt @after")
            parameters["after"] = after
        entities = self._table.query_entities(
            " and ".join(clauses),
            parameters=parameters,
            select=list(LIST_FIELDS),
            results_per_page=min(page_size + 1, 1000),
        )
        rows: list[dict[str, Any]] = []
        for entity in entities:
            rows.append(dict(entity))
            if len(rows) > page_size:
                break
        return rows[:page_size], len(rows) > page_size

    def write(self, tenant_id: str, findings: Iterable[Mapping[str, Any]], etags: Mapping[str, str]) -> None:
        """Create new findings and replace changed ones only if unchanged since read (ETag)."""
        operations: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
        for finding in findings:
            entity = finding_to_entity(finding)
            etag = etags.get(str(finding["id"]))
            if etag is None:
                operations.append(("create", entity, {}))
            else:
                operations.append(
                    (
                        "update",
                        entity,
                        {"mode": UpdateMode.REPLACE, "etag": etag, "match_condition": MatchConditions.IfNotModified},
                    )
                )
        for batch in transaction_batches(operations):
            try:
                self._table.submit_transaction(batch)
            except TableTransactionError:
                raise ConcurrentUpdateError(f"findings of tenant {tenant_id} changed while writing") from None

    def replace(self, finding: Mapping[str, Any], etag: str) -> str:
        """Replace one finding if its ETag still matches; returns the new ETag."""
        try:
            meta = self._table.update_entity(
                finding_to_entity(finding),
                mode=UpdateMode.REPLACE,
                etag=etag,
                match_condition=MatchConditions.IfNotModified,
            )
        except (HttpResponseError, ResourceNotFoundError):
            raise ConcurrentUpdateError(f"finding {finding['id']} changed meanwhile") from None
        return str(meta["etag"])

    def default_head(self, tenant_id: str, published: str) -> list[dict[str, Any]]:
        """The first rows of the default list (status new) as readers will see it once `published` is."""
        rows, _ = self.page(tenant_id, published, {"status": "new"}, HEAD_ROWS)
        return rows
