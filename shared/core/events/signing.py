"""Standard Webhooks signatures (DESIGN §13), made by the `standardwebhooks` library (pure).

Headers: `webhook-id` (the event id, the same on every attempt), `webhook-timestamp` (Unix seconds of
this attempt) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` keyed
with the subscription's `whsec_…` secret). Receivers verify with any Standard Webhooks library, e.g.
`standardwebhooks.Webhook(secret).verify(body, headers)`.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from datetime import UTC, datetime
from math import floor
from typing import Any, Final

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX: Final = "whsec_"
SECRET_BYTES: Final = 32


def new_signing_secret() -> str:
    """A fresh signing secret: `whsec_` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def is_signing_secret(value: Any) -> bool:
    """True for a `whsec_` secret whose key decodes to 32 bytes."""
    if not isinstance(value, str) or not value.startswith(SECRET_PREFIX):
        return False
    try:
        return len(base64.b64decode(value[len(SECRET_PREFIX) :], validate=True)) == SECRET_BYTES
    except (ValueError, binascii.Error):
        return False


def signature_headers(secret: str, event_id: str, body: bytes, at: datetime) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt at `at` (an aware datetime)."""
    moment = at.astimezone(UTC)
    signature = Webhook(secret).sign(msg_id=event_id, timestamp=moment, data=body.decode("utf-8"))
    return {
        "webhook-id": event_id,
        "webhook-timestamp": str(floor(moment.timestamp())),
        "webhook-signature": signature,
    }
