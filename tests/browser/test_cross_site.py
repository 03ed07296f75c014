"""A page on another origin tries to change state through the caller's browser (Chromium, over real
HTTP): a form post, a no-cors fetch and a JSON fetch. None lands; the drift page's own post does."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest

from devtools.azurite import Azurite
from shared.settings import SCAN_QUEUE
from tests.browser.conftest import drift_app

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from devtools.runner import Runner

ATTACK = """<!doctype html><html><body>
<form id="f" method="POST" enctype="text/plain" action="{scans}"><input name='{{"a":"' value='"}}'></form>
<script>
  window.results = {{}};
  const done = (name, value) => {{ window.results[name] = value; }};
  fetch("{scans}", {{method: "POST", mode: "no-cors", credentials: "include",
                     headers: {{"Content-Type": "text/plain"}}, body: "{{}}"}})
    .then(() => done("noCors", "sent"), (e) => done("noCors", "error"));
  fetch("{ack}", {{method: "POST", credentials: "include",
                  headers: {{"Content-Type": "application/json"}}, body: "{{}}"}})
    .then((r) => done("json", r.status), (e) => done("json", "blocked"));
  fetch("{delete}", {{method: "DELETE", credentials: "include"}})
    .then((r) => done("delete", r.status), (e) => done("delete", "blocked"));
</script></body></html>"""


@pytest.fixture
def served(app_env: dict[str, str], azurite: Azurite) -> Iterator[Runner]:
    from devtools.host import LocalHost
    from devtools.runner import Runner

    host = LocalHost(drift_app(), azurite.connection_string)
    host.skip_existing_blobs()
    with Runner(host, 0, background=False) as runner:
        yield runner


@pytest.fixture
def attacker() -> Iterator[dict[str, Any]]:
    """Another origin (127.0.0.1 on its own port) serving whatever page the test sets."""
    state: dict[str, Any] = {"page": b""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(state["page"])))
            self.end_headers()
            self.wfile.write(state["page"])

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/"
    yield state
    server.shutdown()
    server.server_close()


def test_a_page_on_another_origin_cannot_change_state(
    browser: Browser, served: Runner, attacker: dict[str, Any]
) -> None:
    from devtools.demo import Api

    api = Api(served.url)
    tid = str(uuid.uuid4())
    status, body = api.call("PUT", f"/tenants/{tid}", {"displayName": "Target", "enabled": True})
    assert status == 201, body
    queue = served.host.queue(SCAN_QUEUE)
    queued = queue.get_queue_properties().approximate_message_count
    base = f"{served.url}/api/tenants/{tid}"
    attacker["page"] = ATTACK.format(
        scans=f"{base}/scans", ack=f"{base}/drift/findings/{'0' * 32}/acknowledge", delete=f"{base}/drift/baseline"
    ).encode()

    page = browser.new_page()
    try:
        page.goto(attacker["url"])
        page.wait_for_function("() => Object.keys(window.results).length === 3", timeout=15_000)
        results = page.evaluate("() => window.results")
        # The JSON and DELETE requests needed a preflight, which the API refused: the browser never sent them.
        assert results["json"] == "blocked" and results["delete"] == "blocked"
        assert results["noCors"] == "sent"  # sent, and refused by the API (415): nothing to read, nothing done
        with page.expect_navigation():
            page.evaluate("() => document.getElementById('f').submit()")
        answer = json.loads(page.locator("body").inner_text())
        assert answer["error"]["code"] == "origin_not_allowed"
    finally:
        page.close()
    assert queue.get_queue_properties().approximate_message_count == queued  # no scan was queued
    assert api.get(f"/tenants/{tid}/runs")["runs"] == []

    # The same post from the app's own page is accepted: the browser sends the app's origin.
    own = browser.new_page()
    try:
        own.goto(f"{served.url}/api/ui")
        status = own.evaluate(
            """async (url) => (await fetch(url, {method: "POST", credentials: "same-origin",
                                                 headers: {"Content-Type": "application/json"}})).status""",
            f"{base}/scans",
        )
    finally:
        own.close()
    assert status == 202
    assert queue.get_queue_properties().approximate_message_count == queued + 1
