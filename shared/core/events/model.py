"""Drift events as CloudEvents 1.0 in structured JSON (DESIGN §13), built from state changes (pure).

Every state change of a finding is one event, and so is a failed run. Ids are deterministic: the
event of a finding state change is named by the tenant and the history event that records the
change (itself `hash(finding id, action, anchor)`, see `shared.core.drift.lifecycle`), the event of
a failed run by the tenant and the run. However often the trigger that caused a change is
redelivered, its event has the same id, so a receiver that dedupes on `id` (or the Standard
Webhooks `webhook-id`, which carries it) sees each change once. Test events are the exception:
each request to send one mints a fresh id (`new_event_id`), kept for every attempt of its delivery.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from typing import Any, Final, Protocol, TypedDict

from shared.core.canonical import canonical_hash
from shared.core.drift.models import Action, HistoryEvent

SPEC_VERSION: Final = "1.0"
DATA_CONTENT_TYPE: Final = "application/json"
EVENT_ID_LENGTH: Final = 32

FINDING_OPENED: Final = "drift.finding.opened"
FINDING_REOPENED: Final = "drift.finding.reopened"
FINDING_RESOLVED: Final = "drift.finding.resolved"
FINDING_ACKNOWLEDGED: Final = "drift.finding.acknowledged"
RUN_FAILED: Final = "drift.run.failed"
SUBSCRIPTION_TEST: Final = "drift.subscription.test"

FINDING_EVENT_TYPES: Final[tuple[str, ...]] = (
    FINDING_OPENED,
    FINDING_REOPENED,
    FINDING_RESOLVED,
    FINDING_ACKNOWLEDGED,
)
# What a subscription filter may name: everything a state change emits. Test events are addressed
# to one subscription and bypass filters.
ROUTED_EVENT_TYPES: Final[tuple[str, ...]] = (*FINDING_EVENT_TYPES, RUN_FAILED)
EVENT_TYPES: Final[tuple[str, ...]] = (*ROUTED_EVENT_TYPES, SUBSCRIPTION_TEST)

# The history action of a finding state change (shared.core.drift.models.Action) → its event type.
TYPE_BY_ACTION: Final[dict[Action, str]] = {
    "detected": FINDING_OPENED,
    "reopened": FINDING_REOPENED,
    "resolved": FINDING_RESOLVED,
    "acknowledged": FINDING_ACKNOWLEDGED,
}

TEST_MESSAGE: Final = "Test event from TenantAtlas Drift: this subscription receives signed drift events."


class CloudEvent(TypedDict):
    """A CloudEvents 1.0 event in structured JSON mode; `data` depends on `type` (see `schema.py`)."""

    specversion: str
    id: str
    source: str
    type: str
    subject: str
    time: str
    datacontenttype: str
    data: dict[str, Any]


class NamedTenant(Protocol):
    """What an event needs of a registered tenant (e.g. `shared.core.tenants.Tenant`)."""

    @property
    def tenant_id(self) -> str: ...

    @property
    def display_name(self) -> str: ...


def _event_id(*parts: str) -> str:
    return canonical_hash(["drift.event", *parts])[:EVENT_ID_LENGTH]


def finding_event_id(tenant_id: str, history_event_id: str) -> str:
    """The id of the event announcing one recorded finding state change (deterministic)."""
    return _event_id("finding", tenant_id, history_event_id)


def run_failed_event_id(tenant_id: str, run_id: str) -> str:
    """The id of the event announcing that a run failed (deterministic: one per run)."""
    return _event_id(RUN_FAILED, tenant_id, run_id)


def new_event_id() -> str:
    """A fresh random event id, for events that are not state changes (test events)."""
    return secrets.token_hex(EVENT_ID_LENGTH // 2)


def tenant_source(tenant_id: str) -> str:
    """CloudEvents `source` of a tenant's events."""
    return f"/tenants/{tenant_id}"


def _link(public_base_url: str | None, fragment: str) -> str | None:
    """A link into the drift page (`/api/ui#...`) when the app's public address is known."""
    if not public_base_url:
        return None
    return f"{public_base_url.rstrip('/')}/api/ui#{fragment}"


def finding_link(public_base_url: str | None, tenant_id: str, finding_id: str) -> str | None:
    """The drift page's view of one finding, or None without a public base URL."""
    return _link(public_base_url, f"/tenants/{tenant_id}/findings/{finding_id}")


