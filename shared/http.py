"""HTTP plumbing for the API functions: request conversion, the error shape, CORS, code → status."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, Final

import azure.functions as func

from shared import settings
from shared.api import ApiRequest, ApiResponse
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


def status_for(error: DriftError) -> int:
    """The HTTP status of a DriftError (one place for the whole API)."""
    if error.code in _STATUS_BY_CODE:
        return _STATUS_BY_CODE[error.code]
    for cls, status in _STATUS_BY_CLASS:
        if isinstance(error, cls):
            return status
    return 500


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> func.HttpResponse:
    """A JSON response."""
    return func.HttpResponse(
        json.dumps(body, separators=(",", ":")), status_code=status, mimetype="application/json", headers=headers or {}
    )


def error_body(error: DriftError) -> dict[str, Any]:
    """The API's error shape; configuration details stay in the log."""
    if isinstance(error, SettingsError):
        log.error("configuration error: %s", error.message)
        return {"error": {"code": error.code, "message": "The service is misconfigured; see the logs."}}
    return {"error": {"code": error.code, "message": error.message}}


def cors_headers(origin: str | None) -> dict[str, str]:
    """CORS headers for an allowed origin (CORS_ALLOWED_ORIGINS, none by default)."""
    if not origin:
        return {}
    allowed = {o.strip().rstrip("/") for o in settings.get("CORS_ALLOWED_ORIGINS").split(",") if o.strip()}
    if origin.rstrip("/") not in allowed:
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Methods": _CORS_METHODS,
        "Access-Control-Allow-Headers": _CORS_HEADERS,
        "Access-Control-Expose-Headers": "ETag",
        "Vary": "Origin",
    }


def to_api_request(req: func.HttpRequest) -> ApiRequest:
    """The parts of a func.HttpRequest a handler needs."""
    return ApiRequest(
        method=req.method,
        headers={k.lower(): v for k, v in req.headers.items()},
        params=dict(req.params),
        route=dict(req.route_params),
        body=req.get_body() or b"",
    )


def respond(req: func.HttpRequest, handler: Callable[[ApiRequest], ApiResponse]) -> func.HttpResponse:
    """Run a handler; DriftErrors become the error shape, anything else a bare 500."""
    cors = cors_headers(req.headers.get("origin"))
    try:
        result = handler(to_api_request(req))
    except DriftError as exc:
        return json_response(error_body(exc), status_for(exc), {**cors, "Cache-Control": "no-store"})
    except Exception:
        log.exception("unhandled error in %s %s", req.method, req.url.split("?")[0])
        return json_response({"error": {"code": "internal_error", "message": "Internal error"}}, 500, cors)
    return json_response(result.body, result.status, {**cors, "Cache-Control": "no-store", **result.headers})


def preflight(req: func.HttpRequest) -> func.HttpResponse:
    """Answer a CORS preflight: 204 with the headers for an allowed origin, 403 otherwise."""
    cors = cors_headers(req.headers.get("origin"))
    if not cors:
        return json_response({"error": {"code": "cors_origin_not_allowed", "message": "origin not allowed"}}, 403)
    return func.HttpResponse(status_code=204, headers={**cors, "Access-Control-Max-Age": "600"})
