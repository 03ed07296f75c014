"""Subscription bodies and filters, and routing: which event goes to which subscription (pure)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.core.events import (
    FINDING_ACKNOWLEDGED,
    FINDING_EVENT_TYPES,
    FINDING_OPENED,
    ROUTED_EVENT_TYPES,
    RUN_FAILED,
    CloudEvent,
    Subscription,
    SubscriptionFilter,
    filter_from_json,
    new_event_id,
    parse_subscription,
    route,
    run_failed_event,
    subscription_test_event,
)
from shared.core.tenants import Tenant
from shared.errors import ValidationError

A, B = "6f1c2a8e-1b2c-4d5e-8f90-123456789abc", "0f1c2a8e-1b2c-4d5e-8f90-123456789abc"
SC, CA = "settingsCatalogPolicy", "conditionalAccessPolicy"
URL = "https://hooks.msp.example/drift"


def finding_event(tenant: str, event_type: str, severity: str, policy_type: str, n: int = 0) -> CloudEvent:
    """A finding event as finding_event() builds it, with only what routing reads varied."""
    return CloudEvent(
        specversion="1.0", id=f"{n:032x}", source=f"/tenants/{tenant}", type=event_type,
        subject=f"findings/{n:032x}", time="2026-01-01T00:00:00.000Z", datacontenttype="application/json",
        data={"tenantId": tenant, "severity": severity, "policyType": policy_type, "findingId": f"{n:032x}"},
    )  # fmt: skip


def sub(name: str, enabled: bool = True, **filter_json: Any) -> Subscription:
    return Subscription(name, URL, "cloudevents", filter_from_json(filter_json), enabled, "", "")


def test_a_body_with_only_a_url_subscribes_to_everything_in_cloudevents_format() -> None:
    spec = parse_subscription({"url": URL})
    assert (spec.url, spec.format, spec.enabled, spec.filter) == (URL, "cloudevents", True, SubscriptionFilter())
    full = parse_subscription(
        {
            "url": URL,
            "format": "teams",
            "enabled": False,
            "filter": {
                "tenantIds": [A.upper()],
                "eventTypes": [FINDING_OPENED],
                "minSeverity": "high",
                "policyTypes": [CA],
            },
        }
    )
    assert full.format == "teams" and full.enabled is False
    assert full.filter.to_json() == {
        "tenantIds": [A], "eventTypes": [FINDING_OPENED], "minSeverity": "high", "policyTypes": [CA],
    }  # fmt: skip
    assert filter_from_json(full.filter.to_json()) == full.filter


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (["not", "an", "object"], "bad_request"),
        ({}, "invalid_url"),
        ({"url": 42}, "invalid_url"),
        ({"url": "https://a.example/" + "x" * 2048}, "invalid_url"),
        ({"url": "https://a.example/ spaced"}, "invalid_url"),
        ({"url": "https://bücher.example/"}, "invalid_url"),
        ({"url": URL, "secret": "whsec_mine"}, "unknown_field"),
        ({"url": URL, "format": "slack"}, "invalid_format"),
        ({"url": URL, "enabled": "yes"}, "bad_request"),
        ({"url": URL, "filter": []}, "invalid_filter"),
        ({"url": URL, "filter": {"tenant": [A]}}, "invalid_filter"),
        ({"url": URL, "filter": {"tenantIds": []}}, "invalid_filter"),
        ({"url": URL, "filter": {"tenantIds": ["contoso"]}}, "invalid_filter"),
        ({"url": URL, "filter": {"tenantIds": [A] * 1001}}, "invalid_filter"),
        ({"url": URL, "filter": {"eventTypes": ["drift.subscription.test"]}}, "invalid_filter"),
        ({"url": URL, "filter": {"eventTypes": "drift.finding.opened"}}, "invalid_filter"),
        ({"url": URL, "filter": {"minSeverity": "critical"}}, "invalid_filter"),
        ({"url": URL, "filter": {"policyTypes": ["wifiProfile"]}}, "invalid_filter"),
    ],
)
def test_bad_bodies_are_refused_with_a_code(body: Any, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_subscription(body)
    assert caught.value.code == code and caught.value.message


def test_filters_narrow_by_tenant_event_type_severity_and_policy_type() -> None:
    subs = [
        sub("everything"),
        sub("tenant-a", tenantIds=[A]),
        sub("opened-only", eventTypes=[FINDING_OPENED]),
        sub("high-only", minSeverity="high"),
        sub("medium-up", minSeverity="medium"),
        sub("ca-only", policyTypes=[CA]),
        sub("a-high-ca-opened", tenantIds=[A], minSeverity="high", policyTypes=[CA], eventTypes=[FINDING_OPENED]),
        sub("switched-off", enabled=False),
    ]
    cases = {
        (A, FINDING_OPENED, "high", CA): {"everything", "tenant-a", "opened-only", "high-only", "medium-up", "ca-only", "a-high-ca-opened"},
        (B, FINDING_OPENED, "high", CA): {"everything", "opened-only", "high-only", "medium-up", "ca-only"},
        (A, FINDING_ACKNOWLEDGED, "high", CA): {"everything", "tenant-a", "high-only", "medium-up", "ca-only"},
        (A, FINDING_OPENED, "low", CA): {"everything", "tenant-a", "opened-only", "ca-only"},
        (A, FINDING_OPENED, "medium", SC): {"everything", "tenant-a", "opened-only", "medium-up"},
    }  # fmt: skip
    for (tenant, event_type, severity, policy_type), expected in cases.items():
        event = finding_event(tenant, event_type, severity, policy_type)
        assert {s.subscription_id for s, _ in route(subs, [event])} == expected, (tenant, event_type, severity)


def test_a_failed_run_passes_severity_and_policy_type_filters_but_not_tenant_or_type_filters() -> None:
    event = run_failed_event(
        Tenant(A, "A", True, [], [], "", ""), "20260101T000001000Z-00000001", ["throttled"], "2026-01-01T00:00:01Z"
    )
    subs = [sub("high-only", minSeverity="high"), sub("ca-only", policyTypes=[CA]), sub("tenant-b", tenantIds=[B]),
            sub("findings-only", eventTypes=list(FINDING_EVENT_TYPES)), sub("failures", eventTypes=[RUN_FAILED])]  # fmt: skip
    assert [s.subscription_id for s, _ in route(subs, [event])] == ["ca-only", "failures", "high-only"]


def test_test_events_are_never_routed() -> None:
    event = subscription_test_event("everything", new_event_id(), "2026-01-01T00:00:00.000Z", "admin")
    assert route([sub("everything")], [event]) == []


def test_routing_pairs_events_in_order_then_subscriptions_by_id() -> None:
    events = [finding_event(A, FINDING_OPENED, "high", CA, n) for n in range(3)]
    pairs = route([sub("zeta"), sub("alpha")], events)
    assert [(s.subscription_id, e["id"]) for s, e in pairs] == [
        (name, f"{n:032x}") for n in range(3) for name in ("alpha", "zeta")
    ]


FILTERS = st.fixed_dictionaries(
    {},
    optional={
        "tenantIds": st.lists(st.sampled_from([A, B]), min_size=1, max_size=2),
        "eventTypes": st.lists(st.sampled_from(ROUTED_EVENT_TYPES), min_size=1, max_size=3),
        "minSeverity": st.sampled_from(["low", "medium", "high"]),
        "policyTypes": st.lists(st.sampled_from([SC, CA]), min_size=1, max_size=2),
    },
)
EVENTS = st.builds(
    finding_event,
    st.sampled_from([A, B]),
    st.sampled_from(FINDING_EVENT_TYPES),
    st.sampled_from(["low", "medium", "high"]),
    st.sampled_from([SC, CA]),
)
RANK = {"low": 0, "medium": 1, "high": 2}


@settings(max_examples=300, deadline=None)
@given(filters=st.lists(FILTERS, min_size=1, max_size=5), event=EVENTS)
def test_routing_agrees_with_the_filter_rules_read_literally(filters: list[dict[str, Any]], event: CloudEvent) -> None:
    subs = [sub(f"s{i}", **f) for i, f in enumerate(filters)]
    data = event["data"]
    expected = {
        f"s{i}"
        for i, f in enumerate(filters)
        if data["tenantId"] in f.get("tenantIds", [data["tenantId"]])
        and event["type"] in f.get("eventTypes", [event["type"]])
        and RANK[data["severity"]] >= RANK[f.get("minSeverity", "low")]
        and data["policyType"] in f.get("policyTypes", [data["policyType"]])
    }
    assert {s.subscription_id for s, _ in route(subs, [event])} == expected
