"""A local webhook receiver: a real HTTP(S) server on loopback that records what it is sent and
answers as a test scripts it. Development and tests only (the app may send to loopback only when
storage is the local emulator).

    with WebhookReceiver() as receiver:
        receiver.answer("/flaky", [500, 500, 204])     # then the last answer again and again
        url = receiver.url("/flaky")
        ...
        receiver.received("/flaky")                    # what arrived there, in order
"""

from __future__ import annotations

import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    """One request as the receiver got it."""

    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    at: float


@dataclass
class Answer:
    """How to answer one request: status, headers, body, and a delay before (or between) its bytes."""

    status: int = 204
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0  # seconds before the status line
    drip: float = 0.0  # seconds between header bytes (a slow-drip answer)


class WebhookReceiver:
    """A threaded HTTP server on 127.0.0.1 (a free port); optional TLS with the given context."""

    def __init__(self, tls: ssl.SSLContext | None = None, host: str = "127.0.0.1") -> None:
        self.requests: list[Received] = []
        self._answers: dict[str, list[Answer]] = {}
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Received(
                    self.command,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                    time.monotonic(),
                )
                answer = receiver._answer(request)
                # Recorded before the answer leaves: a sender that has its answer finds its request here.
                with receiver._lock:
                    receiver.requests.append(request)
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    self._send(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up (its deadline), as it should

            do_GET = do_PUT = do_POST

            def _send(self, answer: Answer) -> None:
                head = f"HTTP/1.1 {answer.status} Scripted\r\n".encode()
                for name, value in {**answer.headers, "Content-Length": str(len(answer.body))}.items():
                    head += f"{name}: {value}\r\n".encode()
                head += b"\r\n"
                if answer.drip:
                    for byte in head:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(answer.drip)
                else:
                    self.wfile.write(head)
                self.wfile.write(answer.body)
                self.wfile.flush()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((host, 0), Handler)
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.scheme = "https" if tls is not None else "http"
        self._thread = threading.Thread(target=self._server.serve_forever, name="webhook-receiver", daemon=True)

    # --- lifecycle --------------------------------------------------------------------------------
    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, path: str = "/hook", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    # --- scripting --------------------------------------------------------------------------------
    def answer(self, path: str, answers: list[int | Answer]) -> None:
        """Answer requests to `path` with these, in order; the last one repeats."""
        with self._lock:
            self._answers[path] = [a if isinstance(a, Answer) else Answer(a) for a in answers]

    def _answer(self, request: Received) -> Answer:
        path = request.path.split("?", 1)[0]
        with self._lock:
            queue = self._answers.get(path)
            if not queue:
                return Answer()
            return queue.pop(0) if len(queue) > 1 else queue[0]

    # --- reading ----------------------------------------------------------------------------------
    def received(self, path: str | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if path is None or r.path.split("?", 1)[0] == path]
