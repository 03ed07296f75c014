"""The one Graph client: raw JSON over msgraph-sdk's request adapter, paging, $batch and error codes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from kiota_abstractions.authentication import AuthenticationProvider
from kiota_abstractions.method import Method
from kiota_abstractions.native_response_handler import NativeResponseHandler
from kiota_abstractions.request_information import RequestInformation
from kiota_http.middleware import HeadersInspectionHandler, UserAgentHandler
from kiota_http.middleware.options import ResponseHandlerOption
from msgraph.graph_request_adapter import GraphRequestAdapter
from msgraph_core import GraphClientFactory

from shared import settings
from shared.errors import GraphError
from shared.graph.credentials import build_auth_provider
from shared.graph.middleware import (
    RETRYABLE_STATUS,
    BudgetMiddleware,
    RetryMiddleware,
    RetryPolicy,
    retry_after_seconds,
)
from shared.graph.ratelimit import OperationBudget

BATCH_LIMIT = 20


@dataclass(frozen=True)
class GraphResponse:
    """One Graph reply: status, headers and parsed JSON body (None when empty)."""

    status: int
    headers: Mapping[str, str]
    body: Any


def error_code_for(status: int) -> str:
    """Stable scan error code (DESIGN §4) for a failed HTTP status."""
    if status in (401, 403):
        return "forbidden"
    if status == 404:
        return "not_found"
    if status == 429:
        return "throttled"
    return "graph_error"


def graph_error_detail(body: Any) -> str:
    """The Graph error code from an error body, without its (possibly sensitive) message."""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("code", ""))[:80]
    return ""


class GraphClient:
    """Reads raw JSON from Graph for one tenant, within a concurrency cap and an operation budget."""

    def __init__(
        self,
        adapter: GraphRequestAdapter,
        base_url: str,
        budget: OperationBudget,
        budget_middleware: BudgetMiddleware,
        retry: RetryPolicy,
        concurrency: int,
        http_client: httpx.AsyncClient,
    ) -> None:
        self._adapter = adapter
        self.base_url = base_url.rstrip("/")
        self.budget = budget
        self._budget_mw = budget_middleware
        self._retry = retry
        self._slots = asyncio.Semaphore(concurrency)
        self._http = http_client

    @property
    def round_trips(self) -> int:
        """HTTP requests sent, retries included (a $batch is one)."""
        return self._budget_mw.round_trips

    @property
    def operations(self) -> int:
        """Graph operations spent against the budget (each batch item counts)."""
        return self.budget.operations

    def url(self, version: str, path: str, query: str = "") -> str:
        """Absolute URL of a Graph path."""
        return f"{self.base_url}/{version}/{path}" + (f"?{query}" if query else "")

    async def _send(self, method: Method, url: str, body: bytes | None = None) -> GraphResponse:
        info = RequestInformation()
        info.http_method = method
        info.url = url
        info.headers.try_add("Accept", "application/json")
        if body is not None:
            info.set_stream_content(body, "application/json")
        info.add_request_options([ResponseHandlerOption(NativeResponseHandler())])
        async with self._slots:
            try:
                response: httpx.Response = await self._adapter.send_primitive_async(info, "bytes", {})
            except httpx.TimeoutException:
                raise GraphError("timeout", "Graph did not answer in time") from None
            except httpx.TransportError as exc:
                raise GraphError("graph_error", f"Graph transport error: {type(exc).__name__}") from None
        return GraphResponse(response.status_code, dict(response.headers), _parse(response.content))

    async def get(self, url: str) -> Any:
        """GET a JSON document; any failure raises GraphError with a stable code."""
        return _document(await self._send(Method.GET, url), "GET")

    async def post(self, url: str, body: Any) -> dict[str, Any]:
        """POST a JSON body to a Graph action that only reads (`directoryObjects/getByIds`)."""
        return _document(await self._send(Method.POST, url, json.dumps(body).encode()), "POST")

    async def get_collection(self, url: str, first_page: Any | None = None) -> list[dict[str, Any]]:
        """Every element of a collection, following @odata.nextLink verbatim to the end."""
        page = first_page if first_page is not None else await self.get(url)
        values: list[dict[str, Any]] = []
        while True:
            chunk = page.get("value")
            if not isinstance(chunk, list):
                raise GraphError("invalid_response", "collection page without a value array")
            values.extend(chunk)
            next_link = page.get("@odata.nextLink")
            if not next_link:
                return values
            page = await self.get(str(next_link))

    async def batch(self, version: str, relative_urls: Sequence[str]) -> list[GraphResponse]:
        """GET many URLs through $batch (20 per request); answers come back in request order.

        Items throttled inside a batch are retried here (the SDK's middleware only sees the
        envelope); other per-item failures are returned for the caller to classify.
        """
        results: dict[int, GraphResponse] = {}
        chunks = [
            list(range(i, min(i + BATCH_LIMIT, len(relative_urls)))) for i in range(0, len(relative_urls), BATCH_LIMIT)
        ]

        async def run(indexes: list[int]) -> None:
            pending = indexes
            for attempt in range(self._retry.max_attempts):
                replies = await self._batch_once(version, {i: relative_urls[i] for i in pending})
                retry: list[int] = []
                wait = 0.0
                for index, reply in replies.items():
                    if reply.status in RETRYABLE_STATUS and attempt + 1 < self._retry.max_attempts:
                        retry.append(index)
                        after = retry_after_seconds(httpx.Headers(dict(reply.headers)))
                        if after is not None and after > self._retry.max_retry_after:
                            results[index] = reply
                            retry.pop()
                            continue
                        if after is not None:
                            self.budget.pause_for(after)
                        wait = max(wait, after if after is not None else self._retry.backoff(attempt))
                    else:
                        results[index] = reply
                if not retry:
                    return
                pending = retry
                await asyncio.sleep(wait)

        await asyncio.gather(*(run(chunk) for chunk in chunks))
        return [results[i] for i in range(len(relative_urls))]

    async def _batch_once(self, version: str, urls: Mapping[int, str]) -> dict[int, GraphResponse]:
        payload = {
            "requests": [
                {"id": str(index), "method": "GET", "url": "/" + url.lstrip("/")} for index, url in urls.items()
            ]
        }
        response = await self._send(Method.POST, self.url(version, "$batch"), json.dumps(payload).encode())
        if response.status >= 400:
            raise GraphError(error_code_for(response.status), f"$batch failed with {response.status}", response.status)
        replies = response.body.get("responses") if isinstance(response.body, dict) else None
        if not isinstance(replies, list):
            raise GraphError("invalid_response", "$batch reply without a responses array")
        out: dict[int, GraphResponse] = {}
        for reply in replies:
            try:
                index = int(reply["id"])
                status = int(reply["status"])
            except (KeyError, TypeError, ValueError):
                raise GraphError("invalid_response", "$batch reply item without id or status") from None
            if index in urls:
                out[index] = GraphResponse(status, dict(reply.get("headers") or {}), reply.get("body"))
        missing = set(urls) - set(out)
        if missing:
            raise GraphError("invalid_response", f"$batch reply is missing {len(missing)} item(s)")
        return out

    async def close(self) -> None:
        """Release the HTTP connections."""
        await self._http.aclose()


def _document(response: GraphResponse, verb: str) -> dict[str, Any]:
    """The JSON object of a successful reply; GraphError with a stable code otherwise."""
    if response.status >= 400:
        raise GraphError(
            error_code_for(response.status),
            f"{verb} failed with {response.status} {graph_error_detail(response.body)}".strip(),
            response.status,
        )
    if not isinstance(response.body, dict):
        raise GraphError("invalid_response", "Graph returned a body that is not a JSON object", response.status)
    return response.body


def _parse(content: bytes) -> Any:
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        raise GraphError("invalid_response", "Graph returned malformed JSON") from None


def build_graph_client(
    tenant_id: str,
    env: Mapping[str, str] | None = None,
    retry: RetryPolicy | None = None,
    auth_provider: AuthenticationProvider | None = None,
) -> GraphClient:
    """A GraphClient for one customer tenant, configured from the app settings."""
    base_url = settings.get("GRAPH_BASE_URL", env)
    concurrency = settings.get_int("GRAPH_MAX_CONCURRENCY", 1, 64, env)
    budget = OperationBudget(settings.get_int("GRAPH_REQUEST_BUDGET", 20, 1000, env))
    timeout = settings.get_int("GRAPH_TIMEOUT_SECONDS", 1, 600, env)
    policy = retry or RetryPolicy()
    provider = auth_provider or build_auth_provider(tenant_id, env)
    retry_mw = RetryMiddleware(policy, budget)
    budget_mw = BudgetMiddleware(budget)
    http = httpx.AsyncClient(
        timeout=httpx.Timeout(float(timeout)),
        limits=httpx.Limits(max_connections=concurrency * 2, max_keepalive_connections=concurrency * 2),
    )
    GraphClientFactory.create_with_custom_middleware(
        middleware=[retry_mw, budget_mw, UserAgentHandler(), HeadersInspectionHandler()], client=http
    )
    adapter = GraphRequestAdapter(provider, client=http)
    adapter.base_url = f"{base_url.rstrip('/')}/v1.0"
    return GraphClient(adapter, base_url, budget, budget_mw, policy, concurrency, http)
