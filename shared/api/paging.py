"""Paging of lists: opaque continuation tokens, signed and bound to one tenant and filter set."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any, Final

from shared import settings
from shared.errors import ValidationError

DEFAULT_PAGE_SIZE: Final = 100
MAX_PAGE_SIZE: Final = 500


def _token_key() -> bytes:
    # Continuation tokens are signed so a forged or edited token is refused, not executed.
    return (settings.get("SECRET_HASH_KEY") or "tenantatlas-local-continuation").encode()


def _sign(payload: bytes) -> str:
    return hmac.new(_token_key(), payload, hashlib.sha256).hexdigest()[:32]


def encode_continuation(token: Mapping[str, Any], binding: str) -> str:
    """An opaque, signed continuation token bound to one tenant and filter set."""
    payload = json.dumps({"t": dict(token), "b": binding}, sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=") + "." + _sign(payload)


def decode_continuation(value: str, binding: str) -> dict[str, Any]:
    """The storage continuation behind a token; anything forged, edited or foreign is a 400."""
    error = ValidationError("continuationToken is not valid for this request", "invalid_continuation_token")
    if len(value) > 2048 or "." not in value or not value.isascii():
        raise error
    encoded, signature = value.rsplit(".", 1)
    try:
        payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except ValueError:
        raise error from None
    if not hmac.compare_digest(_sign(payload).encode(), signature.encode()):
        raise error
    try:
        data = json.loads(payload)
    except ValueError:
        raise error from None
    if not isinstance(data, dict) or data.get("b") != binding or not isinstance(data.get("t"), dict):
        raise error
    return dict(data["t"])
