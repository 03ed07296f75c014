"""Storage transactions as the account bills them, counted at the client: one azure-core pipeline policy.

`RequestPolicy` sits last in the pipeline of every blob, queue and table client that
`shared.storage.clients` builds, after the SDK's retry policy, so it sees each HTTP request that
actually goes to storage (a retried request is billed again and counted again). It names each
request by service and operation (`table.transaction`, `blob.get_blob`, `queue.put_message`, ...)
and counts it in the clients' `StorageMeter`.

It also calls the clients' interceptors before and after each request. The app registers none;
tests and benchmarks register fault injectors there, so faults reach the app through the real
SDK pipeline rather than through mocked stores.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from azure.core.pipeline import PipelineRequest, PipelineResponse
from azure.core.pipeline.policies import HTTPPolicy

_ENTITY = re.compile(r"^(?P<table>[^(]+)\((?P<keys>.*)\)$")


@dataclass(frozen=True)
class StorageCall:
    """One HTTP request to storage: service (`blob`, `queue`, `table`), operation, resource and the
    full unquoted path and query (for matching a tenant id or a blob name)."""

    service: str
    operation: str
    resource: str
    target: str

    @property
    def name(self) -> str:
        return f"{self.service}.{self.operation}"


class StorageInterceptor(Protocol):
    """Sees every storage request; raising in `before` fails it unsent, in `after` loses its answer."""

    def before(self, call: StorageCall) -> None: ...

    def after(self, call: StorageCall, status: int) -> None: ...


def _table_operation(method: str, last: str, query: dict[str, list[str]]) -> tuple[str, str]:
    if last == "$batch":
        return "transaction", ""
    if last.startswith("Tables"):
        return {"GET": "list_tables", "POST": "create_table", "DELETE": "delete_table"}.get(method, "table"), ""
    match = _ENTITY.match(last)
    table = match["table"] if match else last
    keyed = bool(match and match["keys"])
    if method == "GET":
        return ("get_entity" if keyed and "$filter" not in query else "query_entities"), table
    if method == "POST":
        return "insert_entity", table
    if method == "PUT":
        return "update_entity", table  # replace or upsert (insert-or-replace)
    if method in ("MERGE", "PATCH"):
        return "merge_entity", table
    if method == "DELETE":
        return "delete_entity", table
    return method.lower(), table


def _blob_operation(method: str, parts: list[str], query: dict[str, list[str]]) -> tuple[str, str]:
    container = parts[0] if parts else ""
    comp = (query.get("comp") or [""])[0]
    if len(parts) <= 1:
        if comp == "list":
            return ("list_blobs" if parts else "list_containers"), container
        return {"PUT": "create_container", "DELETE": "delete_container"}.get(
            method, "get_container_properties"
        ), container
    if method == "PUT":
        return {"block": "put_block", "blocklist": "put_block_list", "lease": "lease_blob"}.get(
            comp, "put_blob"
        ), container
    if method == "HEAD":
        return "get_blob_properties", container
    if method == "GET":
        return ("get_block_list" if comp == "blocklist" else "get_blob"), container
    if method == "DELETE":
        return "delete_blob", container
    return method.lower(), container


def _queue_operation(method: str, parts: list[str], query: dict[str, list[str]]) -> tuple[str, str]:
    queue = parts[0] if parts else ""
    if len(parts) <= 1:
        if "comp" in query and query["comp"][0] == "list":
            return "list_queues", ""
        if method == "GET" or method == "HEAD":
            return "get_queue_properties", queue
        return {"PUT": "create_queue", "DELETE": "delete_queue"}.get(method, method.lower()), queue
    if len(parts) == 2:  # {queue}/messages
        if method == "POST":
            return "put_message", queue
        if method == "GET":
            return ("peek_messages" if query.get("peekonly") else "get_messages"), queue
        return ("clear_messages" if method == "DELETE" else method.lower()), queue
    return {"DELETE": "delete_message", "PUT": "update_message"}.get(method, method.lower()), queue


def describe(service: str, method: str, url: str, base_path: str = "") -> StorageCall:
    """The service, operation and resource of one storage request (`base_path`: the account's path
    on the emulator, e.g. `/devstoreaccount1`)."""
    split = urlsplit(url)
    path = unquote(split.path)
    if base_path and path.startswith(base_path):
        path = path[len(base_path) :]
    parts = [p for p in path.split("/") if p]
    query = parse_qs(split.query)
    method = method.upper()
    if service == "table":
        operation, resource = _table_operation(method, parts[-1] if parts else "", query)
    elif service == "blob":
        operation, resource = _blob_operation(method, parts, query)
    else:
        operation, resource = _queue_operation(method, parts, query)
    return StorageCall(service, operation, resource, path + ("?" + unquote(split.query) if split.query else ""))


class StorageMeter:
    """Storage requests sent, by service, operation and resource; thread-safe."""

    def __init__(self, strip_prefix: str = "") -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str, str]] = Counter()
        self._strip = strip_prefix

    def count(self, call: StorageCall) -> None:
        resource = call.resource
        if self._strip and resource.startswith(self._strip):
            resource = resource[len(self._strip) :]
        with self._lock:
            self._counts[(call.service, call.operation, resource)] += 1

    def snapshot(self) -> Counter[tuple[str, str, str]]:
        """The counts so far, keyed (service, operation, resource); subtract two snapshots for a span."""
        with self._lock:
            return Counter(self._counts)

    def total(self) -> int:
        with self._lock:
            return sum(self._counts.values())


def by_operation(counts: Counter[tuple[str, str, str]]) -> dict[str, dict[str, int]]:
    """{service: {operation: n}} from (service, operation, resource) counts, sorted."""
    out: dict[str, dict[str, int]] = {}
    for (service, operation, _resource), n in sorted(counts.items()):
        if n:
            out.setdefault(service, {})
            out[service][operation] = out[service].get(operation, 0) + n
    return out


def _parts(request: Any) -> list[Any]:
    """The requests inside a multipart (batch or changeset) request."""
    info = getattr(request, "multipart_mixed_info", None)
    return list(info[0]) if info else []


def _with_batch_table(call: StorageCall, http: Any, base_path: str) -> StorageCall:
    """A table transaction named by its table (one transaction spans one table and partition)."""
    for changeset in _parts(http):
        for part in _parts(changeset) or [changeset]:
            inner = describe("table", part.method, part.url, base_path)
            if inner.resource:
                return StorageCall(call.service, call.operation, inner.resource, inner.target)
    return call


class RequestPolicy(HTTPPolicy):  # type: ignore[type-arg]
    """Counts every request sent to one storage service and lets interceptors see it (see module doc)."""

    def __init__(
        self,
        service: str,
        meter: StorageMeter,
        interceptors: Callable[[], Sequence[StorageInterceptor]],
    ) -> None:
        super().__init__()
        self.service = service
        self.meter = meter
        self.base_path = ""
        self._interceptors = interceptors

    def send(self, request: PipelineRequest[Any]) -> PipelineResponse[Any, Any]:
        http = request.http_request
        call = describe(self.service, http.method, http.url, self.base_path)
        if call.operation == "transaction":
            call = _with_batch_table(call, http, self.base_path)
        hooks = list(self._interceptors())
        for hook in hooks:
            hook.before(call)
        self.meter.count(call)
        response = self.next.send(request)
        for hook in hooks:
            hook.after(call, response.http_response.status_code)
        return response
