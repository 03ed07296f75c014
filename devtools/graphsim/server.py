"""GraphSimulator: a real HTTP server (stdlib ``ThreadingHTTPServer``) speaking Graph's wire format.

Request pipeline: latency (once per HTTP request) -> bearer check (picks the tenant from ``tid``) ->
per-operation faults -> router. ``POST /{version}/$batch`` runs each item through the same
per-operation pipeline and answers the items in a deliberately shuffled order.
"""

from __future__ import annotations

import json
import random
import threading
import uuid
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from devtools.graphsim.catalog import VERSIONS
from devtools.graphsim.faults import FaultPlan, FaultRule
from devtools.graphsim.odata import SkipTokenCodec
from devtools.graphsim.router import (
    ERROR_CODES,
    JSON_CONTENT_TYPE,
    GraphError,
    RequestContext,
    Router,
    SimResponse,
    error_body,
    is_intune_path,
    split_path,
)
from devtools.graphsim.stats import Stats
from devtools.graphsim.store import SimTenant
from devtools.graphsim.tokens import TokenError, make_token, read_token

MAX_BATCH_REQUESTS = 20
ERROR_CONTENT_TYPE = "application/json"
WWW_AUTHENTICATE = (
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
    'client_id="00000003-0000-0000-c000-000000000000"'
)
DIAGNOSTIC = json.dumps(
    {
        "ServerInfo": {
            "DataCenter": "Simulated",
            "Slice": "E",
            "Ring": "5",
            "ScaleUnit": "000",
            "RoleInstance": "GRAPHSIM",
        }
    },
    separators=(",", ":"),
)

_FAULT_MESSAGES: dict[str, str] = {
    "throttle": "Too many requests. The tenant or application exceeded its request limit; retry after the indicated delay.",
    "forbid": (
        "Application is not authorized to perform this operation. Application must have one of the following "
        "scopes: DeviceManagementConfiguration.Read.All, DeviceManagementConfiguration.ReadWrite.All"
    ),
    "fail_page": "An internal server error occurred while reading this page.",
}