def changed_by(finding: Mapping[str, Any]) -> str | None:
    """Who made the change a finding is about (DESIGN §12): the finding's `changedBy`, else the newest
    attributed audit event's user principal name or application name, else None."""
    value = finding.get("changedBy")
    if isinstance(value, str) and value:
        return value
    attribution = finding.get("attribution")
    events = attribution.get("events") if isinstance(attribution, Mapping) else None
    if isinstance(events, Sequence) and events and isinstance(events[0], Mapping):
        actor = events[0].get("actor")
        if isinstance(actor, Mapping):
            for key in ("userPrincipalName", "applicationDisplayName"):
                name = actor.get(key)
                if isinstance(name, str) and name:
                    return name
    return None


def finding_event(
    change: HistoryEvent,
    finding: Mapping[str, Any],
    tenant: NamedTenant,
    public_base_url: str | None = None,
) -> CloudEvent:
    """The event of one finding state change.

    `change` is the history event that records it (its `action` gives the type: `detected` →
    `drift.finding.opened`, `reopened`, `resolved`, `acknowledged`); `finding` is the finding as
    it stands after the change (a StoredFinding or the stored record: `policyType`, `subjectId`,
    `displayName`, `changeType`, `severity`, `status`, optionally `changedBy` / `attribution`);
    `tenant` the registered tenant. The id depends only on the tenant and the history event id.
    Raises ValueError if the change is not about this finding.
    """
    if change["findingId"] != finding.get("id"):
        raise ValueError(
            f"history event {change['id']} is about finding {change['findingId']}, not {finding.get('id')}"
        )
    event_type = TYPE_BY_ACTION[change["action"]]
    tenant_id = tenant.tenant_id
    finding_id = change["findingId"]
    data: dict[str, Any] = {
        "tenantId": tenant_id,
        "tenantDisplayName": tenant.display_name,
        "findingId": finding_id,
        "policyType": str(finding["policyType"]),
        "objectId": str(finding["subjectId"]),
        "displayName": str(finding.get("displayName") or finding["subjectId"]),
        "changeType": str(finding["changeType"]),
        "severity": str(finding["severity"]),
        "status": change["toStatus"],
        "previousStatus": change["fromStatus"],
        "runId": change["runId"],
        "changedBy": changed_by(finding),
        "actor": change["by"],
        "note": change["note"],
        "link": finding_link(public_base_url, tenant_id, finding_id),
    }
    return CloudEvent(
        specversion=SPEC_VERSION,
        id=finding_event_id(tenant_id, change["id"]),
        source=tenant_source(tenant_id),
        type=event_type,
        subject=f"findings/{finding_id}",
        time=change["at"],
        datacontenttype=DATA_CONTENT_TYPE,
        data=data,
    )


def run_failed_event(
    tenant: NamedTenant,
    run_id: str,
    error_codes: Sequence[str],
    failed_at: str,
    public_base_url: str | None = None,
) -> CloudEvent:
    """The event of a failed run: its stable error codes (DESIGN §4: `forbidden`, `throttled`, …, or
    a snapshot code such as `snapshot_corrupt`) and the time it failed (`clock.iso`)."""
    tenant_id = tenant.tenant_id
    codes = sorted(set(error_codes))
    data: dict[str, Any] = {
        "tenantId": tenant_id,
        "tenantDisplayName": tenant.display_name,
        "runId": run_id,
        "status": "failed",
        "errorCodes": codes,
        "link": _link(public_base_url, f"/tenants/{tenant_id}"),
    }
    return CloudEvent(
        specversion=SPEC_VERSION,
        id=run_failed_event_id(tenant_id, run_id),
        source=tenant_source(tenant_id),
        type=RUN_FAILED,
        subject=f"runs/{run_id}",
        time=failed_at,
        datacontenttype=DATA_CONTENT_TYPE,
        data=data,
    )


def subscription_test_event(
    subscription_id: str, event_id: str, at: str, requested_by: str, public_base_url: str | None = None
) -> CloudEvent:
    """A `drift.subscription.test` event for one subscription, sent on an admin's request."""
    data: dict[str, Any] = {
        "subscriptionId": subscription_id,
        "message": TEST_MESSAGE,
        "requestedBy": requested_by,
        "link": _link(public_base_url, f"/subscriptions/{subscription_id}"),
    }
    return CloudEvent(
        specversion=SPEC_VERSION,
        id=event_id,
        source=f"/subscriptions/{subscription_id}",
        type=SUBSCRIPTION_TEST,
        subject=f"subscriptions/{subscription_id}",
        time=at,
        datacontenttype=DATA_CONTENT_TYPE,
        data=data,
    )
