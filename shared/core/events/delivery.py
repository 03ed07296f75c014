"""Delivery of one event to one subscription (DESIGN §13): the queue message, the body, the retry
schedule (pure).

One message per (event, subscription), so one slow or failing subscriber never holds up another.
The message carries the whole event and the attempt number; a failed attempt is followed by a new
message for the next attempt, made visible after a delay that doubles from the base
(`EVENT_RETRY_BASE_SECONDS`): base, 2·base, 4·base, … (each at most a day), until the last
attempt, after which the delivery is `failed`. Every attempt carries the same event id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Final, Literal

from shared.core.events.model import EVENT_TYPES, CloudEvent
from shared.core.events.subscriptions import Format
from shared.core.events.teams import teams_message
from shared.core.ids import is_event_id, is_subscription_id
from shared.errors import ValidationError

DeliveryStatus = Literal["delivered", "retrying", "failed"]
DELIVERY_STATUSES: Final[tuple[DeliveryStatus, ...]] = ("delivered", "retrying", "failed")
MESSAGE_KIND: Final = "deliver"
MIN_ATTEMPTS: Final = 5
MAX_RETRY_DELAY_SECONDS: Final = 24 * 3600
CLOUDEVENTS_CONTENT_TYPE: Final = "application/cloudevents+json; charset=utf-8"
TEAMS_CONTENT_TYPE: Final = "application/json; charset=utf-8"


@dataclass(frozen=True)
class DeliveryMessage:
    """The body of an events queue message: deliver `event` to one subscription, attempt `attempt`."""

    subscription_id: str
    event: CloudEvent
    attempt: int = 1

    def to_message(self) -> str:
        """The JSON text put on the queue."""
        return json.dumps(
            {
                "kind": MESSAGE_KIND,
                "subscriptionId": self.subscription_id,
                "attempt": self.attempt,
                "event": self.event,
            },
            sort_keys=True,
            separators=(",", ":"),
        )

    def next_attempt(self) -> DeliveryMessage:
        """The message of the attempt after this one."""
        return DeliveryMessage(self.subscription_id, self.event, self.attempt + 1)


def parse_delivery_message(body: str) -> DeliveryMessage:
    """Validate an events queue message; anything malformed raises ValidationError."""
    try:
        data = json.loads(body)
    except ValueError:
        raise ValidationError("delivery message is not JSON") from None
    if not isinstance(data, dict) or data.get("kind") != MESSAGE_KIND:
        raise ValidationError("delivery message is not a JSON object of kind 'deliver'")
    subscription_id = data.get("subscriptionId")
    attempt = data.get("attempt")
    event = data.get("event")
    if not is_subscription_id(subscription_id):
        raise ValidationError("delivery message has no valid subscriptionId")
    if not isinstance(attempt, int) or isinstance(attempt, bool) or attempt < 1:
        raise ValidationError("delivery message has no valid attempt number")
    if (
        not isinstance(event, dict)
        or not is_event_id(event.get("id"))
        or event.get("type") not in EVENT_TYPES
        or not isinstance(event.get("time"), str)
        or not isinstance(event.get("data"), dict)
    ):
        raise ValidationError("delivery message has no valid event")
    return DeliveryMessage(str(subscription_id), event, attempt)  # type: ignore[arg-type]


def retry_delay(attempt: int, base_seconds: int) -> int:
    """Seconds to wait after failed attempt `attempt` (1-based): base · 2^(attempt-1), at most a day."""
    if attempt < 1 or base_seconds < 1:
        raise ValueError("attempt and base_seconds start at 1")
    delay: int = base_seconds * 2 ** min(attempt - 1, 32)
    return min(delay, MAX_RETRY_DELAY_SECONDS)


def after_attempt(attempt: int, ok: bool, max_attempts: int, base_seconds: int) -> tuple[DeliveryStatus, int | None]:
    """The delivery's status after attempt `attempt`, and the delay before the next one (None: no
    further attempt). A failed attempt before the last one means `retrying`; the last, `failed`."""
    if max_attempts < MIN_ATTEMPTS:
        raise ValueError(f"a delivery gets at least {MIN_ATTEMPTS} attempts")
    if ok:
        return "delivered", None
    if attempt >= max_attempts:
        return "failed", None
    return "retrying", retry_delay(attempt, base_seconds)


def render(event: CloudEvent, fmt: Format) -> tuple[bytes, str]:
    """The request body and its Content-Type: the event itself in CloudEvents structured mode, or a
    Teams message with an Adaptive Card. The body is what gets signed, byte for byte."""
    payload: Any = event if fmt == "cloudevents" else teams_message(event)
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return body, CLOUDEVENTS_CONTENT_TYPE if fmt == "cloudevents" else TEAMS_CONTENT_TYPE