def _format_seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _truncate(payload: bytes) -> bytes:
    """An invalid JSON document: the first two thirds of a valid one."""
    return payload[: max(1, len(payload) * 2 // 3)]


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256  # benchmarks open many connections at once

    def __init__(self, address: tuple[str, int], sim: GraphSimulator) -> None:
        self.sim = sim
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (timeouts) are expected; stay quiet."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server_version = "GraphSimulator/1.0"
    sys_version = ""
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        """No access log on stderr."""

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, out_headers, payload = self.server.sim.handle_http(
            self.command, self.path, headers, body, f"http://{host}"
        )
        try:
            self.send_response(status)
            for key, value in out_headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = _dispatch
    do_POST = _dispatch
    do_PUT = _dispatch
    do_PATCH = _dispatch
    do_DELETE = _dispatch


class GraphSimulator:
    """An in-process Microsoft Graph simulator for tests, benchmarks and demos (never deployed)."""

    def __init__(
        self,
        token_secret: str = "sim-secret",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int = 0,
        tenants: Mapping[str, SimTenant] | None = None,
        strict: bool = True,
    ) -> None:
        """``strict`` (default) answers like the service where it is stricter than its metadata
        (README "Strict mode"); ``strict=False`` is for the few tests that show the difference."""
        self.token_secret = token_secret
        self.host = host
        self.port = port
        self.faults = FaultPlan()
        self.stats = Stats()
        self._tenants: dict[str, SimTenant] = dict(tenants or {})
        self._tenants_lock = threading.Lock()
        self.strict = strict
        self._router = Router(SkipTokenCodec(), strict=strict)
        self._server: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> str:
        """Start serving in a daemon thread; returns the base URL (``http://127.0.0.1:port``)."""
        if self._server is not None:
            return self.base_url
        self._stopping.clear()
        self._server = _HTTPServer((self.host, self.port), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="graphsim", daemon=True
        )
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        """Stop serving (requests held by latency or timeout faults are released)."""
        self._stopping.set()
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> GraphSimulator:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: no trailing slash, no version."""
        if self._server is None:
            raise RuntimeError("the simulator is not running: call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- tenants --------------------------------------------------------------------------------

    def add_tenant(self, tenant_id: str, tenant: SimTenant) -> None:
        with self._tenants_lock:
            self._tenants[tenant_id] = tenant

    def remove_tenant(self, tenant_id: str) -> None:
        with self._tenants_lock:
            self._tenants.pop(tenant_id, None)

    def tenant(self, tenant_id: str) -> SimTenant:
        with self._tenants_lock:
            return self._tenants[tenant_id]

    @property
    def tenants(self) -> dict[str, SimTenant]:
        with self._tenants_lock:
            return dict(self._tenants)

    def token(self, tenant_id: str) -> str:
        """A bearer token for ``tenant_id`` signed with this simulator's secret."""
        return make_token(tenant_id, self.token_secret)

    # -- request handling -----------------------------------------------------------------------

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)

    def handle_http(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes, origin: str
    ) -> tuple[int, dict[str, str], bytes]:
        """Answer one HTTP request: (status, headers, body bytes). ``headers`` keys are lower-case."""
        ctx = RequestContext(str(uuid.uuid4()), headers.get("client-request-id") or str(uuid.uuid4()), origin)
        parts = urlsplit(target)
        path, query = parts.path, parts.query
        logged = path + (f"?{query}" if query else "")
        segments = split_path(path)
        envelope = len(segments) == 2 and segments[0] in VERSIONS and segments[1] == "$batch"

        tenant: SimTenant | None = None
        tenant_id: str | None = None
        auth_error: str | None = None
        try:
            claimed = str(read_token(headers.get("authorization"), self.token_secret)["tid"])
            with self._tenants_lock:
                tenant = self._tenants.get(claimed)
            if tenant is None:
                auth_error = f"Access token validation failure. Tenant '{claimed}' not found."
            else:
                tenant_id = claimed
        except TokenError as exc:
            auth_error = exc.message

        self._sleep(self.faults.latency_for(tenant_id, path, envelope))

        if auth_error is not None or tenant is None:
            resp = self._error(
                401, auth_error or "Access token is empty.", ctx, headers={"WWW-Authenticate": WWW_AUTHENTICATE}
            )
        elif envelope:
            if method != "POST":
                resp = self._error(405, "The batch endpoint only supports POST.", ctx)
            else:
                resp = self._batch(tenant, tenant_id, segments[0], path, body, ctx)
        else:
            parsed: Any = None
            if body:
                try:
                    parsed = json.loads(body)
                except ValueError:
                    parsed = None
                    if method == "POST":
                        resp = self._error(400, "Unable to read JSON request payload.", ctx)
                        return self._finish(resp, ctx, tenant_id, method, logged, operation=True)
            resp = self._operation(tenant, tenant_id, method, path, query, parsed, ctx)
        return self._finish(resp, ctx, tenant_id, method, logged, operation=not envelope)

    def _finish(
        self,
        resp: SimResponse,
        ctx: RequestContext,
        tenant_id: str | None,
        method: str,
        logged: str,
        *,
        operation: bool,
    ) -> tuple[int, dict[str, str], bytes]:
        self.stats.record_http(tenant_id, method, logged, resp.status, operation=operation)
        out = {
            "Content-Type": JSON_CONTENT_TYPE if resp.status < 400 else ERROR_CONTENT_TYPE,
            "Cache-Control": "no-cache",
            "OData-Version": "4.0",
            "request-id": ctx.request_id,
            "client-request-id": ctx.client_request_id,
            "x-ms-ags-diagnostic": DIAGNOSTIC,
            "Strict-Transport-Security": "max-age=31536000",
        }
        out.update(resp.headers)
        payload = b"" if resp.body is None else json.dumps(resp.body, ensure_ascii=False).encode("utf-8")
        if resp.malformed:
            payload = _truncate(payload)
        return resp.status, out, payload

    def _error(
        self,
        status: int,
        message: str,
        ctx: RequestContext,
        code: str | None = None,
        *,
        intune: bool = False,
        url: str = "",
        headers: dict[str, str] | None = None,
    ) -> SimResponse:
        body = error_body(status, code or ERROR_CODES.get(status, "UnknownError"), message, ctx, intune=intune, url=url)
        return SimResponse(status, body, dict(headers or {}))

    def _fault_response(self, rule: FaultRule, ctx: RequestContext, path: str) -> SimResponse:
        segments = split_path(path)
        intune = is_intune_path(segments[1:])
        headers: dict[str, str] = {}
        if rule.retry_after is not None:
            headers["Retry-After"] = _format_seconds(rule.retry_after)
        if rule.kind == "status":
            message = {
                500: "An internal server error occurred.",
                502: "The upstream service returned an invalid response.",
                503: "The service is temporarily unavailable. Please retry.",
                504: "The request timed out upstream.",
            }.get(rule.status, f"Simulated failure with status {rule.status}.")
        else:
            message = _FAULT_MESSAGES[rule.kind]
        return self._error(rule.status, message, ctx, intune=intune, url="/".join(segments[1:]), headers=headers)

    def _operation(
        self,
        tenant: SimTenant,
        tenant_id: str | None,
        method: str,
        path: str,
        query: str,
        body: Any,
        ctx: RequestContext,
    ) -> SimResponse:
        """One Graph operation (a plain request or a batch item): faults, then the router."""
        token = next((v for k, v in parse_qsl(query) if k.lstrip("$").lower() == "skiptoken"), None)
        decision = self.faults.decide(tenant_id, path, self._router.codec.peek_page(token))
        self._sleep(decision.sleep_s)
        if decision.error is not None:
            return self._fault_response(decision.error, ctx, path)
        try:
            resp = self._router.handle(tenant, method, path, query, body, ctx)
        except GraphError as exc:
            segments = split_path(path)
            resp = self._error(
                exc.status,
                exc.message,
                ctx,
                exc.code,
                intune=exc.intune,
                url="/".join(segments[1:]),
                headers=exc.headers,
            )
        if decision.malformed and resp.status == 200:
            resp.malformed = True
        return resp

    # -- $batch ---------------------------------------------------------------------------------

    def _batch(
        self, tenant: SimTenant, tenant_id: str | None, version: str, path: str, raw: bytes, ctx: RequestContext
    ) -> SimResponse:
        decision = self.faults.decide(tenant_id, path, 0, envelope=True)
        self._sleep(decision.sleep_s)
        if decision.error is not None:
            return self._fault_response(decision.error, ctx, path)
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = None
        requests = payload.get("requests") if isinstance(payload, dict) else None
        if not isinstance(requests, list) or not requests:
            return self._error(400, "Invalid batch payload format.", ctx)
        if len(requests) > MAX_BATCH_REQUESTS:
            return self._error(
                400,
                f"Invalid batch payload format. The number of requests exceeds the limit of {MAX_BATCH_REQUESTS}.",
                ctx,
            )
        items: dict[str, dict[str, Any]] = {}
        for item in requests:
            if not isinstance(item, dict):
                return self._error(400, "Invalid batch payload format.", ctx)
            item_id, method, url = item.get("id"), item.get("method"), item.get("url")
            if not isinstance(item_id, str) or not item_id:
                return self._error(400, "Batch request item is missing its 'id'.", ctx)
            if not isinstance(method, str) or not isinstance(url, str) or not url:
                return self._error(400, f"Batch request '{item_id}' needs a 'method' and a 'url'.", ctx)
            if item_id in items:
                return self._error(400, "Batch request contains duplicate Id.", ctx)
            items[item_id] = item
        for item_id, item in items.items():
            deps = item.get("dependsOn") or []
            if not isinstance(deps, list) or any(d not in items or d == item_id for d in deps):
                return self._error(400, f"Batch request '{item_id}' depends on an unknown request id.", ctx)
        if _has_cycle(items):
            return self._error(400, "Batch requests have circular dependencies.", ctx)

        results: dict[str, dict[str, Any]] = {}

        def run(item_id: str) -> None:
            if item_id in results:
                return
            item = items[item_id]
            deps = item.get("dependsOn") or []
            for dep in deps:
                run(dep)
            if any(results[d]["status"] >= 400 for d in deps):
                results[item_id] = self._failed_dependency(item, tenant_id, version, ctx)
            else:
                results[item_id] = self._batch_item(tenant, tenant_id, version, item, ctx)

        for item_id in items:
            run(item_id)
        responses = [results[i] for i in items]
        with self._rng_lock:
            order = list(range(len(responses)))
            self._rng.shuffle(order)
        if len(order) > 1 and order == sorted(order):
            order = order[1:] + order[:1]
        return SimResponse(200, {"responses": [responses[i] for i in order]}, malformed=decision.malformed)

    @staticmethod
    def _item_path(version: str, url: str) -> tuple[str, str, str]:
        """(path with version, query, relative path) of a batch item URL, relative or absolute."""
        parts = urlsplit(url)
        rel = parts.path.lstrip("/")
        if parts.scheme or parts.netloc:
            head, _, tail = rel.partition("/")
            if head in VERSIONS:
                rel = tail
        return f"/{version}/{rel}", parts.query, rel

    def _batch_item(
        self, tenant: SimTenant, tenant_id: str | None, version: str, item: dict[str, Any], ctx: RequestContext
    ) -> dict[str, Any]:
        method = str(item["method"]).upper()
        path, query, rel = self._item_path(version, str(item["url"]))
        raw_headers = item.get("headers")
        item_headers: dict[str, Any] = raw_headers if isinstance(raw_headers, dict) else {}
        item_ctx = RequestContext(
            str(uuid.uuid4()),
            str(item_headers.get("client-request-id") or ctx.client_request_id),
            ctx.origin,
        )
        if rel.split("?")[0].strip("/") == "$batch":
            resp = self._error(400, "Nested batch requests are not supported.", item_ctx)
        elif method not in ("GET", "POST"):
            resp = self._error(405, f"The simulator is read-only: {method} is not supported.", item_ctx)
        else:
            resp = self._operation(tenant, tenant_id, method, path, query, item.get("body"), item_ctx)
        self.stats.record_item(tenant_id, method, path + (f"?{query}" if query else ""), resp.status)
        return self._item_response(item, resp)

    def _failed_dependency(
        self, item: dict[str, Any], tenant_id: str | None, version: str, ctx: RequestContext
    ) -> dict[str, Any]:
        method = str(item["method"]).upper()
        path, query, _ = self._item_path(version, str(item["url"]))
        resp = self._error(424, "The request depends on a request that failed.", ctx, "FailedDependency")
        self.stats.record_item(tenant_id, method, path + (f"?{query}" if query else ""), 424)
        return self._item_response(item, resp)

    @staticmethod
    def _item_response(item: dict[str, Any], resp: SimResponse) -> dict[str, Any]:
        headers = {
            "Cache-Control": "no-cache",
            "x-ms-resource-unit": "1",
            "OData-Version": "4.0",
            "Content-Type": JSON_CONTENT_TYPE if resp.status < 400 else ERROR_CONTENT_TYPE,
        }
        headers.update(resp.headers)
        body: Any = resp.body
        if resp.malformed:
            body = _truncate(json.dumps(resp.body, ensure_ascii=False).encode("utf-8")).decode("utf-8", "ignore")
        return {"id": item["id"], "status": resp.status, "headers": headers, "body": body}


def _has_cycle(items: dict[str, dict[str, Any]]) -> bool:
    state: dict[str, int] = {}

    def visit(node: str) -> bool:
        if state.get(node) == 1:
            return True
        if state.get(node) == 2:
            return False
        state[node] = 1
        if any(visit(d) for d in items[node].get("dependsOn") or []):
            return True
        state[node] = 2
        return False

    return any(visit(n) for n in items)
