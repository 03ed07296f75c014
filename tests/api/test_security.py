"""What an attacker's probe of the API tried, through the registered functions (docs/security.md):
cross-site state changes, a fooled local-mode guard, a look-alike loopback JWKS URL, guessable
continuation keys, missing headers and preflights. Odd input and odd identities are rows of the
bad-input tables in test_api_input.py."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from devtools.azurite import Azurite
from devtools.host import LocalHost
from shared.settings import SCAN_QUEUE
from tests.authkit import AUDIENCE, ISSUER, jwks_issuer
from tests.pipeline import JSON, every_stored_byte, make_host, runs, tenant_with_drift

ROOT = Path(__file__).resolve().parents[2]
EVIL = "https://evil.example"
PORTAL = "https://portal.msp.example"
OWN = "http://localhost:7071"  # what LocalHost's URL names when no Host header is given
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
SECURITY = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def _body(response: Any) -> Any:
    return json.loads(response.get_body())


def _code(response: Any) -> str:
    return str(_body(response)["error"]["code"])


def _template(host: LocalHost, name: str) -> str:
    return str(host.functions[name].get_trigger().get_dict_repr()["route"])


def _path(template: str, tenant: str, finding: str) -> str:
    """A concrete path for a route template, naming a real tenant and finding."""
    filled = (
        template.replace("{tenantId}", tenant)
        .replace("{findingId}", finding)
        .replace("{templateId}", "golden")
        .replace("{subscriptionId}", "probe-hook")
    )
    return "/api/" + filled.replace("{file}", "app.js").replace("{*path}", "tenants")


def _http_routes(host: LocalHost) -> list[tuple[str, str, str]]:
    """(function, route template, method) of every HTTP function but the preflight."""
    return sorted((r.name, _template(host, r.name), m) for r in host.routes for m in r.methods if m != "OPTIONS")


@pytest.fixture
def world(app_env: dict[str, str], azurite: Azurite, graph_sim: Any) -> dict[str, Any]:
    """One tenant with drift, seeded in local mode."""
    host = make_host(azurite.connection_string)
    tid = tenant_with_drift(host, graph_sim, "Probe tenant", seed=41, renamed=2)
    findings = _body(host.http("GET", f"/api/tenants/{tid}/drift/findings"))["findings"]
    assert len(findings) == 2
    return {"host": host, "tenant": tid, "finding": findings[0]["id"], "run": runs(host, tid)[-1]["runId"]}


def _bodies(world: dict[str, Any]) -> dict[str, Any]:
    """A valid body for each state-changing function (the others take none)."""
    return {
        "put_tenant": {"displayName": "Probe tenant", "enabled": True,
                       "policyTypes": ["deviceConfiguration", "namedLocation"]},
        "put_baseline": {"runId": world["run"]},
        "acknowledge": {"note": "seen"},
        "put_template": {"displayName": "Golden", "sourceTenantId": world["tenant"]},
        "put_assignment": {},
        # Loopback: allowed only because storage is the emulator.
        "put_subscription": {"url": "http://127.0.0.1:9/hook"},
    }  # fmt: skip


# --- cross-site state changes ----------------------------------------------------------------------


def test_every_state_changing_route_refuses_what_another_site_can_send_and_takes_json(world: dict[str, Any]) -> None:
    host, tid, finding = world["host"], world["tenant"], world["finding"]
    routes = [(name, template, method) for name, template, method in _http_routes(host) if method in STATE_CHANGING]

    # Creations before removals: templates and subscriptions exist before they are assigned or tested,
    # and an assignment goes before its template.
    def order(route: tuple[str, str, str]) -> tuple[bool, int, str]:
        name, _, method = route
        if method == "DELETE":
            return True, 0 if "assignment" in name else 1, name
        return False, 0 if name in ("put_template", "put_subscription") else 1 if "assignment" in name else 2, name

    routes.sort(key=order)
    assert {name for name, _, _ in routes} >= {
        "put_tenant",
        "post_scan",
        "acknowledge",
        "put_baseline",
        "delete_baseline",
    }
    bodies = _bodies(world)
    form = {"content-type": "application/x-www-form-urlencoded"}
    for name, template, method in routes:
        path = _path(template, tid, finding)
        body = bodies.get(name)
        text = json.dumps(body) if body is not None else ""
        stored = every_stored_byte(tid)
        queued = host.queue(SCAN_QUEUE).get_queue_properties().approximate_message_count
        # What a page on another site can make a browser send without asking first, and worse.
        attempts = [
            ({**form, "origin": EVIL}, "displayName=x&enabled=true", 403, "origin_not_allowed"),
            ({"content-type": "text/plain", "origin": EVIL}, text, 403, "origin_not_allowed"),
            ({**JSON, "origin": EVIL}, text, 403, "origin_not_allowed"),
            ({**JSON, "origin": "null"}, text, 403, "origin_not_allowed"),
            (form, "a=b", 415, "unsupported_media_type"),  # a browser that left Origin out
            ({"content-type": "text/plain"}, text, 415, "unsupported_media_type"),
            ({"content-type": "multipart/form-data; boundary=x"}, "", 415, "unsupported_media_type"),
            ({}, "", 415, "unsupported_media_type"),
        ]
        for headers, payload, status, code in attempts:
            response = host.http(method, path, payload, headers=headers)
            assert (response.status_code, _code(response)) == (status, code), (name, headers)
        assert every_stored_byte(tid) == stored, name
        assert host.queue(SCAN_QUEUE).get_queue_properties().approximate_message_count == queued, name
        # The drift page (same origin) and a script send JSON, with or without a body: accepted.
        accepted = host.http(method, path, text, headers={**JSON, "origin": OWN})
        assert accepted.status_code < 300, (name, accepted.get_body())


def test_an_allowed_portal_and_the_apps_own_origin_pass_and_anything_else_is_refused(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    host, tid, finding = world["host"], world["tenant"], world["finding"]
    ack = f"/api/tenants/{tid}/drift/findings/{finding}/acknowledge"
    assert _code(host.http("POST", ack, {}, headers={"origin": PORTAL})) == "origin_not_allowed"
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", f"{PORTAL}/, https://other.msp.example")
    allowed = host.http("POST", ack, {}, headers={"origin": PORTAL})
    assert allowed.status_code == 200 and allowed.headers["Access-Control-Allow-Origin"] == PORTAL
    # Reads from another site are refused too (the browser would hide them anyway).
    read = host.http("GET", f"/api/tenants/{tid}/drift", headers={"origin": EVIL})
    assert read.status_code == 403 and "Access-Control-Allow-Origin" not in read.headers
    assert host.http("GET", f"/api/tenants/{tid}/drift", headers={"origin": OWN}).status_code == 200

    # Behind a proxy (Front Door, App Gateway): the original host and scheme come forwarded.
    proxied = {**JSON, "host": "func-drift.azurewebsites.net", "x-forwarded-host": "drift.contoso.example",
               "x-forwarded-proto": "https"}  # fmt: skip
    assert host.http("POST", ack, {}, headers={**proxied, "origin": "https://drift.contoso.example"}).status_code == 200
    assert (
        host.http("POST", ack, {}, headers={**proxied, "origin": "https://func-drift.azurewebsites.net"}).status_code
        == 200
    )
    # Forwarded as https: the same host over plain http is another origin.
    assert _code(host.http("POST", ack, {}, headers={**proxied, "origin": "http://drift.contoso.example"})) == (
        "origin_not_allowed"
    )
    # App Service's default host name, whatever the Host header says.
    monkeypatch.setenv("WEBSITE_HOSTNAME", "func-drift.azurewebsites.net")
    elsewhere = {**JSON, "host": "drift.contoso.example", "origin": "https://func-drift.azurewebsites.net"}
    assert host.http("POST", ack, {}, headers=elsewhere).status_code == 200
    # Look-alikes of the app's own origin are other origins.
    for origin in (
        "https://func-drift.azurewebsites.net.evil.example",
        "https://evil-func-drift.azurewebsites.net",
        "http://localhost:7071@evil.example",
        "http://localhost",
        "ftp://localhost:7071",
        "http://localhost:7071/api",
    ):
        response = host.http("POST", ack, {}, headers={"origin": origin})
        assert _code(response) == "origin_not_allowed", origin


# --- headers and preflights ------------------------------------------------------------------------


class _NonsenseStorage:
    """A loopback 'table service' that answers every request with an error page no SDK expects."""

    def __enter__(self) -> str:
        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                body = b"<html>upstream exploded</html>"
                self.send_response(418)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/devstoreaccount1"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _has_security_headers(response: Any) -> bool:
    return all(response.headers.get(k) == v for k, v in SECURITY.items())


def test_every_answer_carries_nosniff_and_no_store(
    world: dict[str, Any], azurite: Azurite, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    host, tid, finding = world["host"], world["tenant"], world["finding"]
    bodies = _bodies(world)
    seen = []
    for name, template, method in _http_routes(host):
        path = _path(template, tid, finding)
        headers = JSON if method in STATE_CHANGING else {}
        for response in (
            host.http(method, path, bodies.get(name), headers=headers),  # success
            host.http(method, path, bodies.get(name), headers={**headers, "origin": EVIL}),  # refused
            host.http(method, path, bodies.get(name), headers=headers, params={"nope": "1"}),  # bad input
        ):
            assert _has_security_headers(response), (name, method, response.status_code)
            seen.append(response.status_code)
    assert {200, 403} <= set(seen) and any(400 <= s < 500 and s != 403 for s in seen)
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", PORTAL)
    preflights = [
        host.http("OPTIONS", "/api/tenants", headers={"origin": PORTAL, "access-control-request-method": "GET"}),
        host.http("OPTIONS", "/api/tenants", headers={"origin": EVIL, "access-control-request-method": "GET"}),
    ]
    assert [p.status_code for p in preflights] == [204, 403]
    unknown = host.http("GET", "/api/no/such/route")
    assert unknown.status_code == 404
    # An answer from storage no SDK expects: the bare 500, still with the headers, the cause in the log.
    with _NonsenseStorage() as table_endpoint:
        broken = azurite.connection_string.replace(
            azurite.connection_string.split("TableEndpoint=")[1].split(";")[0], table_endpoint
        )
        monkeypatch.setenv("AzureWebJobsStorage", broken)
        failed = host.http("GET", "/api/tenants")
    assert failed.status_code == 500 and _body(failed) == {
        "error": {"code": "internal_error", "message": "Internal error"}
    }
    assert "upstream exploded" not in failed.get_body().decode()
    assert any(r.exc_info for r in caplog.records), "the 500's cause is logged"
    for response in [*preflights, unknown, failed]:
        assert _has_security_headers(response), response.status_code


def test_a_preflight_works_on_every_route(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    host, tid, finding = world["host"], world["tenant"], world["finding"]
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", PORTAL)
    paths = {(_path(template, tid, finding), method) for _, template, method in _http_routes(host)}
    assert ("/api/tenants", "GET") in paths and len(paths) >= 13
    for path, method in sorted(paths):
        headers = {"origin": PORTAL, "access-control-request-method": method,
                   "access-control-request-headers": "authorization, content-type, if-match"}  # fmt: skip
        response = host.http("OPTIONS", path, headers=headers)
        assert response.status_code == 204, (path, method)
        assert response.headers["Access-Control-Allow-Origin"] == PORTAL
        assert method in response.headers["Access-Control-Allow-Methods"]
        assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]
        refused = host.http("OPTIONS", path, headers={**headers, "origin": EVIL})
        assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused.headers


# --- the local-mode guard and the JWKS URL: refused before anything leaves --------------------------


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every name lookup, connection and send the process attempts, refused and recorded."""
    attempts: list[str] = []

    def lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(f"lookup {host}")
        raise socket.gaierror(socket.EAI_NONAME, "name lookups are recorded and refused by the test")

    def connect(self: socket.socket, address: Any) -> None:
        attempts.append(f"connect {address}")
        raise ConnectionRefusedError("connections are recorded and refused by the test")

    def send(self: socket.socket, data: Any, *args: Any) -> int:
        # Pooled connections opened before the test would otherwise carry requests unseen.
        attempts.append(f"send to {self.getpeername()}")
        raise ConnectionResetError("sends are recorded and refused by the test")

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "sendall", send)
    monkeypatch.setattr(socket.socket, "send", send)
    yield attempts


