"""The subscriptions routes (DESIGN §13) through the registered HTTP functions and Azurite: admin only,
the secret answered once, the URL rules, bad input refused with nothing stored."""

from __future__ import annotations

import json
from typing import Any

import pytest

from devtools.azurite import Azurite
from shared.core.events import is_signing_secret
from shared.settings import EVENT_QUEUE
from tests.authkit import Issuer, easyauth_headers
from tests.pipeline import JSON, make_host, open_stores

READ, TRIAGE, ADMIN = "Drift.Read", "Drift.Triage", "Drift.Admin"
URL = "http://127.0.0.1:9/hook"  # loopback: accepted because storage is the emulator; never called here
REAL_STORAGE = "DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=eA==;EndpointSuffix=core.windows.net"


@pytest.fixture
def host(app_env: dict[str, str], azurite: Azurite) -> Any:
    h = make_host(azurite.connection_string)
    h.queue(EVENT_QUEUE).clear_messages()
    return h


def _json(response: Any) -> Any:
    return json.loads(response.get_body())


def stored_subscriptions() -> list[str]:
    return [s.subscription_id for s in open_stores().subscriptions.list()]


def test_create_read_list_replace_and_delete(host: Any) -> None:
    body = {
        "url": URL,
        "format": "teams",
        "filter": {"tenantIds": ["6F1C2A8E-1B2C-4D5E-8F90-123456789ABC"], "minSeverity": "medium"},
        "enabled": True,
    }
    created = host.http("PUT", "/api/subscriptions/ops-channel", body)
    assert created.status_code == 201
    subscription = _json(created)
    secret = subscription.pop("signingSecret")
    assert is_signing_secret(secret)
    assert subscription["subscriptionId"] == "ops-channel" and subscription["format"] == "teams"
    assert subscription["filter"] == {"tenantIds": ["6f1c2a8e-1b2c-4d5e-8f90-123456789abc"], "minSeverity": "medium"}

    for response in (host.http("GET", "/api/subscriptions/ops-channel"), host.http("GET", "/api/subscriptions")):
        assert response.status_code == 200
        assert secret not in response.get_body().decode() and "signingSecret" not in response.get_body().decode()
    assert _json(host.http("GET", "/api/subscriptions"))["subscriptions"] == [subscription]

    replaced = host.http("PUT", "/api/subscriptions/ops-channel", {"url": URL, "enabled": False})
    assert replaced.status_code == 200
    after = _json(replaced)
    assert "signingSecret" not in after and after["enabled"] is False and after["format"] == "cloudevents"
    assert after["filter"] == {} and after["createdAt"] == subscription["createdAt"]
    sealed = open_stores().subscriptions.with_secret("ops-channel")
    assert sealed is not None and sealed.signing_secret() == secret, "a replace keeps the secret"

    deleted = host.http("DELETE", "/api/subscriptions/ops-channel", headers=JSON)
    assert deleted.status_code == 204 and deleted.get_body() == b""
    assert host.http("GET", "/api/subscriptions/ops-channel").status_code == 404
    assert host.http("DELETE", "/api/subscriptions/ops-channel", headers=JSON).status_code == 404
    assert stored_subscriptions() == []


def test_two_subscriptions_get_different_secrets(host: Any) -> None:
    first = _json(host.http("PUT", "/api/subscriptions/a", {"url": URL}))["signingSecret"]
    second = _json(host.http("PUT", "/api/subscriptions/b", {"url": URL}))["signingSecret"]
    assert first != second


REFUSED_URLS = {
    "https://10.0.0.5/hook": "private",
    "https://172.31.255.1/hook": "private",
    "https://169.254.169.254/metadata/identity/oauth2/token": "metadata",
    "https://[fd00:ec2::254]/latest/meta-data/": "metadata",
    "https://168.63.129.16/machine?comp=goalstate": "metadata",
    "https://169.254.10.1/": "link-local",
    "https://[fe80::1]/": "link-local",
    "https://224.0.0.1/": "multicast",
    "http://20.50.60.70/hook": "https",
    "https://no-such-host.invalid/hook": "does not resolve",
    "https://user:secret@20.50.60.70/hook": "credentials",
    "ftp://20.50.60.70/hook": "https",
}


