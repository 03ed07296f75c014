"""The drift page's files as the HTTP function serves them (no browser needed)."""

from __future__ import annotations

import re
from pathlib import Path

import azure.functions as func
import pytest

from devtools.host import LocalHost
from functions import ui


@pytest.fixture(scope="module")
def host() -> LocalHost:
    # An app of the page's blueprint alone: serving files touches no storage.
    app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
    app.register_functions(ui.bp)
    return LocalHost(app, "UseDevelopmentStorage=true")


@pytest.mark.parametrize(
    ("path", "content_type", "marker"),
    [
        ("/api/ui", "text/html", b'<script src="/api/ui/app.js" defer></script>'),
        ("/api/ui/index.html", "text/html", b"<main"),
        ("/api/ui/app.js", "text/javascript", b'"use strict";'),
        ("/api/ui/app.css", "text/css", b":root"),
    ],
)
def test_the_page_files_are_served_with_strict_headers(
    host: LocalHost, path: str, content_type: str, marker: bytes
) -> None:
    response = host.http("GET", path)
    assert response.status_code == 200
    assert response.mimetype == content_type and response.charset == "utf-8"
    assert marker in response.get_body()
    headers = response.headers
    assert headers["Cache-Control"] == "no-store"
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "name", ["index.htm", "app.js.map", "favicon.ico", "static", "ui.py", "..", "%2e%2e%2fui.py", "APP.JS"]
)
def test_any_other_name_is_not_found(host: LocalHost, name: str) -> None:
    response = host.http("GET", f"/api/ui/{name}")
    assert response.status_code == 404
    assert b"import" not in response.get_body()
    assert host.http("GET", "/api/ui/../functions/ui.py").status_code == 404
    assert host.http("POST", "/api/ui").status_code == 405


def test_files_are_read_at_request_time(host: LocalHost, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ui.FILES:
        (tmp_path / name).write_text(f"edited {name}")
    monkeypatch.setattr(ui, "STATIC_DIR", tmp_path)
    assert host.http("GET", "/api/ui/app.css").get_body() == b"edited app.css"


def test_the_page_loads_nothing_from_elsewhere_and_never_inserts_markup() -> None:
    texts = {name: (ui.STATIC_DIR / name).read_text(encoding="utf-8") for name in ui.FILES}
    for name, text in texts.items():
        assert "http://" not in text and "https://" not in text, f"{name} names another origin"
        assert not re.search(r"(src|href)\s*=\s*\"(?:https?:)?//", text), f"{name} loads from another origin"
        assert "@import" not in text and "url(" not in text, f"{name} pulls in another resource"
    script = texts["app.js"]
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script, f"app.js uses {sink}: data must reach the DOM as text"
    assert "<script>" not in texts["index.html"] and "style=" not in texts["index.html"]  # nothing inline (CSP)
