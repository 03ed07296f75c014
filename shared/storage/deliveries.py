"""The deliveries log in Table Storage (DESIGN §13): one row per (subscription, event), newest first.

Partition: the subscription id. Row key: the event's time with its digits inverted, then the event
id, so a partition reads newest first and every attempt of one delivery finds the same row (the
queue message carries the whole event). The row holds the delivery's status (`delivered`,
`retrying`, `failed`), how many attempts were made and the last HTTP status or error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

from azure.core import MatchConditions
from azure.core.exceptions import ResourceExistsError, ResourceModifiedError, ResourceNotFoundError
from azure.data.tables import UpdateMode

from shared.core.events import CloudEvent
from shared.core.ids import newest_first_time_key
from shared.storage.clients import StorageClients
from shared.storage.tables import MAX_BATCH_ENTITIES, table_client

TERMINAL: Final = frozenset({"delivered", "failed"})
MAX_ERROR_CHARS: Final = 500


@dataclass(frozen=True)
class DeliveryRecord:
    """One delivery as the deliveries list shows it."""

    subscription_id: str
    event_id: str
    event_type: str
    subject: str
    event_time: str
    status: str
    attempts: int
    last_http_status: int | None
    last_error: str | None
    first_attempt_at: str
    last_attempt_at: str
    next_attempt_at: str | None
    etag: str = ""

    @property
    def terminal(self) -> bool:
        """Delivered or failed: no further attempt will be made."""
        return self.status in TERMINAL

    def to_json(self) -> dict[str, Any]:
        return {
            "eventId": self.event_id,
            "type": self.event_type,
            "subject": self.subject,
            "eventTime": self.event_time,
            "status": self.status,
            "attempts": self.attempts,
            "lastHttpStatus": self.last_http_status,
            "lastError": self.last_error,
            "firstAttemptAt": self.first_attempt_at,
            "lastAttemptAt": self.last_attempt_at,
            "nextAttemptAt": self.next_attempt_at,
        }


def _row_key(event: CloudEvent) -> str:
    return newest_first_time_key(event["time"], event["id"])


def _from_entity(entity: Any) -> DeliveryRecord:
    status = entity.get("lastHttpStatus")
    return DeliveryRecord(
        subscription_id=str(entity["PartitionKey"]),
        event_id=str(entity["eventId"]),
        event_type=str(entity["eventType"]),
        subject=str(entity.get("subject", "")),
        event_time=str(entity.get("eventTime", "")),
        status=str(entity["status"]),
        attempts=int(entity.get("attempts") or 0),
        last_http_status=int(status) if status is not None else None,
        last_error=entity.get("lastError"),
        first_attempt_at=str(entity.get("firstAttemptAt", "")),
        last_attempt_at=str(entity.get("lastAttemptAt", "")),
        next_attempt_at=entity.get("nextAttemptAt"),
        etag=str(getattr(entity, "metadata", {}).get("etag", "")),
    )


class DeliveryLog:
    """Read and record deliveries."""

    def __init__(self, clients: StorageClients) -> None:
        self._table = table_client(clients, "deliveries")

    def get(self, subscription_id: str, event: CloudEvent) -> DeliveryRecord | None:
        try:
            return _from_entity(self._table.get_entity(subscription_id, _row_key(event)))
        except ResourceNotFoundError:
            return None

    def record(
        self,
        subscription_id: str,
        event: CloudEvent,
        *,
        attempt: int,
        status: str,
        http_status: int | None,
        error: str | None,
        at: str,
        next_attempt_at: str | None,
        previous: DeliveryRecord | None,
    ) -> bool:
        """Write the outcome of attempt `attempt`, unless the row already records this attempt or a later
        one (a redelivered message racing its successor); returns whether it wrote."""
        entity: dict[str, Any] = {
            "PartitionKey": subscription_id,
            "RowKey": _row_key(event),
            "eventId": event["id"],
            "eventType": event["type"],
            "subject": event["subject"],
            "eventTime": event["time"],
            "status": status,
            "attempts": attempt,
            "lastHttpStatus": http_status,
            "lastError": error[:MAX_ERROR_CHARS] if error else None,
            "firstAttemptAt": previous.first_attempt_at if previous else at,
            "lastAttemptAt": at,
            "nextAttemptAt": next_attempt_at,
        }
        for _ in range(3):
            try:
                if previous is None:
                    self._table.create_entity(entity)
                else:
                    self._table.update_entity(
                        entity,
                        mode=UpdateMode.REPLACE,
                        etag=previous.etag,
                        match_condition=MatchConditions.IfNotModified,
                    )
                return True
            except (ResourceExistsError, ResourceNotFoundError, ResourceModifiedError):
                pass  # someone wrote (or removed) the row since we read it
            previous = self.get(subscription_id, event)
            if previous is not None and (previous.attempts >= attempt or previous.terminal):
                return False
            if previous is not None:
                entity["firstAttemptAt"] = previous.first_attempt_at
        return False

    def recent(self, subscription_id: str, limit: int = 50) -> list[DeliveryRecord]:
        """The subscription's deliveries, newest event first."""
        pages = self._table.query_entities(
            "PartitionKey eq @p", parameters={"p": subscription_id}, results_per_page=limit
        )
        out: list[DeliveryRecord] = []
        for entity in pages:
            out.append(_from_entity(entity))
            if len(out) >= limit:
                break
        return out

    def delete_all(self, subscription_id: str) -> int:
        """Remove a subscription's whole log (when the subscription is deleted); returns the rows removed."""
        keys = [
            e["RowKey"]
            for e in self._table.query_entities(
                "PartitionKey eq @p", parameters={"p": subscription_id}, select=["RowKey"]
            )
        ]
        for start in range(0, len(keys), MAX_BATCH_ENTITIES):
            chunk: Iterable[str] = keys[start : start + MAX_BATCH_ENTITIES]
            self._table.submit_transaction(
                [("delete", {"PartitionKey": subscription_id, "RowKey": key}) for key in chunk]
            )
        return len(keys)
