"""Per-tenant drift summaries in Table Storage: one entity each, with the head of the default list,
kept by arithmetic.

Every writer of findings (detection, triage) stores, in the same transaction as the findings, a
count delta row in the tenant's findings partition (`shared.storage.findings`). `publish` folds
the deltas into the summary: it adds those the summary has not folded yet and whose run it
publishes, writes the summary under its ETag together with the keys of every delta it has now
folded, and then deletes those rows. A crash anywhere in between leaves either rows not yet added
(the next publish adds them) or rows already added and listed in the summary (the next publish
skips them and deletes them), so the counts are never short and never double. No finding is
re-read, except when a summary has nothing to carry on (its first comparison, or a changed
selection): then the findings of the scope are counted once.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from azure.core import MatchConditions
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.data.tables import UpdateMode

from shared.core.canonical import canonical_bytes
from shared.core.drift import Counts, Summary, add_counts, clamp_counts, count_findings, published_run
from shared.errors import ConcurrentUpdateError
from shared.storage.clients import StorageClients
from shared.storage.findings import FindingStore, PendingCounts
from shared.storage.tables import PACKED_PROPERTY_BYTES, dump_json, load_json, table_client

MAX_PUBLISH_ATTEMPTS = 10


@dataclass(frozen=True)
class SummaryRecord:
    """A tenant's summary with its ETag, the head of its default findings list (None: not kept), the
    count deltas it has folded whose rows may still exist, and the exact sum of the deltas folded
    (the summary shows it clamped at zero; None: written before deltas, its counts are exact)."""

    summary: dict[str, Any]
    etag: str
    head: list[dict[str, Any]] | None = None
    folded: list[str] = field(default_factory=list)
    ledger: Counts | None = None


@dataclass(frozen=True)
class Publication:
    """What `publish` should make of the stored summary: the summary to write (counts as they stand)
    and whether its counts must be recounted from the findings of its scope."""

    summary: Summary
    recount: bool = False


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
        folded = load_json(entity.get("folded"), [])
        ledger = load_json(entity.get("ledger"), None)
        return SummaryRecord(load_json(entity["summary"], {}), str(entity.metadata["etag"]), head, folded, ledger)

    def put(
        self,
        tenant_id: str,
        summary: Mapping[str, Any],
        etag: str | None,
        head: list[dict[str, Any]] | None = None,
        folded: list[str] | None = None,
        ledger: Counts | None = None,
    ) -> None:
        """Create (etag None) or replace if unchanged since read; head, folded deltas and ledger travel
        in the same entity."""
        entity: dict[str, Any] = {"PartitionKey": self._PARTITION, "RowKey": tenant_id, "summary": dump_json(summary)}
        if head is not None:
            packed = gzip.compress(canonical_bytes(head), mtime=0)
            if len(packed) <= PACKED_PROPERTY_BYTES:
                entity["headGz"] = packed
        if folded:
            entity["folded"] = dump_json(sorted(folded))
        if ledger is not None:
            entity["ledger"] = dump_json(ledger)
        try:
            if etag is None:
                self._table.create_entity(entity)
            else:
                self._table.update_entity(
                    entity, mode=UpdateMode.REPLACE, etag=etag, match_condition=MatchConditions.IfNotModified
                )
        except (ResourceExistsError, HttpResponseError):
            raise ConcurrentUpdateError(f"summary of tenant {tenant_id} changed meanwhile") from None

    def publish(
        self,
        tenant_id: str,
        findings: FindingStore,
        prepare: Callable[[Summary | None], Publication | None],
    ) -> Summary | None:
        """Fold the pending count deltas into the summary `prepare` makes of the stored one (None from
        `prepare`: write nothing), write it with the head of the default list, then clear the folded
        deltas; retried on a concurrent writer. Returns the summary written."""
        for _ in range(MAX_PUBLISH_ATTEMPTS):
            record = self.get(tenant_id)
            plan = prepare(record.summary if record else None)  # type: ignore[arg-type]
            if plan is None:
                return None
            summary = plan.summary
            published = published_run(summary)
            pending = findings.pending_counts(tenant_id)
            done = set(record.folded) if record else set()
            if plan.recount:
                # The findings already hold every delta present now: count them, fold none. A delta
                # committed while counting would be counted twice later, so the pending set must not
                # move while we count.
                ledger = count_findings(findings.counting_view(tenant_id, summary["scopeKey"]))
                if {p.key for p in findings.pending_counts(tenant_id)} != {p.key for p in pending}:
                    continue
                folded = [p.key for p in pending]
                changed = True
            else:
                same_scope = record is not None and record.summary.get("scopeKey") == summary["scopeKey"]
                start = record.ledger if record is not None and record.ledger is not None and same_scope else None
                ledger, folded, changed = _fold(
                    start or summary["counts"], summary["scopeKey"], pending, done, published
                )
            summary["counts"] = clamp_counts(ledger)
            if record is not None and record.head is not None and not changed:
                head = record.head  # nothing a reader sees moved: visibility only grows with a delta
            else:
                head = findings.default_head(tenant_id, published)
            try:
                self.put(tenant_id, summary, record.etag if record else None, head, folded, ledger)
            except ConcurrentUpdateError:
                continue
            findings.clear_pending(tenant_id, folded)
            return summary
        raise ConcurrentUpdateError(f"summary of tenant {tenant_id} kept changing")

    def all(self) -> dict[str, dict[str, Any]]:
        entities = self._table.query_entities("PartitionKey eq @p", parameters={"p": self._PARTITION})
        return {e["RowKey"]: load_json(e["summary"], {}) for e in entities}


def _fold(
    ledger: Counts, scope_key: str, pending: list[PendingCounts], done: set[str], published: str
) -> tuple[Counts, list[str], bool]:
    """`ledger` plus each delta not folded before whose run is published; returns the new ledger, the
    keys of every present delta now folded, and whether anything a reader sees may have moved."""
    folded: list[str] = []
    changed = False
    for row in sorted(pending, key=lambda p: p.key):
        if row.key in done:
            folded.append(row.key)
            continue
        if row.run_id and row.run_id > published:
            continue  # a comparison not yet published: its findings are still hidden
        if row.scope_key == scope_key:
            ledger = add_counts(ledger, row.delta)
            changed = True
        # a delta of another selection is dropped: a return to it recounts
        folded.append(row.key)
    return ledger, folded, changed
