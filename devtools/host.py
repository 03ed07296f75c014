"""Drive the registered functions the way the Functions host does. Development and tests only.

It indexes `function_app`, builds real `azure.functions` trigger objects, collects output bindings
and moves queue messages through the Azurite queue, with the host's retry and poison semantics.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import azure.functions as func
from azure.core.exceptions import ResourceExistsError
from azure.functions.timer import TimerRequest
from azure.storage.queue import BinaryBase64DecodePolicy, BinaryBase64EncodePolicy, QueueClient

log = logging.getLogger(__name__)

MAX_DEQUEUE_COUNT = 5  # host.json extensions.queues.maxDequeueCount
# What the local host adds to the 404 / 405 it answers itself (no function ran).
HOST_ANSWER_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


class OutCollector(func.Out[Any]):
    """A concrete func.Out that remembers what the function set."""

    def __init__(self) -> None:
        self.value: Any = None

    def set(self, val: Any) -> None:
        self.value = val

    def get(self) -> Any:
        return self.value


@dataclass
class Invocation:
    """The result of one function call: its return value and its output bindings."""

    result: Any
    outputs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HttpRoute:
    """An HTTP function's route compiled to a regex."""

    name: str
    methods: frozenset[str]
    pattern: re.Pattern[str]


_INDEX: dict[int, list[Any]] = {}


def index_functions(app: func.FunctionApp) -> list[Any]:
    """The app's functions as the host indexes them (once: the library refuses a second indexing)."""
    if id(app) not in _INDEX:
        _INDEX[id(app)] = app.get_functions()
    return _INDEX[id(app)]


def _compile_route(route: str) -> re.Pattern[str]:
    """A route template ({name}, {name:constraint}, {*catchall}) as a regex; literal parts escaped."""
    parts = re.split(r"(\{\*?\w+(?::[^}]*)?\})", route.strip("/"))
    regex = ""
    for part in parts:
        param = re.fullmatch(r"\{(\*?)(\w+)(?::[^}]*)?\}", part)
        if param:
            regex += f"(?P<{param[2]}>.*)" if param[1] else f"(?P<{param[2]}>[^/]+)"
        else:
            regex += re.escape(part)
    return re.compile(f"^{regex}$")


