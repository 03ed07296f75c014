"""Paging of lists: opaque continuation tokens, signed and bound to one tenant and filter set.

The signing key is never one anyone can read: with SECRET_HASH_KEY set it is derived from it (a key
of its own, so a token's signature says nothing about the secret fingerprints made with the same
setting); without it, a random key made when the process starts, so tokens then end with the process
(and, in Azure, are valid only on the instance that issued them). Azure deployments set the setting.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Mapping
from typing import Any, Final

from shared import settings
from shared.api.validate import JsonInputError, Opaque, load_json
from shared.errors import ValidationError

DEFAULT_PAGE_SIZE: Final = 100
MAX_PAGE_SIZE: Final = 500
MAX_TOKEN_CHARS: Final = 2048
CONTINUATION_TOKEN_RULE: Final = Opaque(MAX_TOKEN_CHARS, "invalid_continuation_token")

_log = logging.getLogger(__name__)
_PROCESS_KEY: Final = secrets.token_bytes(32)
_KEY_PURPOSE: Final = b"tenantatlas-drift continuation token v1"
_warned = False


def _token_key() -> bytes:
    global _warned
    configured = settings.get("SECRET_HASH_KEY")
    if configured:
        return hmac.new(configured.encode("utf-8"), _KEY_PURPOSE, hashlib.sha256).digest()
    if not _warned:
        _warned = True
        _log.warning("SECRET_HASH_KEY is not set: continuation tokens are signed with a per-process key")
    return _PROCESS_KEY


def _sign(payload: bytes) -> str:
    return hmac.new(_token_key(), payload, hashlib.sha256).hexdigest()[:32]


def encode_continuation(token: Mapping[str, Any], binding: str) -> str:
    """An opaque, signed continuation token bound to one tenant and filter set."""
    payload = json.dumps({"t": dict(token), "b": binding}, sort_keys=True, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=") + "." + _sign(payload)


def decode_continuation(value: str, binding: str) -> dict[str, Any]:
    """The storage continuation behind a token; anything forged, edited, foreign or malformed is a 400."""
    error = ValidationError("continuationToken is not valid for this request", "invalid_continuation_token")
    if len(value) > MAX_TOKEN_CHARS or "." not in value or not value.isascii():
        raise error
    encoded, signature = value.rsplit(".", 1)
    try:
        payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except ValueError:
        raise error from None
    if not hmac.compare_digest(_sign(payload).encode(), signature.encode()):
        raise error
    # Signed by us is not proof of shape: a key can leak, and the format can change between versions.
    try:
        data = load_json(payload)
    except JsonInputError:
        raise error from None
    if not isinstance(data, dict) or data.get("b") != binding or not isinstance(data.get("t"), dict):
        raise error
    return dict(data["t"])
