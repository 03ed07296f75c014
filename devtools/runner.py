"""Local runner: serve `function_app` where Azure Functions Core Tools is not installed.

DEVELOPMENT TOOLING ONLY. It lives in `devtools/`, which `.funcignore` keeps out of every deployment;
in Azure the Functions host does all of this.

    python -m devtools.runner [--port 7071] [--settings local.settings.json]

What it does, with `devtools.host.LocalHost` driving the registered functions:

- HTTP functions are served on http://127.0.0.1:7071/api/... over a real HTTP server: method, path,
  query, headers and body go in; status, headers and body come back.
- Timer functions fire on their NCRONTAB schedule (six fields, `sec min hour day month dow`, UTC),
  `%NAME%` resolved from the settings; `POST /admin/functions/{name}` fires one now, as on the host.
- A background loop (about once a second) delivers queue messages to their queue triggers and new
  blobs to their blob triggers.

Settings come from the environment; `Values` of `local.settings.json` fill in what is not set there.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl, urlsplit

from devtools.cron import CronSchedule
from devtools.localsettings import load_local_settings, resolve_setting_references
from shared.api.request import header_value

if TYPE_CHECKING:
    from devtools.host import LocalHost

log = logging.getLogger("devtools.runner")

ROOT: Final = Path(__file__).resolve().parent.parent
DEFAULT_PORT: Final = 7071
ROUTE_PREFIX: Final = "/api/"  # host.json extensions.http.routePrefix
MAX_REQUEST_BYTES: Final = 10 * 1024 * 1024
BANNER: Final = (
    "TenantAtlas Drift local runner: DEVELOPMENT TOOLING ONLY (devtools/, excluded from deployment by\n"
    ".funcignore). It serves function_app like `func start` where Core Tools is not installed."
)


# --- the runner ----------------------------------------------------------------------------------


@dataclass
class _Timer:
    name: str
    schedule: CronSchedule
    next_due: datetime


def _content_type(response: Any) -> str:
    mimetype = str(response.mimetype or "text/plain")
    return f"{mimetype}; charset={response.charset}" if mimetype.startswith("text/") else mimetype


class Runner:
    """Serve a LocalHost over HTTP and deliver its timers, queues and blobs in the background.

    `start()` binds the port and starts both threads; `pump()` and `run_timer_now()` do the
    background work on demand (they and the loop never overlap), so a demo or a test can wait for
    exactly what it needs.
    """

    def __init__(
        self,
        host: LocalHost,
        port: int = DEFAULT_PORT,
        *,
        bind: str = "127.0.0.1",
        poll_interval: float = 1.0,
        background: bool = True,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.host = host
        self.bind = bind
        self.requested_port = port
        self.poll_interval = poll_interval
        self.background = background
        self.clock = clock
        self.timers = self._timers(environ)
        self.queues = sorted(
            {
                str(fn.get_trigger().get_dict_repr()["queueName"])
                for fn in host.functions.values()
                if fn.get_trigger().get_binding_name() == "queueTrigger"
            }
        )
        self._work = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._threads: list[threading.Thread] = []
        self.errors = 0

    def _timers(self, environ: Mapping[str, str] | None) -> list[_Timer]:
        timers = []
        now = self.clock()
        for name, fn in sorted(self.host.functions.items()):
            trigger = fn.get_trigger()
            if trigger.get_binding_name() == "timerTrigger":
                expression = resolve_setting_references(str(trigger.get_dict_repr()["schedule"]), environ)
                schedule = CronSchedule.parse(expression)
                timers.append(_Timer(name, schedule, schedule.next_after(now)))
        return timers

    # --- lifecycle ------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        """The bound port (the requested one, or the one the OS chose for port 0)."""
        if self._server is None:
            return self.requested_port
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{'localhost' if self.bind in ('127.0.0.1', 'localhost') else self.bind}:{self.port}"

    def start(self) -> Runner:
        """Bind the HTTP port and start serving (and the background loop unless disabled)."""
        if self._server is not None:
            raise RuntimeError("runner already started")
        self._stopping.clear()
        self._server = _Server((self.bind, self.requested_port), self)
        serve = threading.Thread(target=self._server.serve_forever, name="runner-http", daemon=True)
        serve.start()
        self._threads = [serve]
        if self.background:
            loop = threading.Thread(target=self._loop, name="runner-loop", daemon=True)
            loop.start()
            self._threads.append(loop)
        return self

    def stop(self) -> None:
        """Stop serving and let the background loop finish its current delivery."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        for thread in self._threads:
            thread.join(timeout=60)
        self._threads = []

    def __enter__(self) -> Runner:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- background work ------------------------------------------------------------------------
    def run_timer_now(self, name: str | None = None) -> int:
        """Fire one timer function (or every one) now, as the schedule would; returns how many fired."""
        fired = 0
        with self._work:
            for timer in self.timers:
                if name is None or timer.name == name:
                    self.host.fire_timer(timer.name)
                    fired += 1
        if name is not None and not fired:
            raise KeyError(f"no timer function named {name!r}")
        return fired

    def pump(self, max_rounds: int = 10) -> int:
        """Deliver queued messages and new blobs until a round delivers nothing; returns the deliveries."""
        total = 0
        with self._work:
            for _ in range(max_rounds):
                delivered = sum(self.host.drain_queue(queue) for queue in self.queues)
                delivered += self.host.deliver_new_blobs()
                total += delivered
                if not delivered:
                    break
        return total

    def due_timers(self) -> list[tuple[str, bool]]:
        """(name, past due) of the timers whose time has come; each is scheduled for its next time."""
        now = self.clock()
        due = []
        for timer in self.timers:
            if timer.next_due <= now:
                late = now - timer.next_due > timedelta(seconds=max(5.0, 3 * self.poll_interval))
                due.append((timer.name, late))
                timer.next_due = timer.schedule.next_after(now)
        return due

    def tick(self) -> int:
        """One pass of the background loop: due timers, then deliveries."""
        for name, past_due in self.due_timers():
            log.info("timer %s fired%s", name, " (past due)" if past_due else "")
            with self._work:
                self.host.fire_timer(name, past_due=past_due)
        return self.pump()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                self.tick()
            except Exception:  # the loop must survive a storage hiccup, as the host does
                self.errors += 1
                log.exception("background delivery failed; retrying in %.1f s", self.poll_interval)
            self._stopping.wait(self.poll_interval)

    # --- HTTP -----------------------------------------------------------------------------------
    def manual_trigger(self, name: str, body: bytes) -> tuple[int, bytes]:
        """`POST /admin/functions/{name}` of the host: fire a timer, or queue `{"input"}` for a queue trigger."""
        fn = self.host.functions.get(name)
        if fn is None:
            return 404, b""
        trigger = fn.get_trigger()
        kind = trigger.get_binding_name()
        if kind == "timerTrigger":
            threading.Thread(target=self.run_timer_now, args=(name,), name=f"manual-{name}", daemon=True).start()
            return 202, b""
        if kind == "queueTrigger":
            try:
                payload = json.loads(body or b"{}")
            except ValueError:
                payload = None
            if not isinstance(payload, dict):
                return 400, b'{"error": "the body must be a JSON object: {\\"input\\": \\"<message>\\"}"}'
            self.host.enqueue(str(trigger.get_dict_repr()["queueName"]), str(payload.get("input", "")))
            return 202, b""
        return 400, b'{"error": "only timer and queue functions can be triggered by hand"}'

    def handle_http(
        self, method: str, raw_path: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """One request: (status, headers, body), routed like the host (`/api/...` to HTTP functions)."""
        parts = urlsplit(raw_path)
        path = parts.path
        if path.startswith(ROUTE_PREFIX):
            params = dict(parse_qsl(parts.query, keep_blank_values=True))
            response = self.host.http(method, path, body, headers, params)
            out = [(k, v) for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")]
            content_type = header_value(response.headers, "content-type") or _content_type(response)
            out.append(("Content-Type", content_type))
            return response.status_code, out, response.get_body()
        admin = re.fullmatch(r"/admin/functions/(\w+)", path)
        if admin and method == "POST":
            status, payload = self.manual_trigger(admin.group(1), body)
            return status, [("Content-Type", "application/json")] if payload else [], payload
        if path == "/" and method in ("GET", "HEAD") and any(r.name == "drift_page" for r in self.host.routes):
            return 302, [("Location", f"{ROUTE_PREFIX}ui")], b""
        return 404, [], b""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], runner: Runner) -> None:
        self.runner = runner
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def _dispatch(self) -> None:
        started = time.monotonic()
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self._send(411, [], b"")
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self._send(400, [], b"")
            self.close_connection = True
            return
        if length > MAX_REQUEST_BYTES:
            self._send(413, [], b"")
            self.close_connection = True
            return
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items()}
        try:
            status, out, payload = self.server.runner.handle_http(self.command, self.path, headers, body)
        except Exception:
            log.exception("%s %s failed", self.command, self.path)
            status, out, payload = 500, [], b""
        self._send(status, out, payload)
        log.info("%s %s %d %.0f ms", self.command, self.path, status, (time.monotonic() - started) * 1000)

    def _send(self, status: int, headers: Iterable[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD = _dispatch

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("http: " + format, *args)


# --- command line --------------------------------------------------------------------------------


def describe(runner: Runner) -> list[str]:
    """One line per function, like `func start` lists them."""
    lines = []
    for route in sorted(runner.host.routes, key=lambda r: r.pattern.pattern):
        trigger = runner.host.functions[route.name].get_trigger().get_dict_repr()
        route_text = trigger.get("route") or route.name
        lines.append(f"  {route.name}: [{','.join(sorted(route.methods))}] {runner.url}{ROUTE_PREFIX}{route_text}")
    for timer in runner.timers:
        lines.append(
            f"  {timer.name}: timer '{timer.schedule.expression}' (UTC), next {timer.next_due:%Y-%m-%d %H:%M:%S}"
        )
    for queue in runner.queues:
        for name in runner.host.queue_functions(queue):
            lines.append(f"  {name}: queue {queue}")
    for name, path in runner.host.blob_functions():
        lines.append(f"  {name}: blob {path}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.runner", description=BANNER)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="HTTP port (default 7071)")
    parser.add_argument("--bind", default="127.0.0.1", help="address to listen on (default loopback only)")
    parser.add_argument("--settings", type=Path, default=ROOT / "local.settings.json", help="local.settings.json")
    parser.add_argument("--poll", type=float, default=1.0, help="seconds between background deliveries")
    parser.add_argument(
        "--replay-blobs", action="store_true", help="deliver blobs that exist at startup too (default: skip them)"
    )
    parser.add_argument("--quiet", action="store_true", help="no request log")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, format="[%(asctime)s] %(message)s")
    # The storage SDK and httpx (Graph) log every request at INFO: too much noise for a console.
    for noisy in ("azure", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    print(BANNER, flush=True)
    if args.settings.exists():
        applied = load_local_settings(args.settings)
        print(f"settings: {len(applied)} value(s) from {args.settings} (the environment wins)", flush=True)
    connection = os.environ.get("AzureWebJobsStorage")
    if not connection:
        print(
            "AzureWebJobsStorage is not set: export it (e.g. UseDevelopmentStorage=true with Azurite on "
            "10000-10002) or create local.settings.json from local.settings.sample.json.",
            file=sys.stderr,
        )
        return 2

    import function_app  # after the settings: the index reads some of them (BLOB_TRIGGER_SOURCE)
    from devtools.host import LocalHost

    host = LocalHost(function_app.app, connection)
    if not args.replay_blobs:
        skipped = host.skip_existing_blobs()
        print(f"blobs: {skipped} existing blob(s) treated as delivered (--replay-blobs to deliver them)")
    try:
        runner = Runner(host, args.port, bind=args.bind, poll_interval=args.poll).start()
    except OSError as exc:
        print(f"cannot listen on {args.bind}:{args.port}: {exc}", file=sys.stderr)
        return 2
    print("functions:\n" + "\n".join(describe(runner)), flush=True)
    print(f"serving on {runner.url} (Ctrl-C to stop)", flush=True)

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stop.wait(0.5):
        pass
    print("stopping", flush=True)
    runner.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