KEY = "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
LOOP = "http://127.0.0.1:{}/devstoreaccount1"


@pytest.mark.parametrize(
    "storage",
    [
        f"UseDevelopmentStorage=true;AccountName=contosoprod;{KEY};EndpointSuffix=core.windows.net",
        f"UseDevelopmentStorage=true;TableEndpoint=https://contosoprod.table.core.windows.net;{KEY}",
        f"AccountName=devstoreaccount1;{KEY};BlobEndpoint={LOOP.format(10000)};QueueEndpoint={LOOP.format(10001)};"
        "TableEndpoint=https://contosoprod.table.core.windows.net/",
        f"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;{KEY};BlobEndpoint={LOOP.format(10000)}",
        f"AccountName=devstoreaccount1;{KEY};BlobEndpoint={LOOP.format(10000)};QueueEndpoint={LOOP.format(10001)};"
        "TableEndpoint=http://127.0.0.1.example.invalid:10002/devstoreaccount1",
    ],
    ids=[
        "emulator-flag-then-a-real-account",
        "emulator-flag-then-a-real-table-endpoint",
        "emulator-account-with-one-endpoint-in-the-cloud",
        "emulator-account-with-endpoints-left-to-the-cloud",
        "emulator-account-on-a-look-alike-of-loopback",
    ],
)
def test_local_mode_is_refused_against_fooled_storage_before_anything_leaves(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, network: list[str], storage: str
) -> None:
    host, tid = world["host"], world["tenant"]
    monkeypatch.setenv("AzureWebJobsStorage", storage)
    for method, path, body in (
        ("GET", "/api/tenants", None),
        ("PUT", f"/api/tenants/{tid}", {"displayName": "Taken over", "enabled": True}),
        ("POST", f"/api/tenants/{tid}/scans", {}),
    ):
        response = host.http(method, path, body, headers=JSON if body is not None else None)
        assert response.status_code == 500 and _code(response) == "configuration_error", response.get_body()
        assert "storage" not in _body(response)["error"]["message"].lower()  # the detail stays in the log
    assert network == []


