"""Findings in Table Storage: one partition per tenant holding its findings, their history and the
count deltas not yet folded into its summary; changes gzip-compressed in chunks; writes are entity
group transactions, ETag-guarded.

Row keys in a tenant's partition (a transaction can only span one partition of one table, so
everything a state change writes lives here):

- a finding: its id, 32 lower-case hex digits, so every finding sorts before `g`;
- a history event: `h{findingId}_{at}_{eventId}` (one finding's history is one prefix range,
  oldest first), written in the same transaction as the finding state it records. It is also the
  outbox of drift events (DESIGN §13): `relay` is `pending` until the relay (`shared.flows.events`)
  has handed its event to the subscriptions, then `sent`;
- a count delta: `p{runId}_{first finding id}` for a detection, `pt{eventId}` for a triage change,
  `p{runId}_w{first finding id}` for attributions settled by a later scan: the signed change of the
  summary's counts that its transaction made (see `shared.storage.summaries`);
- a pending attribution mark: `w{findingId}`, kept while the finding's attribution is `pending`
  (DESIGN §12) and written in every transaction that writes the finding, so it always carries the
  finding's current count fields. A later scan reads these marks (one prefix range, never the
  findings) to know how far back to read the audit logs, and detection settles them.

Every finding query therefore names the finding range (`RowKey ge '0' and RowKey lt 'g'`).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.data.tables import TableTransactionError, UpdateMode

from shared.core.attribution import PendingMark, attribution_fields
from shared.core.canonical import canonical_bytes
from shared.core.drift.models import LIST_FIELDS, Counts, HistoryEvent
from shared.core.events import changed_by
from shared.errors import ConcurrentUpdateError, StorageLimitError
from shared.storage.clients import StorageClients
from shared.storage.tables import (
    MAX_BATCH_BYTES,
    MAX_BATCH_ENTITIES,
    MAX_ENTITY_BYTES,
    PACKED_PROPERTY_BYTES,
    dump_json,
    entity_size,
    load_json,
    table_client,
)

# Finding fields kept as JSON text; `changes` is kept gzip-compressed in binary chunks.
_JSON_FIELDS = ("categories", "attribution")
_CHUNK_PREFIX = "changesGz"
# Leave room in the entity for its other properties.
_MAX_CHANGE_BYTES = MAX_ENTITY_BYTES - 64 * 1024
# The default list (status new, no other filter) is kept next to the summary, one row more than the
# largest page it serves, so its first page costs one point read whatever the number of findings.
HEAD_ROWS: Final = 101
# Finding ids are lower-case hex: every finding row sorts in [0, g); history and deltas after it.
FINDING_ROWS: Final = "RowKey ge '0' and RowKey lt 'g'"
HISTORY_PREFIX: Final = "h"
HISTORY_ROWS: Final = "RowKey ge 'h' and RowKey lt 'i'"
RELAY_PENDING: Final = "pending"
RELAY_SENT: Final = "sent"
PENDING_PREFIX: Final = "p"
MARK_PREFIX: Final = "w"
# What a pending mark keeps of its finding: its window, and the fields the summary counts by.
_MARK_FIELDS: Final = ("policyType", "subjectId", "scopeKey", "status", "changeType", "severity", "changedBy")
_EVENT_FIELDS = ("id", "findingId", "runId", "at", "by", "action", "note", "fromStatus", "toStatus")
# What a drift event's relay needs besides the event (DESIGN §13 `data`), copied from the finding.
_EVENT_DATA = ("policyType", "subjectId", "displayName", "changeType", "severity", "scopeKey")


def history_key(finding_id: str, at: str, event_id: str) -> str:
    """Row key of one history event: sorts by finding, then time."""
    return f"{HISTORY_PREFIX}{finding_id}_{at}_{event_id}"


def history_range(finding_id: str) -> tuple[str, str]:
    """[low, high) of one finding's history row keys (`_` is followed by a backtick in ASCII)."""
    return f"{HISTORY_PREFIX}{finding_id}_", f"{HISTORY_PREFIX}{finding_id}`"


def history_entity(tenant_id: str, event: Mapping[str, Any], finding: Mapping[str, Any]) -> dict[str, Any]:
    """A history row: the event, what a drift event needs to describe its finding, relay pending."""
    entity: dict[str, Any] = {
        "PartitionKey": tenant_id,
        "RowKey": history_key(str(event["findingId"]), str(event["at"]), str(event["id"])),
        "rowType": "history",
        "relay": RELAY_PENDING,
    }
    for key in _EVENT_FIELDS:
        if event.get(key) is not None:
            entity[key] = event[key]
    for key in _EVENT_DATA:
        if finding.get(key) is not None:
            entity[_data_property(key)] = finding[key]
    who = changed_by(finding)  # DESIGN §12 attribution, when the finding carries it
    if who is not None:
        entity[_data_property("changedBy")] = who
    return entity


