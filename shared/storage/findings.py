"""Findings, their history and the per-tenant summary in Table Storage, within its limits."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.data.tables import TableTransactionError, UpdateMode

from shared.canonical import canonical_bytes
from shared.errors import DriftError
from shared.storage.clients import StorageClients
from shared.storage.tables import (
    MAX_BATCH_BYTES,
    MAX_BATCH_ENTITIES,
    MAX_ENTITY_BYTES,
    MAX_PROPERTY_BYTES,
    dump_json,
    load_json,
    table_client,
)

# Finding fields kept as JSON text; `changes` is kept gzip-compressed in binary chunks.
_JSON_FIELDS = ("categories",)
_CHUNK_PREFIX = "changesGz"
_CHUNK_BYTES = MAX_PROPERTY_BYTES - 1024
# Leave room in the entity for its other properties.
_MAX_CHANGE_BYTES = MAX_ENTITY_BYTES - 64 * 1024
LIST_FIELDS = (
    "id", "policyType", "subjectId", "displayName", "changeType", "categories", "severity", "status",
    "baselineRunId", "currentRunId", "firstSeenRunId", "lastSeenRunId", "firstSeenAt", "lastSeenAt",
    "scopeKey", "baselineMode", "seenCount",
)  # fmt: skip


class ConcurrentUpdateError(DriftError):
    """Someone else changed what we were about to write (ETag mismatch)."""

    code = "concurrent_update"


class StorageLimitError(DriftError):
    """A value that Table Storage cannot hold, even chunked."""

    code = "storage_limit"


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
    chunks = [packed[i : i + _CHUNK_BYTES] for i in range(0, len(packed), _CHUNK_BYTES)] or [b""]
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


def _batches(operations: Sequence[tuple[str, dict[str, Any], dict[str, Any]]]) -> Iterator[list[Any]]:
    """Transactions of at most 100 operations and 4 MB (the service's limits)."""
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
        for batch in _batches(operations):
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


class HistoryStore:
    """Append-only history: one partition per finding, row key sorts by time, insert-if-absent."""

    def __init__(self, clients: StorageClients) -> None:
        self._table = table_client(clients, "history")

    @staticmethod
    def _partition(tenant_id: str, finding_id: str) -> str:
        return f"{tenant_id}_{finding_id}"

    def append(self, tenant_id: str, events: Iterable[Mapping[str, Any]]) -> int:
        """Insert events that are not there yet; returns how many were new."""
        added = 0
        for event in events:
            entity = {k: v for k, v in event.items() if v is not None}
            entity["PartitionKey"] = self._partition(tenant_id, str(event["findingId"]))
            entity["RowKey"] = f"{event['at']}_{event['id']}"
            try:
                self._table.create_entity(entity)
                added += 1
            except ResourceExistsError:
                pass
        return added

    def for_finding(self, tenant_id: str, finding_id: str) -> list[dict[str, Any]]:
        entities = self._table.query_entities(
            "PartitionKey eq @p", parameters={"p": self._partition(tenant_id, finding_id)}
        )
        out = [{k: v for k, v in e.items() if k not in ("PartitionKey", "RowKey", "Timestamp")} for e in entities]
        return sorted(out, key=lambda e: (e["at"], e["id"]))


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
            if len(packed) <= _CHUNK_BYTES:
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


class BaselineStore:
    """Pinned baselines: one entity per (tenant, scope key)."""

    def __init__(self, clients: StorageClients) -> None:
        self._table = table_client(clients, "baselines")

    def pinned(self, tenant_id: str, scope_key: str) -> str | None:
        try:
            return str(self._table.get_entity(tenant_id, scope_key)["runId"])
        except ResourceNotFoundError:
            return None

    def pin(self, tenant_id: str, scope_key: str, run_id: str, by: str, at: str) -> None:
        self._table.upsert_entity(
            {"PartitionKey": tenant_id, "RowKey": scope_key, "runId": run_id, "pinnedBy": by, "pinnedAt": at}
        )

    def unpin(self, tenant_id: str, scope_key: str) -> None:
        try:
            self._table.delete_entity(tenant_id, scope_key)
        except ResourceNotFoundError:
            pass
