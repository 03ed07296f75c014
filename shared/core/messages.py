"""Queue message bodies (pure): the scan request that the timer and `POST /scans` enqueue, the
alignment request a completed scan or a new template version enqueues, and the relay request that
whoever wrote drift events to a tenant's outbox enqueues."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from shared.core.clock import iso
from shared.core.ids import is_run_id, new_run_id, require_guid
from shared.errors import ValidationError


@dataclass(frozen=True)
class ScanRequest:
    """The body of a tenant-scans queue message: the run id travels in it, so redelivery reuses it."""

    tenant_id: str
    run_id: str
    trigger: str
    requested_at: str

    def to_message(self) -> str:
        """The JSON text put on the queue."""
        return json.dumps(
            {
                "tenantId": self.tenant_id,
                "runId": self.run_id,
                "trigger": self.trigger,
                "requestedAt": self.requested_at,
            },
            sort_keys=True,
        )


class Schedulable(Protocol):
    """What planning needs of a registered tenant."""

    @property
    def tenant_id(self) -> str: ...

    @property
    def enabled(self) -> bool: ...


def new_scan_request(tenant_id: str, trigger: str, now: datetime | None = None) -> ScanRequest:
    """A scan request with a fresh run id."""
    moment = now or datetime.now(UTC)
    return ScanRequest(tenant_id, new_run_id(moment), trigger, iso(moment))


def plan_scans(tenants: Iterable[Schedulable], now: datetime | None = None) -> list[ScanRequest]:
    """One scan request per enabled tenant."""
    return [new_scan_request(t.tenant_id, "schedule", now) for t in tenants if t.enabled]


def parse_scan_message(body: str) -> ScanRequest:
    """Validate a queue message; anything malformed raises ValidationError."""
    try:
        data = json.loads(body)
    except ValueError:
        raise ValidationError("scan message is not JSON") from None
    if not isinstance(data, dict):
        raise ValidationError("scan message is not a JSON object")
    tenant_id = require_guid(data.get("tenantId"), "tenantId")
    run_id = data.get("runId")
    if not isinstance(run_id, str) or not is_run_id(run_id):
        raise ValidationError("scan message has no valid runId")
    return ScanRequest(tenant_id, run_id, str(data.get("trigger") or "schedule"), str(data.get("requestedAt") or ""))


@dataclass(frozen=True)
class AlignmentRequest:
    """The body of a tenant-alignments queue message: recompute one tenant's alignment (DESIGN §14),
    after a completed scan (`scan`, with its run) or a new template version (`template`)."""

    tenant_id: str
    reason: str
    run_id: str | None = None

    def to_message(self) -> str:
        """The JSON text put on the queue."""
        return json.dumps({"tenantId": self.tenant_id, "reason": self.reason, "runId": self.run_id}, sort_keys=True)


def parse_alignment_message(body: str) -> AlignmentRequest:
    """Validate an alignment message; anything malformed raises ValidationError."""
    try:
        data = json.loads(body)
    except ValueError:
        raise ValidationError("alignment message is not JSON") from None
    if not isinstance(data, dict):
        raise ValidationError("alignment message is not a JSON object")
    tenant_id = require_guid(data.get("tenantId"), "tenantId")
    run_id = data.get("runId")
    if run_id is not None and (not isinstance(run_id, str) or not is_run_id(run_id)):
        raise ValidationError("alignment message has an invalid runId")
    return AlignmentRequest(tenant_id, str(data.get("reason") or "scan"), run_id)


@dataclass(frozen=True)
class RelayRequest:
    """The body of a drift-relay queue message: send a tenant's pending outbox (drift events recorded
    with the state changes, DESIGN §13) to its subscriptions. `reason` says who asked (`detection`,
    `scan`, `acknowledgement`); it is for logs only, since the relay always sends every pending event
    of the tenant."""

    tenant_id: str
    reason: str

    def to_message(self) -> str:
        """The JSON text put on the queue."""
        return json.dumps({"tenantId": self.tenant_id, "reason": self.reason}, sort_keys=True)


def parse_relay_message(body: str) -> RelayRequest:
    """Validate a relay message; anything malformed raises ValidationError."""
    try:
        data = json.loads(body)
    except ValueError:
        raise ValidationError("relay message is not JSON") from None
    if not isinstance(data, dict):
        raise ValidationError("relay message is not a JSON object")
    return RelayRequest(require_guid(data.get("tenantId"), "tenantId"), str(data.get("reason") or ""))