def _data_property(key: str) -> str:
    return f"finding{key[0].upper()}{key[1:]}"


@dataclass(frozen=True)
class OutboxEntry:
    """A history row not yet relayed: the recorded change and the finding as it stood after it (the
    fields a drift event's `data` needs: `id`, `policyType`, `subjectId`, `displayName`,
    `changeType`, `severity`, `scopeKey`, `changedBy` when known, `status`)."""

    key: str
    change: HistoryEvent
    finding: dict[str, Any]


def outbox_entry(entity: Mapping[str, Any]) -> OutboxEntry:
    """The outbox entry of a history row."""
    change: HistoryEvent = event_from_entity(entity)  # type: ignore[assignment]
    finding: dict[str, Any] = {"id": change["findingId"], "status": change["toStatus"]}
    for key in (*_EVENT_DATA, "changedBy"):
        value = entity.get(_data_property(key))
        if value is not None:
            finding[key] = value
    return OutboxEntry(str(entity["RowKey"]), change, finding)


def event_from_entity(entity: Mapping[str, Any]) -> dict[str, Any]:
    """The history event of a history row (new layout or the legacy history table)."""
    return {k: entity[k] for k in _EVENT_FIELDS if entity.get(k) is not None} | {
        k: None for k in ("runId", "note", "fromStatus") if entity.get(k) is None
    }


def finding_to_entity(finding: Mapping[str, Any]) -> dict[str, Any]:
    """A stored finding as a table entity: scalars as properties, changes as compressed chunks."""
    entity: dict[str, Any] = {"PartitionKey": finding["tenantId"], "RowKey": finding["id"]}
    flat = attribution_fields(finding.get("attribution")) if finding.get("attribution") else {}
    for key, value in {**finding, **flat}.items():
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


@dataclass(frozen=True)
class PendingCounts:
    """A count delta written with findings and not yet folded into the summary."""

    key: str
    run_id: str  # "" for a triage change (visible at once)
    scope_key: str
    delta: Counts


@dataclass(frozen=True)
class FindingWrite:
    """One finding's new state, the events recording its change, and the ETag it was read with
    (None: it is new)."""

    finding: Mapping[str, Any]
    events: list[Mapping[str, Any]]
    etag: str | None


