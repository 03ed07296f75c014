"""The Teams format of an event (pure): a message with one Adaptive Card, as a Teams Workflows webhook
("When a Teams webhook request is received" / "Post to a channel when a webhook request is received")
takes it: `{"type": "message", "attachments": [{"contentType":
"application/vnd.microsoft.card.adaptive", "contentUrl": null, "content": <AdaptiveCard>}]}`.

Adaptive Card 1.4 (what Workflows renders in channels and chats). Text that comes from a tenant
(display names, notes) is escaped so that Teams' Markdown cannot turn it into links or formatting.
"""

from __future__ import annotations

import re
from typing import Any, Final

from shared.core.events.model import (
    FINDING_ACKNOWLEDGED,
    FINDING_OPENED,
    FINDING_REOPENED,
    FINDING_RESOLVED,
    RUN_FAILED,
    SUBSCRIPTION_TEST,
    CloudEvent,
)

CARD_CONTENT_TYPE: Final = "application/vnd.microsoft.card.adaptive"
CARD_SCHEMA: Final = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION: Final = "1.4"
# Characters that make emphasis, code, links or HTML anywhere, and list or heading markers that
# count only at the start of the (flattened, single-line) text.
_MARKDOWN: Final = re.compile(r"([\\`*_\[\]<>~])")
_LEADING_MARKER: Final = re.compile(r"^([#+\-])")
_LEADING_NUMBER: Final = re.compile(r"^(\d+)([.)])")
_HEADLINES: Final[dict[str, str]] = {
    FINDING_OPENED: "New drift",
    FINDING_REOPENED: "Drift reopened",
    FINDING_RESOLVED: "Drift resolved",
    FINDING_ACKNOWLEDGED: "Drift acknowledged",
    RUN_FAILED: "Scan failed",
    SUBSCRIPTION_TEST: "Test event",
}
_SEVERITY_COLOUR: Final = {"high": "Attention", "medium": "Warning", "low": "Default"}


def plain(text: Any) -> str:
    """Text shown as-is in a card: Markdown characters escaped, line breaks flattened."""
    escaped = _MARKDOWN.sub(r"\\\1", " ".join(str(text).split()))
    return _LEADING_NUMBER.sub(r"\1\\\2", _LEADING_MARKER.sub(r"\\\1", escaped))


def _facts(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return {
        "type": "FactSet",
        "facts": [{"title": title, "value": plain(value)} for title, value in pairs if value not in (None, "")],
    }


def _card_body(event: CloudEvent) -> list[dict[str, Any]]:
    data = event["data"]
    event_type = event["type"]
    headline = _HEADLINES.get(event_type, event_type)
    if event_type == SUBSCRIPTION_TEST:
        return [
            {"type": "TextBlock", "text": headline, "weight": "Bolder", "size": "Medium", "wrap": True},
            {"type": "TextBlock", "text": plain(data.get("message", "")), "wrap": True},
            _facts([("Subscription", data.get("subscriptionId")), ("Requested by", data.get("requestedBy"))]),
        ]
    tenant = plain(data.get("tenantDisplayName") or data.get("tenantId", ""))
    if event_type == RUN_FAILED:
        return [
            {"type": "TextBlock", "text": f"{headline}: {tenant}", "weight": "Bolder", "size": "Medium", "wrap": True},
            _facts(
                [
                    ("Run", data.get("runId")),
                    ("Error codes", ", ".join(data.get("errorCodes") or []) or None),
                    ("Tenant id", data.get("tenantId")),
                ]
            ),
        ]
    severity = str(data.get("severity", ""))
    return [
        {
            "type": "TextBlock",
            "text": f"{headline}: {plain(data.get('displayName', ''))}",
            "weight": "Bolder",
            "size": "Medium",
            "color": _SEVERITY_COLOUR.get(severity, "Default"),
            "wrap": True,
        },
        {"type": "TextBlock", "text": tenant, "isSubtle": True, "spacing": "None", "wrap": True},
        _facts(
            [
                ("Severity", severity),
                ("Change", data.get("changeType")),
                ("Policy type", data.get("policyType")),
                ("Status", data.get("status")),
                ("Changed by", data.get("changedBy")),
                ("By", data.get("actor") if event_type == FINDING_ACKNOWLEDGED else None),
                ("Note", data.get("note")),
                ("Object id", data.get("objectId")),
                ("Run", data.get("runId")),
            ]
        ),
    ]


def teams_message(event: CloudEvent) -> dict[str, Any]:
    """The Teams Workflows webhook payload for an event: one Adaptive Card with the headline, the
    facts a technician triages by, and a button to the finding when the event has a link."""
    card: dict[str, Any] = {
        "$schema": CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": _card_body(event),
        "msteams": {"width": "Full"},
    }
    link = event["data"].get("link")
    if isinstance(link, str) and link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open in TenantAtlas Drift", "url": link}]
    return {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "contentUrl": None, "content": card}],
    }
