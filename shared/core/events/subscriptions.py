"""Subscriptions (DESIGN §13): what an admin asks for, its filter, and which events go where (pure).

A filter narrows the routed events (`drift.finding.*`, `drift.run.failed`) by tenant, event type,
minimum severity and policy type; every field it leaves out lets everything through. A field the
event does not carry does not exclude it: `minSeverity` and `policyTypes` judge finding events,
while a failed run (which has neither) reaches every subscription whose tenant and event type
filters let it through. Test events are addressed to one subscription and never routed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

from shared.core.contracts import CONTRACTS
from shared.core.drift.models import SEVERITIES, SEVERITY_RANK
from shared.core.events.model import ROUTED_EVENT_TYPES, CloudEvent
from shared.core.events.urls import require_url_text
from shared.core.ids import is_guid
from shared.errors import ValidationError

Format = Literal["cloudevents", "teams"]
FORMATS: Final[tuple[Format, ...]] = ("cloudevents", "teams")
MAX_FILTER_TENANTS: Final = 1000
SUBSCRIPTION_FIELDS: Final = frozenset({"url", "format", "filter", "enabled"})
FILTER_FIELDS: Final = frozenset({"tenantIds", "eventTypes", "minSeverity", "policyTypes"})


@dataclass(frozen=True)
class SubscriptionFilter:
    """Which routed events a subscription wants; None in a field means no restriction."""

    tenant_ids: frozenset[str] | None = None
    event_types: frozenset[str] | None = None
    min_severity: str | None = None
    policy_types: frozenset[str] | None = None

    def matches(self, event: CloudEvent) -> bool:
        """True when the event passes every field of the filter (see the module docstring)."""
        data = event["data"]
        if self.event_types is not None and event["type"] not in self.event_types:
            return False
        if self.tenant_ids is not None and str(data.get("tenantId", "")).lower() not in self.tenant_ids:
            return False
        severity = data.get("severity")
        if (
            self.min_severity is not None
            and severity is not None
            and SEVERITY_RANK.get(str(severity), -1) < SEVERITY_RANK[self.min_severity]
        ):
            return False
        policy_type = data.get("policyType")
        return self.policy_types is None or policy_type is None or policy_type in self.policy_types

    def to_json(self) -> dict[str, Any]:
        """API shape: only the fields that restrict something, lists sorted."""
        out: dict[str, Any] = {}
        if self.tenant_ids is not None:
            out["tenantIds"] = sorted(self.tenant_ids)
        if self.event_types is not None:
            out["eventTypes"] = sorted(self.event_types)
        if self.min_severity is not None:
            out["minSeverity"] = self.min_severity
        if self.policy_types is not None:
            out["policyTypes"] = sorted(self.policy_types)
        return out


@dataclass(frozen=True)
class SubscriptionSpec:
    """A validated PUT body: what the admin asked for."""

    url: str
    format: Format
    filter: SubscriptionFilter
    enabled: bool


@dataclass(frozen=True)
class Subscription:
    """A stored subscription, without its signing secret (which the store keeps sealed)."""

    subscription_id: str
    url: str
    format: Format
    filter: SubscriptionFilter
    enabled: bool
    created_at: str
    updated_at: str

    def to_json(self) -> dict[str, Any]:
        """API shape; never the signing secret."""
        return {
            "subscriptionId": self.subscription_id,
            "url": self.url,
            "format": self.format,
            "filter": self.filter.to_json(),
            "enabled": self.enabled,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
        }


def _string_list(value: Any, name: str, limit: int) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(f"filter.{name} must be an array of strings", "invalid_filter")
    if not value:
        raise ValidationError(
            f"filter.{name} must name at least one value (leave it out to allow all)", "invalid_filter"
        )
    if len(value) > limit:
        raise ValidationError(f"filter.{name} may name at most {limit} values", "invalid_filter")
    return value


def parse_filter(value: Any) -> SubscriptionFilter:
    """Validate a subscription's `filter` object (absent or null: no restriction)."""
    if value is None:
        return SubscriptionFilter()
    if not isinstance(value, dict):
        raise ValidationError("filter must be a JSON object", "invalid_filter")
    unknown = sorted(set(value) - FILTER_FIELDS)
    if unknown:
        raise ValidationError(f"unknown filter field(s): {', '.join(unknown)}", "invalid_filter")
    tenant_ids = event_types = policy_types = None
    if value.get("tenantIds") is not None:
        ids = _string_list(value["tenantIds"], "tenantIds", MAX_FILTER_TENANTS)
        bad = [t for t in ids if not is_guid(t)]
        if bad:
            raise ValidationError("filter.tenantIds must be tenant ids (GUIDs)", "invalid_filter")
        tenant_ids = frozenset(t.lower() for t in ids)
    if value.get("eventTypes") is not None:
        types = _string_list(value["eventTypes"], "eventTypes", len(ROUTED_EVENT_TYPES))
        unknown_types = sorted(set(types) - set(ROUTED_EVENT_TYPES))
        if unknown_types:
            raise ValidationError(
                f"filter.eventTypes: unknown event type(s) {', '.join(unknown_types)}; "
                f"known: {', '.join(ROUTED_EVENT_TYPES)}",
                "invalid_filter",
            )
        event_types = frozenset(types)
    min_severity = value.get("minSeverity")
    if min_severity is not None and min_severity not in SEVERITIES:
        raise ValidationError("filter.minSeverity must be low, medium or high", "invalid_filter")
    if value.get("policyTypes") is not None:
        names = _string_list(value["policyTypes"], "policyTypes", len(CONTRACTS))
        unknown_names = sorted(set(names) - set(CONTRACTS))
        if unknown_names:
            raise ValidationError(
                f"filter.policyTypes: unknown policy type(s) {', '.join(unknown_names)}", "invalid_filter"
            )
        policy_types = frozenset(names)
    return SubscriptionFilter(tenant_ids, event_types, min_severity, policy_types)


def parse_subscription(body: Any) -> SubscriptionSpec:
    """Validate a PUT /subscriptions/{id} body: `url` (required; its text only: the adapter splits it and
    checks where it resolves), `format` (default `cloudevents`), `filter` (default none), `enabled` (default true)."""
    if not isinstance(body, dict):
        raise ValidationError("body must be a JSON object")
    unknown = sorted(set(body) - SUBSCRIPTION_FIELDS)
    if unknown:
        raise ValidationError(f"unknown field(s): {', '.join(unknown)}", "unknown_field")
    url = require_url_text(body.get("url"))
    fmt = body.get("format", "cloudevents")
    if fmt not in FORMATS:
        raise ValidationError("format must be cloudevents or teams", "invalid_format")
    enabled = body.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ValidationError("enabled must be true or false")
    return SubscriptionSpec(url=url, format=fmt, filter=parse_filter(body.get("filter")), enabled=enabled)


def filter_from_json(value: Mapping[str, Any]) -> SubscriptionFilter:
    """A filter as `to_json` wrote it (stored data, already validated once)."""
    return parse_filter(dict(value) or None)


def route(subscriptions: Iterable[Subscription], events: Sequence[CloudEvent]) -> list[tuple[Subscription, CloudEvent]]:
    """Every (subscription, event) pair to deliver: enabled subscriptions whose filter passes the event,
    in event order, then subscription id. Test events are never routed."""
    wanted = sorted((s for s in subscriptions if s.enabled), key=lambda s: s.subscription_id)
    return [(s, e) for e in events if e["type"] in ROUTED_EVENT_TYPES for s in wanted if s.filter.matches(e)]