@pytest.mark.parametrize(("url", "problem"), REFUSED_URLS.items())
def test_refused_urls_are_a_400_invalid_url_and_nothing_is_stored(host: Any, url: str, problem: str) -> None:
    response = host.http("PUT", "/api/subscriptions/refused", {"url": url})
    assert response.status_code == 400, response.get_body()
    error = _json(response)["error"]
    assert error["code"] == "invalid_url" and problem in error["message"], error
    assert stored_subscriptions() == []


def test_loopback_is_refused_unless_storage_is_the_local_emulator(
    host: Any, jwt_mode: Issuer, monkeypatch: pytest.MonkeyPatch, azurite: Azurite
) -> None:
    admin = jwt_mode.headers([ADMIN])
    monkeypatch.setenv("AzureWebJobsStorage", REAL_STORAGE)
    for url in ("http://127.0.0.1:8080/hook", "https://127.0.0.1:8443/hook", "https://localhost/hook", "http://[::1]/"):
        response = host.http("PUT", "/api/subscriptions/local", {"url": url}, headers=admin)
        assert response.status_code == 400, (url, response.get_body())
        assert _json(response)["error"]["code"] == "invalid_url"
    monkeypatch.setenv("AzureWebJobsStorage", azurite.connection_string)
    assert stored_subscriptions() == []
    assert host.http("PUT", "/api/subscriptions/local", {"url": URL}, headers=admin).status_code == 201


def test_non_admins_are_refused_on_every_route(host: Any, jwt_mode: Issuer) -> None:
    admin = jwt_mode.headers([ADMIN])
    assert host.http("PUT", "/api/subscriptions/kept", {"url": URL}, headers=admin).status_code == 201
    routes = [
        ("GET", "/api/subscriptions", None),
        ("PUT", "/api/subscriptions/kept", {"url": URL, "enabled": False}),
        ("PUT", "/api/subscriptions/new-one", {"url": URL}),
        ("GET", "/api/subscriptions/kept", None),
        ("POST", "/api/subscriptions/kept/test", None),
        ("GET", "/api/subscriptions/kept/deliveries", None),
        ("DELETE", "/api/subscriptions/kept", None),
    ]
    for role in (READ, TRIAGE):
        for method, path, body in routes:
            response = host.http(method, path, body, headers={**jwt_mode.headers([role]), **JSON})
            assert response.status_code == 403, (role, method, path)
            assert _json(response)["error"]["code"] == "forbidden"
    for method, path, body in routes:
        assert host.http(method, path, body, headers=JSON).status_code == 401
    assert stored_subscriptions() == ["kept"]
    assert open_stores().subscriptions.get("kept").enabled  # type: ignore[union-attr]
    assert host.queue(EVENT_QUEUE).peek_messages() == [], "no test event was queued"


def test_easy_auth_admins_manage_subscriptions_too(host: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_MODE", "easyauth")
    monkeypatch.setenv("WEBSITE_AUTH_ENABLED", "true")
    assert host.http("PUT", "/api/subscriptions/ea", {"url": URL}, headers=easyauth_headers([ADMIN])).status_code == 201
    assert host.http("GET", "/api/subscriptions", headers=easyauth_headers([READ])).status_code == 403


def test_deliveries_of_an_unknown_subscription_and_bad_top(host: Any) -> None:
    assert host.http("GET", "/api/subscriptions/nobody/deliveries").status_code == 404
    host.http("PUT", "/api/subscriptions/known", {"url": URL})
    assert _json(host.http("GET", "/api/subscriptions/known/deliveries", params={"top": "5"}))["deliveries"] == []
    for top in ("0", "201", "x", "²"):
        response = host.http("GET", "/api/subscriptions/known/deliveries", params={"top": top})
        assert response.status_code == 400 and _json(response)["error"]["code"] == "invalid_top", top
    assert host.http("POST", "/api/subscriptions/nobody/test", headers=JSON).status_code == 404