class FindingStore:
    """One partition per tenant: findings (row key = finding id), their history, pending count deltas."""

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
            f"PartitionKey eq @t and {FINDING_ROWS} and scopeKey eq @s and baselineRunId eq @b",
            parameters={"t": tenant_id, "s": scope_key, "b": baseline_run_id},
        )
        return [FindingRecord(entity_to_finding(e), str(e.metadata["etag"])) for e in entities]

    def list_all(self, tenant_id: str, with_changes: bool = True) -> list[dict[str, Any]]:
        """Every finding of a tenant (tests, tools; the API pages instead)."""
        entities = self._table.query_entities(f"PartitionKey eq @t and {FINDING_ROWS}", parameters={"t": tenant_id})
        return [entity_to_finding(e, with_changes) for e in entities]

    def counting_view(self, tenant_id: str, scope_key: str) -> list[dict[str, Any]]:
        """The few fields the summary counts, for every finding of a tenant and scope (read only when
        a summary has no counts to carry on: its first comparison, or a changed selection)."""
        entities = self._table.query_entities(
            f"PartitionKey eq @t and {FINDING_ROWS} and scopeKey eq @s",
            parameters={"t": tenant_id, "s": scope_key},
            select=["status", "changeType", "policyType", "severity", "changedBy"],
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
        clauses = ["PartitionKey eq @tenant", FINDING_ROWS, "firstSeenRunId le @published"]
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

    def commit(
        self,
        tenant_id: str,
        writes: Sequence[FindingWrite],
        delta: Callable[[Sequence[FindingWrite]], Counts | None],
        pending_key: Callable[[Sequence[FindingWrite]], str],
        run_id: str,
        scope_key: str,
    ) -> list[str]:
        """Write findings with their history in entity group transactions of at most 100 rows and
        4 MB; one finding and its events never straddle two. Each transaction also creates the row
        of its count delta (`delta` of its writes, keyed `pending_key`), so a state change, its
        history and its effect on the counts land together or not at all. New findings and events
        are created (a second copy fails), changed findings replaced only if their ETag still
        matches; any conflict raises ConcurrentUpdateError with nothing of that transaction written.
        Returns the ETags of the findings, in order (a finding's ETag after its transaction)."""
        etags: list[str] = []
        for group in _groups(tenant_id, writes):
            rows = group.rows
            counts = delta(group.writes)
            if counts is not None:
                rows = [
                    *rows,
                    ("create", _pending_entity(tenant_id, pending_key(group.writes), run_id, scope_key, counts), {}),
                ]
            try:
                results = self._table.submit_transaction(rows)
            except TableTransactionError:
                raise ConcurrentUpdateError(f"findings of tenant {tenant_id} changed while writing") from None
            except ResourceExistsError:
                raise ConcurrentUpdateError(f"findings of tenant {tenant_id} were written meanwhile") from None
            etags.extend(str(results[i]["etag"]) for i in group.finding_rows)
        return etags

    def pending_counts(self, tenant_id: str) -> list[PendingCounts]:
        """Count deltas not yet folded into the summary (one small query)."""
        entities = self._table.query_entities(
            "PartitionKey eq @t and RowKey ge @lo and RowKey lt @hi",
            parameters={"t": tenant_id, "lo": PENDING_PREFIX, "hi": chr(ord(PENDING_PREFIX) + 1)},
        )
        return [
            PendingCounts(
                e["RowKey"], str(e.get("runId") or ""), str(e.get("scopeKey") or ""), load_json(e["counts"], {})
            )
            for e in entities
        ]

    def clear_pending(self, tenant_id: str, keys: Iterable[str]) -> None:
        """Delete folded count deltas (a delete of one already gone is fine: the summary lists what it
        folded, so a delta is never counted twice)."""
        ordered = sorted(set(keys))
        for start in range(0, len(ordered), MAX_BATCH_ENTITIES):
            batch = [
                ("delete", {"PartitionKey": tenant_id, "RowKey": key})
                for key in ordered[start : start + MAX_BATCH_ENTITIES]
            ]
            try:
                self._table.submit_transaction(batch)
            except (TableTransactionError, ResourceNotFoundError):
                for _op, entity in batch:  # someone else cleared some: delete the rest one by one
                    try:
                        self._table.delete_entity(tenant_id, entity["RowKey"])
                    except ResourceNotFoundError:
                        pass

    def pending_marks(self, tenant_id: str, scope_key: str) -> list[PendingRecord]:
        """The pending attribution marks of a tenant and scope (one prefix-range query over the marks
        alone, however many findings the tenant has)."""
        entities = self._table.query_entities(
            "PartitionKey eq @t and RowKey ge @lo and RowKey lt @hi and scopeKey eq @s",
            parameters={"t": tenant_id, "lo": MARK_PREFIX, "hi": chr(ord(MARK_PREFIX) + 1), "s": scope_key},
        )
        return [
            PendingRecord(
                _mark(e),
                {"id": e["findingId"], **{k: e.get(k) for k in _MARK_FIELDS}},
                str(e.metadata["etag"]),
            )
            for e in entities
        ]

    def settle(
        self,
        tenant_id: str,
        settled: Sequence[tuple[PendingRecord, Mapping[str, Any]]],
        delta: Callable[[Sequence[tuple[PendingRecord, Mapping[str, Any]]]], Counts],
        run_id: str,
        scope_key: str,
    ) -> int:
        """Write the attribution a later scan settled into each finding (a merge of the attribution
        fields only) and delete its mark under the ETag it was read with, with the count delta of the
        group (`changedBy` moves `byActor`), in transactions of whole pairs. A mark that changed
        meanwhile (its finding was triaged) makes its transaction write nothing: a later scan settles
        it. Returns how many findings were settled."""
        done = 0
        per = (MAX_BATCH_ENTITIES - 1) // 2
        for start in range(0, len(settled), per):
            group = settled[start : start + per]
            rows: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
            for record, attribution in group:
                update = {
                    "PartitionKey": tenant_id,
                    "RowKey": record.mark["findingId"],
                    "attribution": dump_json(attribution),
                    **{k: v for k, v in attribution_fields(attribution).items() if v is not None},
                }
                rows.append(("update", update, {"mode": UpdateMode.MERGE}))
                mark = {"PartitionKey": tenant_id, "RowKey": f"{MARK_PREFIX}{record.mark['findingId']}"}
                rows.append(("delete", mark, {"etag": record.etag, "match_condition": MatchConditions.IfNotModified}))
            key = f"{run_id}_{MARK_PREFIX}{group[0][0].mark['findingId']}"
            rows.append(("upsert", _pending_entity(tenant_id, key, run_id, scope_key, delta(group)), {}))
            try:
                self._table.submit_transaction(rows)
            except (TableTransactionError, ResourceNotFoundError, ResourceExistsError):
                continue
            done += len(group)
        return done

    def pending_events(self, tenant_id: str) -> list[OutboxEntry]:
        """The tenant's outbox: every history row whose event has not been relayed yet, by finding
        and time (one query over the history range; a page per 1,000 rows pending)."""
        entities = self._table.query_entities(
            f"PartitionKey eq @t and {HISTORY_ROWS} and relay eq @pending",
            parameters={"t": tenant_id, "pending": RELAY_PENDING},
        )
        return [outbox_entry(e) for e in entities]

    def mark_relayed(self, tenant_id: str, keys: Iterable[str], at: str) -> None:
        """Flip history rows to `relay: sent`, 100 to a transaction (merges: nothing else of a row
        changes)."""
        ordered = sorted(set(keys))
        for start in range(0, len(ordered), MAX_BATCH_ENTITIES):
            batch = [
                (
                    "update",
                    {"PartitionKey": tenant_id, "RowKey": key, "relay": RELAY_SENT, "relayedAt": at},
                    {"mode": UpdateMode.MERGE},
                )
                for key in ordered[start : start + MAX_BATCH_ENTITIES]
            ]
            self._table.submit_transaction(batch)

    def history(self, tenant_id: str, finding_id: str) -> list[dict[str, Any]]:
        """One finding's history rows, oldest first (one prefix-range query)."""
        low, high = history_range(finding_id)
        entities = self._table.query_entities(
            "PartitionKey eq @t and RowKey ge @lo and RowKey lt @hi", parameters={"t": tenant_id, "lo": low, "hi": high}
        )
        return [event_from_entity(e) for e in entities]

    def default_head(self, tenant_id: str, published: str) -> list[dict[str, Any]]:
        """The first rows of the default list (status new) as readers will see it once `published` is."""
        rows, _ = self.page(tenant_id, published, {"status": "new"}, HEAD_ROWS)
        return rows


@dataclass(frozen=True)
class _Group:
    writes: list[FindingWrite]
    rows: list[tuple[str, dict[str, Any], dict[str, Any]]]
    finding_rows: list[int]


def _groups(tenant_id: str, writes: Sequence[FindingWrite]) -> Iterator[_Group]:
    """Transactions of whole findings (each with its events), leaving room for one delta row."""
    group = _Group([], [], [])
    size = 0
    for write in writes:
        entity = finding_to_entity(write.finding)
        rows: list[tuple[str, dict[str, Any], dict[str, Any]]]
        if write.etag is None:
            rows = [("create", entity, {})]
        else:
            options = {"mode": UpdateMode.REPLACE, "etag": write.etag, "match_condition": MatchConditions.IfNotModified}
            rows = [("update", entity, options)]
        rows += [("create", history_entity(tenant_id, event, write.finding), {}) for event in write.events]
        mark = mark_entity(tenant_id, write.finding)
        if mark is not None:
            rows.append(("upsert", mark, {"mode": UpdateMode.REPLACE}))
        weight = sum(entity_size(r[1]) + 1024 for r in rows)
        if group.rows and (
            len(group.rows) + len(rows) > MAX_BATCH_ENTITIES - 1 or size + weight > MAX_BATCH_BYTES - 64 * 1024
        ):
            yield group
            group, size = _Group([], [], []), 0
        group.finding_rows.append(len(group.rows))
        group.writes.append(write)
        group.rows.extend(rows)
        size += weight
    if group.rows:
        yield group


def mark_entity(tenant_id: str, finding: Mapping[str, Any]) -> dict[str, Any] | None:
    """The pending attribution mark of a finding whose attribution is `pending` (else None)."""
    attribution = finding.get("attribution") or {}
    window = attribution.get("window") or {}
    if attribution.get("state") != "pending" or not window.get("after") or not window.get("before"):
        return None
    entity = {
        "PartitionKey": tenant_id,
        "RowKey": f"{MARK_PREFIX}{finding['id']}",
        "rowType": "attributionPending",
        "findingId": finding["id"],
        "windowStart": window["after"],
        "windowEnd": window["before"],
    }
    for key in _MARK_FIELDS:
        if finding.get(key) is not None:
            entity[key] = finding[key]
    return entity


def _mark(entity: Mapping[str, Any]) -> PendingMark:
    return PendingMark(
        findingId=str(entity["findingId"]),
        policyType=str(entity.get("policyType") or ""),
        subjectId=str(entity.get("subjectId") or ""),
        windowStart=str(entity["windowStart"]),
        windowEnd=str(entity["windowEnd"]),
    )


@dataclass(frozen=True)
class PendingRecord:
    """A pending attribution mark as stored: the mark, the finding's count fields it mirrors, its ETag."""

    mark: PendingMark
    counted: dict[str, Any]
    etag: str


def _pending_entity(tenant_id: str, key: str, run_id: str, scope_key: str, counts: Counts) -> dict[str, Any]:
    return {
        "PartitionKey": tenant_id,
        "RowKey": f"{PENDING_PREFIX}{key}",
        "rowType": "counts",
        "runId": run_id,
        "scopeKey": scope_key,
        "counts": dump_json(counts),
    }
