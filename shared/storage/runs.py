"""The runs table: one record per scan run, newest first per tenant.

A failed run's record is also the outbox of its `drift.run.failed` event (DESIGN §13): the write
that records the failure sets `relay` to `pending`, and the relay (`shared.flows.events`) flips it
to `sent` once the event is handed to the subscriptions. The record and its event are one write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.data.tables import UpdateMode

from shared.core.ids import newest_first_key
from shared.storage.clients import StorageClients
from shared.storage.tables import dump_json, load_json, table_client

RELAY_PENDING: Final = "pending"
RELAY_SENT: Final = "sent"


@dataclass(frozen=True)
class RunRecord:
    """A scan run as the API shows it."""

    tenant_id: str
    run_id: str
    status: str
    scope_key: str
    selection: list[str]
    trigger: str
    started_at: str | None
    finished_at: str | None
    types: dict[str, Any]
    error_code: str | None
    attempts: int
    drift_status: str | None = None
    drift_error_code: str | None = None

    def to_json(self) -> dict[str, Any]:
        failed = {k: v["errorCode"] for k, v in self.types.items() if v.get("status") == "failed"}
        return {
            "runId": self.run_id,
            "status": self.status,
            "trigger": self.trigger,
            "scopeKey": self.scope_key,
            "selection": self.selection,
            "startedAt": self.started_at,
            "finishedAt": self.finished_at,
            "types": self.types,
            "counts": {
                "types": len(self.types),
                "typesComplete": sum(1 for v in self.types.values() if v.get("status") == "complete"),
                "typesFailed": len(failed),
                "items": sum(int(v.get("itemCount") or 0) for v in self.types.values()),
            },
            "errorCodes": sorted(set(failed.values()) | ({self.error_code} if self.error_code else set())),
            "errorCode": self.error_code,
            "drift": {"status": self.drift_status, "errorCode": self.drift_error_code},
            "attempts": self.attempts,
        }


def _from_entity(entity: dict[str, Any]) -> RunRecord:
    return RunRecord(
        tenant_id=entity["PartitionKey"],
        run_id=entity["runId"],
        status=entity["status"],
        scope_key=entity.get("scopeKey", ""),
        selection=load_json(entity.get("selection"), []),
        trigger=entity.get("trigger", ""),
        started_at=entity.get("startedAt"),
        finished_at=entity.get("finishedAt"),
        types=load_json(entity.get("types"), {}),
        error_code=entity.get("errorCode"),
        attempts=int(entity.get("attempts") or 0),
        drift_status=entity.get("driftStatus"),
        drift_error_code=entity.get("driftErrorCode"),
    )


class RunStore:
    """Create, update and list runs."""

    def __init__(self, clients: StorageClients) -> None:
        self._table = table_client(clients, "runs")

    def get(self, tenant_id: str, run_id: str) -> RunRecord | None:
        try:
            return _from_entity(self._table.get_entity(tenant_id, newest_first_key(run_id)))
        except ResourceNotFoundError:
            return None

    def start(
        self, tenant_id: str, run_id: str, scope_key: str, selection: list[str], trigger: str, started_at: str
    ) -> RunRecord:
        """Mark a run running (creating it, or counting another attempt)."""
        key = newest_first_key(run_id)
        entity = {
            "PartitionKey": tenant_id,
            "RowKey": key,
            "runId": run_id,
            "status": "running",
            "scopeKey": scope_key,
            "selection": dump_json(selection),
            "trigger": trigger,
            "startedAt": started_at,
            "attempts": 1,
        }
        try:
            self._table.create_entity(entity)
        except ResourceExistsError:
            current = self._table.get_entity(tenant_id, key)
            entity["attempts"] = int(current.get("attempts") or 0) + 1
            self._table.update_entity(entity, mode=UpdateMode.MERGE)
        return _from_entity(entity)

    def finish(
        self,
        tenant_id: str,
        run_id: str,
        status: str,
        finished_at: str,
        types: dict[str, Any],
        error_code: str | None = None,
        started_at: str | None = None,
    ) -> None:
        """Record a run's outcome; a failed run's record waits for the relay (`relay: pending`)."""
        entity: dict[str, Any] = {
            "PartitionKey": tenant_id,
            "RowKey": newest_first_key(run_id),
            "runId": run_id,
            "status": status,
            "finishedAt": finished_at,
            "types": dump_json(types),
            "errorCode": error_code,
        }
        if status == "failed":
            entity["relay"] = RELAY_PENDING
        if started_at:
            entity["startedAt"] = started_at
        self._table.upsert_entity(entity, mode=UpdateMode.MERGE)

    def latest_completed_before(self, tenant_id: str, scope_key: str, run_id: str) -> RunRecord | None:
        """The rolling baseline: the newest `completed` run of the scope that is older than `run_id`."""
        entities = self._table.query_entities(
            "PartitionKey eq @t and RowKey gt @k and scopeKey eq @s and status eq 'completed'",
            parameters={"t": tenant_id, "k": newest_first_key(run_id), "s": scope_key},
            results_per_page=1,
        )
        for entity in entities:
            return _from_entity(entity)
        return None

    def latest_completed(self, tenant_id: str) -> RunRecord | None:
        """The newest `completed` run of a tenant, whatever its scope."""
        entities = self._table.query_entities(
            "PartitionKey eq @t and status eq 'completed'", parameters={"t": tenant_id}, results_per_page=1
        )
        for entity in entities:
            return _from_entity(entity)
        return None

    def mark_unreadable(self, tenant_id: str, run_id: str, error_code: str) -> None:
        """A run whose snapshot cannot be read is failed, with the reader's stable code (and its
        `drift.run.failed` event waits for the relay, unless an earlier write already relayed it)."""
        entity = {
            "PartitionKey": tenant_id,
            "RowKey": newest_first_key(run_id),
            "runId": run_id,
            "status": "failed",
            "errorCode": error_code,
            "driftStatus": "failed",
            "driftErrorCode": error_code,
        }
        current = self._entity(tenant_id, run_id)
        if current is None or current.get("relay") != RELAY_SENT:
            entity["relay"] = RELAY_PENDING
        self._table.upsert_entity(entity, mode=UpdateMode.MERGE)

    def _entity(self, tenant_id: str, run_id: str) -> dict[str, Any] | None:
        try:
            return dict(self._table.get_entity(tenant_id, newest_first_key(run_id)))
        except ResourceNotFoundError:
            return None

    def pending_failures(self, tenant_id: str) -> list[RunRecord]:
        """Failed runs of a tenant whose `drift.run.failed` event has not been relayed yet."""
        entities = self._table.query_entities(
            "PartitionKey eq @t and relay eq @pending", parameters={"t": tenant_id, "pending": RELAY_PENDING}
        )
        return [_from_entity(e) for e in entities]

    def mark_relayed(self, tenant_id: str, run_id: str, at: str) -> None:
        """The run's failure event has been handed to the subscriptions."""
        entity = {"PartitionKey": tenant_id, "RowKey": newest_first_key(run_id), "relay": RELAY_SENT, "relayedAt": at}
        self._table.update_entity(entity, mode=UpdateMode.MERGE)

    def set_drift(self, tenant_id: str, run_id: str, status: str, error_code: str | None) -> None:
        """Record what drift detection made of this run's snapshot."""
        entity = {
            "PartitionKey": tenant_id,
            "RowKey": newest_first_key(run_id),
            "driftStatus": status,
            "driftErrorCode": error_code,
        }
        try:
            self._table.update_entity(entity, mode=UpdateMode.MERGE, match_condition=MatchConditions.Unconditionally)
        except ResourceNotFoundError:
            pass

    def list(self, tenant_id: str, limit: int = 50) -> list[RunRecord]:
        """Newest first."""
        pages = self._table.query_entities(
            "PartitionKey eq @tenant", parameters={"tenant": tenant_id}, results_per_page=limit
        )
        out: list[RunRecord] = []
        for entity in pages:
            out.append(_from_entity(entity))
            if len(out) >= limit:
                break
        return out
