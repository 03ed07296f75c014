"""Delivery messages, bodies, the retry schedule, Teams cards and Standard Webhooks signatures (pure)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from shared.core.events import (
    CLOUDEVENTS_CONTENT_TYPE,
    MAX_RETRY_DELAY_SECONDS,
    TEAMS_CONTENT_TYPE,
    DeliveryMessage,
    after_attempt,
    finding_event,
    is_signing_secret,
    new_event_id,
    new_signing_secret,
    parse_delivery_message,
    render,
    retry_delay,
    run_failed_event,
    signature_headers,
    subscription_test_event,
    teams_message,
)
from shared.core.events.teams import plain
from shared.core.tenants import Tenant
from shared.errors import ValidationError
from tests.core.drift.fixtures import TENANT, Store, compare, defender_policy, snapshot

HOSTILE = "Kiosk [click](https://evil.example) **bold** <img src=x onerror=alert(1)>"
CONTOSO = Tenant(TENANT, "Contoso_Dental *HQ*", True, [], [], "", "")


def opened_event() -> Any:
    store = Store()
    store.step(
        compare(
            snapshot(1, {"settingsCatalogPolicy": [defender_policy(1)]}),
            snapshot(2, {"settingsCatalogPolicy": [defender_policy(2)]}),
        ),
        "pinned",
    )
    [change] = store.history.values()
    finding = {**store.findings[change["findingId"]], "displayName": HOSTILE}
    return finding_event(change, finding, CONTOSO, "https://drift.msp.example")  # type: ignore[arg-type]


# ---- retry schedule ---------------------------------------------------------------------------------


def test_delays_double_from_the_base() -> None:
    assert [retry_delay(a, 30) for a in range(1, 5)] == [30, 60, 120, 240]
    assert [retry_delay(a, 1) for a in range(1, 8)] == [1, 2, 4, 8, 16, 32, 64]
    assert retry_delay(40, 3600) == MAX_RETRY_DELAY_SECONDS  # capped at a day, never overflowing
    with pytest.raises(ValueError):
        retry_delay(0, 30)


def test_a_delivery_is_retried_until_the_last_attempt_then_failed() -> None:
    assert after_attempt(1, True, 5, 30) == ("delivered", None)
    assert after_attempt(5, True, 5, 30) == ("delivered", None)
    assert [after_attempt(a, False, 5, 30) for a in range(1, 6)] == [
        ("retrying", 30), ("retrying", 60), ("retrying", 120), ("retrying", 240), ("failed", None),
    ]  # fmt: skip
    with pytest.raises(ValueError, match="at least 5"):
        after_attempt(1, False, 4, 30)


# ---- queue messages ---------------------------------------------------------------------------------


def test_a_message_round_trips_and_the_next_attempt_keeps_the_event() -> None:
    event = opened_event()
    message = DeliveryMessage("psa-tickets", event)
    parsed = parse_delivery_message(message.to_message())
    assert parsed == message and parsed.attempt == 1
    following = parse_delivery_message(parsed.next_attempt().to_message())
    assert following.attempt == 2 and following.event == event and following.subscription_id == "psa-tickets"


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        json.dumps({"kind": "relay", "subscriptionId": "a", "attempt": 1, "event": {}}),
        json.dumps({"kind": "deliver", "subscriptionId": "Not Valid", "attempt": 1, "event": {}}),
        json.dumps({"kind": "deliver", "subscriptionId": "a", "attempt": 0, "event": {}}),
        json.dumps({"kind": "deliver", "subscriptionId": "a", "attempt": True, "event": {}}),
        json.dumps({"kind": "deliver", "subscriptionId": "a", "attempt": 1, "event": {"id": "x"}}),
    ],
)
def test_malformed_messages_are_refused(body: str) -> None:
    with pytest.raises(ValidationError):
        parse_delivery_message(body)


# ---- bodies -----------------------------------------------------------------------------------------


def test_the_cloudevents_body_is_the_event_itself() -> None:
    event = opened_event()
    body, content_type = render(event, "cloudevents")
    assert content_type == CLOUDEVENTS_CONTENT_TYPE and json.loads(body) == event


def test_the_teams_body_is_a_workflows_message_with_one_adaptive_card() -> None:
    event = opened_event()
    body, content_type = render(event, "teams")
    message = json.loads(body)
    assert content_type == TEAMS_CONTENT_TYPE and message == teams_message(event)
    assert message["type"] == "message"
    [attachment] = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["contentUrl"] is None
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    headline, tenant, facts = card["body"]
    assert headline["type"] == "TextBlock" and headline["text"].startswith("New drift: ")
    assert event["data"]["severity"] == "high" and headline["color"] == "Attention"
    assert tenant["text"] == r"Contoso\_Dental \*HQ\*"
    assert {f["title"]: f["value"] for f in facts["facts"]}["Severity"] == "high"
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Open in TenantAtlas Drift", "url": event["data"]["link"]}
    ]
    assert (
        headline["text"]
        == r"New drift: Kiosk \[click\](https://evil.example) \*\*bold\*\* \<img src=x onerror=alert(1)\>"
    )


def test_teams_cards_for_failed_runs_and_test_events() -> None:
    failed = teams_message(
        run_failed_event(CONTOSO, "20260101T000001000Z-00000001", ["forbidden"], "2026-01-01T00:00:01Z")
    )
    card = failed["attachments"][0]["content"]
    assert card["body"][0]["text"].startswith("Scan failed: ")
    assert {f["title"]: f["value"] for f in card["body"][1]["facts"]}["Error codes"] == "forbidden"
    assert "actions" not in card  # no PUBLIC_BASE_URL, no link
    test = teams_message(subscription_test_event("ops-channel", new_event_id(), "2026-01-01T00:00:00.000Z", "admin"))
    assert test["attachments"][0]["content"]["body"][0]["text"] == "Test event"


def test_markdown_in_tenant_text_is_escaped() -> None:
    assert plain("[x](http://e)") == r"\[x\](http://e)"
    assert plain("# Heading") == r"\# Heading"
    assert plain("12. Item") == r"12\. Item"
    assert plain("Line one\nline two") == "Line one line two"
    assert plain("Windows 11 - Baseline 1.0") == "Windows 11 - Baseline 1.0"


# ---- signatures -------------------------------------------------------------------------------------


def test_secrets_are_whsec_with_32_random_bytes() -> None:
    first, second = new_signing_secret(), new_signing_secret()
    assert is_signing_secret(first) and is_signing_secret(second) and first != second
    assert not is_signing_secret("whsec_") and not is_signing_secret("secret") and not is_signing_secret(None)


def test_signatures_verify_with_the_standard_webhooks_library_and_nothing_else() -> None:
    secret = new_signing_secret()
    event = opened_event()
    body, _ = render(event, "cloudevents")
    now = datetime.now(UTC)
    headers = signature_headers(secret, event["id"], body, now)
    assert headers["webhook-id"] == event["id"]
    assert headers["webhook-timestamp"] == str(int(now.timestamp()))
    assert headers["webhook-signature"].startswith("v1,")
    assert Webhook(secret).verify(body, headers) == event
    with pytest.raises(WebhookVerificationError):
        Webhook(new_signing_secret()).verify(body, headers)  # another subscription's secret
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(b"Kiosk", b"Kiosq"), headers)  # a changed body
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, {**headers, "webhook-id": new_event_id()})  # another id
    stale = signature_headers(secret, event["id"], body, now - timedelta(minutes=10))
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(body, stale)