def test_the_network_spy_sees_storage_and_jwks_traffic(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, network: list[str]
) -> None:
    """The two refusals above and below are not vacuous: a call that does go out is recorded."""
    host = world["host"]
    assert host.http("GET", "/api/tenants").status_code == 500  # local mode against Azurite: storage contacted
    assert network, "storage traffic went unseen"
    network.clear()
    monkeypatch.setenv("AUTH_MODE", "jwt")
    monkeypatch.setenv("AUTH_JWT_JWKS_URL", "https://jwks.example.invalid/keys")
    monkeypatch.setenv("AUTH_JWT_ISSUER", ISSUER)
    monkeypatch.setenv("AUTH_JWT_AUDIENCE", AUDIENCE)
    with jwks_issuer() as issuer:
        token = issuer.token(["Drift.Read"])
    assert host.http("GET", "/api/tenants", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert any("jwks.example.invalid" in a for a in network)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1.example.invalid/keys",
        "http://127.0.0.1.nip.io/keys",
        "http://localhost.example.invalid/keys",
        "http://127.0.0.1@jwks.example.invalid/keys",
        "http://[::ffff:7f00:1].example.invalid/keys",
        "http://128.0.0.1/keys",
    ],
)
def test_a_plain_http_jwks_url_that_only_looks_like_loopback_is_refused_before_any_lookup(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, network: list[str], url: str
) -> None:
    monkeypatch.setenv("AUTH_MODE", "jwt")
    monkeypatch.setenv("AUTH_JWT_JWKS_URL", url)
    monkeypatch.setenv("AUTH_JWT_ISSUER", ISSUER)
    monkeypatch.setenv("AUTH_JWT_AUDIENCE", AUDIENCE)
    with jwks_issuer() as issuer:
        token = issuer.token(["Drift.Admin"])
    response = world["host"].http("GET", "/api/tenants", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 500 and _code(response) == "configuration_error"
    assert network == []


# --- identities and tokens -------------------------------------------------------------------------


def _pages(host: LocalHost, tid: str) -> tuple[list[str], str]:
    seen, token, first = [], None, ""
    while True:
        params = {"pageSize": "1", **({"continuationToken": token} if token else {})}
        page = _body(host.http("GET", f"/api/tenants/{tid}/drift/findings", params=params))
        seen += [f["id"] for f in page["findings"]]
        token = page["continuationToken"]
        first = first or token or ""
        if not token:
            return seen, first


def test_continuation_tokens_are_never_signed_with_a_key_in_the_source(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib
    import hmac

    host, tid = world["host"], world["tenant"]
    _, with_configured_key = _pages(host, tid)
    monkeypatch.delenv("SECRET_HASH_KEY")
    # Without the setting, paging still works within the process ...
    seen, with_process_key = _pages(host, tid)
    assert len(seen) == 2 and with_process_key != with_configured_key
    # ... a token of the configured key is foreign, and so is one signed with the old built-in key.
    payload = base64.urlsafe_b64decode(with_process_key.split(".")[0] + "==")
    forged = (
        with_process_key.split(".")[0]
        + "."
        + hmac.new(b"tenantatlas-local-continuation", payload, hashlib.sha256).hexdigest()[:32]
    )
    for token in (with_configured_key, forged):
        response = host.http(
            "GET", f"/api/tenants/{tid}/drift/findings", params={"pageSize": "1", "continuationToken": token}
        )
        assert _code(response) == "invalid_continuation_token"
    # Each process makes its own key: tokens end with the process that issued them.
    script = "from shared.api.paging import encode_continuation as e; print(e({'after': 'x'}, 'binding'))"
    env = {k: v for k, v in os.environ.items() if k != "SECRET_HASH_KEY"}
    made = {
        subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    }
    assert len(made) == 2 and all(t.count(".") == 1 for t in made)