class LocalHost:
    """The app's functions, callable with host semantics against a storage connection string."""

    def __init__(self, app: func.FunctionApp, connection_string: str) -> None:
        self.connection_string = connection_string
        self.functions = {f.get_function_name(): f for f in index_functions(app)}
        self.routes: list[HttpRoute] = []
        self._receipts: set[tuple[str, str, str]] = set()
        for name, fn in self.functions.items():
            trigger = fn.get_trigger()
            if trigger.get_binding_name() == "httpTrigger":
                data = trigger.get_dict_repr()
                methods = frozenset(str(getattr(m, "value", m)).upper() for m in data.get("methods") or ["GET", "POST"])
                self.routes.append(HttpRoute(name, methods, _compile_route(data.get("route") or name)))

    # --- invocation -------------------------------------------------------------------------
    def _bindings(self, name: str) -> list[dict[str, Any]]:
        return list(self.functions[name].get_bindings_dict()["bindings"])

    def invoke(self, name: str, trigger_arg: Any) -> Invocation:
        """Call a function with its trigger argument and fresh output collectors; forward queue outputs."""
        fn = self.functions[name]
        kwargs: dict[str, Any] = {}
        outputs: dict[str, OutCollector] = {}
        for binding in self._bindings(name):
            direction = str(getattr(binding["direction"], "name", binding["direction"]))
            if binding["name"] == "$return":
                continue
            if direction == "OUT":
                outputs[binding["name"]] = OutCollector()
                kwargs[binding["name"]] = outputs[binding["name"]]
            elif binding["type"].endswith("Trigger"):
                kwargs[binding["name"]] = trigger_arg
        result = fn.get_user_function()(**kwargs)
        values = {k: v.get() for k, v in outputs.items()}
        for binding in self._bindings(name):
            if binding["type"] == "queue" and binding["name"] in values and values[binding["name"]] is not None:
                self.enqueue(binding["queueName"], values[binding["name"]])
        return Invocation(result, values)

    # --- timer ------------------------------------------------------------------------------
    def fire_timer(self, name: str, past_due: bool = False) -> Invocation:
        """Fire a timer function now."""
        return self.invoke(name, TimerRequest(past_due=past_due))

    # --- queues -----------------------------------------------------------------------------
    def queue(self, queue_name: str) -> QueueClient:
        client = QueueClient.from_connection_string(
            self.connection_string,
            queue_name,
            message_encode_policy=BinaryBase64EncodePolicy(),
            message_decode_policy=BinaryBase64DecodePolicy(),
        )
        try:
            client.create_queue()
        except ResourceExistsError:
            pass
        return client

    def enqueue(self, queue_name: str, value: Any) -> None:
        """Write an output binding's value(s) to a queue, base64-encoded as the host does."""
        client = self.queue(queue_name)
        for message in value if isinstance(value, list) else [value]:
            data = message if isinstance(message, bytes) else str(message).encode("utf-8")
            client.send_message(data)

    def queue_functions(self, queue_name: str) -> list[str]:
        return [
            n
            for n in self.functions
            if self.functions[n].get_trigger().get_binding_name() == "queueTrigger"
            and self.functions[n].get_trigger().get_dict_repr().get("queueName") == queue_name
        ]

    def drain_queue(
        self, queue_name: str, max_messages: int = 10_000, visibility_timeout: int = 1, wait_seconds: float = 0.0
    ) -> int:
        """Deliver visible messages one by one; a failure makes its message reappear after
        `visibility_timeout` (waited for here), then goes to poison. Messages their sender made
        invisible for a while (a retry delay) are waited for only up to `wait_seconds` since the
        last delivery: the host, too, just polls again later."""
        (name,) = self.queue_functions(queue_name)
        client = self.queue(queue_name)
        delivered = 0
        retry_due = 0.0  # until then, a message this drain failed on is still to come back
        idle_since = time.monotonic()
        while delivered < max_messages:
            batch = list(client.receive_messages(max_messages=1, visibility_timeout=visibility_timeout))
            if not batch:
                now = time.monotonic()
                pending = client.get_queue_properties().approximate_message_count
                # A short grace even without waiting: the service's count and visibility lag a little.
                if pending == 0 or (now >= retry_due and now - idle_since >= max(wait_seconds, 0.5)):
                    return delivered
                time.sleep(0.2)
                continue
            message = batch[0]
            delivered += 1
            body = message.content
            trigger = func.QueueMessage(id=message.id, body=body, pop_receipt=message.pop_receipt)
            try:
                self.invoke(name, trigger)
            except Exception as exc:  # the host logs and lets the message reappear
                log.warning("%s failed on message %s (dequeue %d): %s", name, message.id, message.dequeue_count, exc)
                if (message.dequeue_count or 0) >= MAX_DEQUEUE_COUNT:
                    self.queue(f"{queue_name}-poison").send_message(body)
                    client.delete_message(message)
                else:
                    retry_due = time.monotonic() + visibility_timeout + 1.0
                idle_since = time.monotonic()
                continue
            client.delete_message(message)
            idle_since = time.monotonic()
        return delivered

    # --- blobs ------------------------------------------------------------------------------
    def blob_functions(self) -> list[tuple[str, str]]:
        """(function name, path pattern) of every blob trigger."""
        out = []
        for name, fn in self.functions.items():
            trigger = fn.get_trigger()
            if trigger.get_binding_name() == "blobTrigger":
                out.append((name, str(trigger.get_dict_repr()["path"])))
        return out

    def skip_existing_blobs(self) -> int:
        """Treat every blob present now as delivered (a host that has already processed them)."""
        from azure.storage.blob import BlobServiceClient

        service = BlobServiceClient.from_connection_string(self.connection_string)
        skipped = 0
        for name, path in self.blob_functions():
            client = service.get_container_client(path.partition("/")[0])
            if client.exists():
                for blob in client.list_blobs():
                    self._receipts.add((name, blob.name, blob.etag))
                    skipped += 1
        return skipped

    def deliver_new_blobs(self) -> int:
        """Deliver every blob not delivered before (by name and ETag, like the host's receipts)."""
        from azure.storage.blob import BlobServiceClient

        service = BlobServiceClient.from_connection_string(self.connection_string)
        delivered = 0
        for name, path in self.blob_functions():
            container, _, pattern = path.partition("/")
            regex = _compile_route(pattern)
            client = service.get_container_client(container)
            if not client.exists():
                continue
            for blob in sorted(client.list_blobs(), key=lambda b: b.name):
                receipt = (name, blob.name, blob.etag)
                if receipt in self._receipts or not regex.match(blob.name):
                    continue
                data = client.download_blob(blob.name).readall()
                stream = func.blob.InputStream(
                    data=data, name=f"{container}/{blob.name}", uri=client.url + "/" + blob.name, length=len(data)
                )
                for attempt in range(1, MAX_DEQUEUE_COUNT + 1):
                    try:
                        self.invoke(name, stream)
                        break
                    except Exception as exc:  # the host retries a failing blob trigger, then gives up
                        log.warning("%s failed on %s (attempt %d): %s", name, blob.name, attempt, exc)
                        stream = func.blob.InputStream(data=data, name=f"{container}/{blob.name}", length=len(data))
                self._receipts.add(receipt)
                delivered += 1
        return delivered

    # --- http -------------------------------------------------------------------------------
    def http(
        self,
        method: str,
        path: str,
        body: bytes | str | dict[str, Any] | list[Any] | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> func.HttpResponse:
        """Route a request like the host: /api/{route}; 404 when nothing matches."""
        route = path.split("?", 1)[0]
        route = route[len("/api/") :] if route.startswith("/api/") else route.lstrip("/")
        hdrs = {k.lower(): v for k, v in (headers or {}).items()}
        if isinstance(body, (dict, list)):
            payload = json.dumps(body).encode()
            hdrs.setdefault("content-type", "application/json")
        elif isinstance(body, str):
            payload = body.encode()
        else:
            payload = body or b""
        method_matched = False
        for r in self.routes:
            match = r.pattern.match(route)
            if not match:
                continue
            if method.upper() not in r.methods:
                # A path that only a preflight route matches ({*path}, OPTIONS) is no resource: 404.
                method_matched = method_matched or r.methods != {"OPTIONS"}
                continue
            # The URL the host hands a function names the host the caller asked for, as in Azure.
            authority = hdrs.get("host") or "localhost:7071"
            url = f"http://{authority}/api/{route}" + (f"?{urlencode(params)}" if params else "")
            request = func.HttpRequest(
                method.upper(),
                url,
                headers=hdrs,
                params=dict(params or {}),
                route_params=match.groupdict(),
                body=payload,
            )
            result = self.invoke(r.name, request).result
            assert isinstance(result, func.HttpResponse)
            return result
        return func.HttpResponse(status_code=405 if method_matched else 404, headers=dict(HOST_ANSWER_HEADERS))

    def as_wsgi(self) -> Any:
        """A WSGI application serving the HTTP functions (for HTTP-level tools such as schemathesis)."""
        from http import HTTPStatus
        from urllib.parse import parse_qsl

        def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
            if environ.get("CONTENT_TYPE"):
                headers["content-type"] = environ["CONTENT_TYPE"]
            params = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
            response = self.http(
                environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/"), body, headers=headers, params=params
            )
            status = response.status_code
            out_headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-type"]
            out_headers.append(("Content-Type", response.mimetype or "application/octet-stream"))
            start_response(f"{status} {HTTPStatus(status).phrase}", out_headers)
            return [response.get_body() or b""]

        return app
