"""HTTP plumbing shared by every API function: JSON bodies, the error shape, code → status (pure)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any, Final

import azure.functions as func

from shared.errors import DriftError, SettingsError

log = logging.getLogger(__name__)

MAX_BODY_BYTES: Final = 64 * 1024

_STATUS_BY_CLASS: Final[dict[str, int]] = {
    "ValidationError": 400,
    "AuthenticationError": 401,
    "ForbiddenError": 403,
    "NotFoundError": 404,
    "ConflictError": 409,
    "PreconditionFailedError": 412,
    "PayloadTooLargeError": 413,
    "UnsupportedMediaTypeError": 415,
    "SettingsError": 500,
}


class PayloadTooLargeError(DriftError):
    """A request body over the limit."""

    code = "payload_too_large"


class UnsupportedMediaTypeError(DriftError):
    """A body that is not JSON."""

    code = "unsupported_media_type"


def json_response(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> func.HttpResponse:
    """A JSON response."""
    return func.HttpResponse(
        json.dumps(body, separators=(",", ":")),
        status_code=status,
        mimetype="application/json",
        headers=dict(headers or {}),
    )


def error_response(error: DriftError) -> func.HttpResponse:
    """The API's error shape with the status its class maps to."""
    status = 500
    for cls in type(error).__mro__:
        if cls.__name__ in _STATUS_BY_CLASS:
            status = _STATUS_BY_CLASS[cls.__name__]
            break
    message = error.message if not isinstance(error, SettingsError) else "The service is misconfigured; see the logs."
    if isinstance(error, SettingsError):
        log.error("configuration error: %s", error.message)
    return json_response({"error": {"code": error.code, "message": message}}, status)


def read_json_body(req: func.HttpRequest) -> Any:
    """The request's JSON body, or the matching DriftError (size, content type, syntax)."""
    from shared.errors import ValidationError

    body = req.get_body() or b""
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLargeError(f"request body exceeds {MAX_BODY_BYTES} bytes")
    content_type = (req.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise UnsupportedMediaTypeError("Content-Type must be application/json")
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValidationError("request body is not valid JSON", "invalid_json") from None


def handle(fn: Callable[[], func.HttpResponse]) -> func.HttpResponse:
    """Run a handler, mapping DriftErrors to the error shape and hiding anything unexpected."""
    try:
        return fn()
    except DriftError as exc:
        return error_response(exc)
    except Exception:
        log.exception("unhandled error in HTTP handler")
        return json_response({"error": {"code": "internal_error", "message": "Internal error"}}, 500)
