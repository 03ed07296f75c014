"""The azure.functions side of the API: HttpRequest in, handler, HttpResponse out (trigger glue only)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import azure.functions as func

from shared.api.request import ApiRequest, ApiResponse
from shared.api.responses import cors_headers, error_body, status_for
from shared.errors import DriftError

log = logging.getLogger(__name__)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> func.HttpResponse:
    """A JSON response (no body at all for 204)."""
    if status == 204:
        return func.HttpResponse(status_code=204, headers=headers or {})
    return func.HttpResponse(
        json.dumps(body, separators=(",", ":")), status_code=status, mimetype="application/json", headers=headers or {}
    )


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
