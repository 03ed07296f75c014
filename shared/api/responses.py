"""How the API answers: error code → HTTP status in one place, the error body, CORS and security headers."""

from __future__ import annotations

import logging
from typing import Any, Final

from shared.api.origin import allowed_origins, origin_key
from shared.errors import (
    AuthenticationError,
    ConflictError,
    DriftError,
    ForbiddenError,
    NotFoundError,
    PreconditionFailedError,
    SettingsError,
    ValidationError,
)

log = logging.getLogger(__name__)

_STATUS_BY_CODE: Final[dict[str, int]] = {"payload_too_large": 413, "unsupported_media_type": 415}
_STATUS_BY_CLASS: Final[tuple[tuple[type[DriftError], int], ...]] = (
    (ValidationError, 400),
    (AuthenticationError, 401),
    (ForbiddenError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (PreconditionFailedError, 412),
    (SettingsError, 500),
)
_CORS_METHODS: Final = "GET, PUT, POST, DELETE, OPTIONS"
_CORS_HEADERS: Final = "Authorization, Content-Type, If-Match"
# On every answer of the API, errors, preflights and the bare 500 included: nothing it says is to be
# kept by a browser or a proxy, nor read as anything but its declared type.
SECURITY_HEADERS: Final[dict[str, str]] = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def status_for(error: DriftError) -> int:
    """The HTTP status of a DriftError (one place for the whole API)."""
    if error.code in _STATUS_BY_CODE:
        return _STATUS_BY_CODE[error.code]
    for cls, status in _STATUS_BY_CLASS:
        if isinstance(error, cls):
            return status
    return 500


def error_body(error: DriftError) -> dict[str, Any]:
    """The API's error shape; configuration details stay in the log."""
    if isinstance(error, SettingsError):
        log.error("configuration error: %s", error.message)
        return {"error": {"code": error.code, "message": "The service is misconfigured; see the logs."}}
    return {"error": {"code": error.code, "message": error.message}}


def cors_headers(origin: str | None) -> dict[str, str]:
    """CORS headers for an allowed origin (CORS_ALLOWED_ORIGINS, none by default)."""
    if not origin or origin_key(origin) not in allowed_origins():
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Methods": _CORS_METHODS,
        "Access-Control-Allow-Headers": _CORS_HEADERS,
        "Access-Control-Expose-Headers": "ETag",
        "Vary": "Origin",
    }
