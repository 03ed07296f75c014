"""The azure.functions side of the API: HttpRequest in, handler, HttpResponse out (trigger glue only).

Every route goes through `respond`, so what it does holds for routes added later without a line of
theirs: the cross-site rule (`shared.api.origin.admit`) before the handler, the error contract for
every failure, and the security headers on every answer.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import azure.functions as func

from shared.api.origin import admit
from shared.api.request import ApiRequest, ApiResponse
from shared.api.responses import SECURITY_HEADERS, cors_headers, error_body, status_for
from shared.errors import DriftError, OriginNotAllowedError

log = logging.getLogger(__name__)

PREFLIGHT_MAX_AGE_SECONDS = 600


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> func.HttpResponse:
    """A JSON response, always with the security headers (no body at all for 204)."""
    if status == 204:
        return func.HttpResponse(status_code=204, headers={**(headers or {}), **SECURITY_HEADERS})
    return func.HttpResponse(
        json.dumps(body, separators=(",", ":")),
        status_code=status,
        mimetype="application/json",
        headers={**(headers or {}), **SECURITY_HEADERS},
    )


def to_api_request(req: func.HttpRequest) -> ApiRequest:
    """The parts of a func.HttpRequest a handler needs."""
    return ApiRequest(
        method=req.method,
        headers={k.lower(): v for k, v in req.headers.items()},
        params=dict(req.params),
        route=dict(req.route_params),
        body=req.get_body() or b"",
        url=req.url,
    )


def respond(req: func.HttpRequest, handler: Callable[[ApiRequest], ApiResponse]) -> func.HttpResponse:
    """Admit the request, run the handler; DriftErrors become the error shape, anything else a bare 500."""
    cors = cors_headers(req.headers.get("origin"))
    try:
        request = to_api_request(req)
        admit(request)
        result = handler(request)
    except DriftError as exc:
        return json_response(error_body(exc), status_for(exc), cors)
    except Exception:
        log.exception("unhandled error in %s %s", req.method, req.url.split("?")[0])
        return json_response({"error": {"code": "internal_error", "message": "Internal error"}}, 500, cors)
    return json_response(result.body, result.status, {**cors, **result.headers})


def preflight(req: func.HttpRequest) -> func.HttpResponse:
    """Answer a CORS preflight: 204 with the headers for an allowed origin, 403 otherwise."""
    cors = cors_headers(req.headers.get("origin"))
    if not cors:
        refused = OriginNotAllowedError("cross-origin requests from this origin are not allowed")
        return json_response(error_body(refused), status_for(refused))
    return func.HttpResponse(
        status_code=204,
        headers={**cors, "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE_SECONDS), **SECURITY_HEADERS},
    )
