"""The tenant registry, scan-now and runs routes, through the registered HTTP functions and Azurite."""

from __future__ import annotations

import json
from typing import Any

import pytest

from devtools.azurite import Azurite
from shared.core.contracts import CONTRACTS
from shared.settings import SCAN_QUEUE
from tests.pipeline import JSON, make_host, new_tenant_id, register, runs


@pytest.fixture
def host(app_env: dict[str, str], azurite: Azurite) -> Any:
    h = make_host(azurite.connection_string)
    h.queue(SCAN_QUEUE).clear_messages()
    return h


def _json(response: Any) -> Any:
    return json.loads(response.get_body())


def test_register_then_update_a_tenant(host: Any) -> None:
    tid = new_tenant_id()
    group = new_tenant_id()
    created = host.http(
        "PUT", f"/api/tenants/{tid}", {"displayName": "Contoso", "enabled": True, "accessGroups": [group.upper()]}
    )
    assert created.status_code == 201
    body = _json(created)
    assert body["tenantId"] == tid and body["displayName"] == "Contoso" and body["enabled"] is True
    # The default selection is every supported type.
    assert body["policyTypes"] == sorted(CONTRACTS) and body["accessGroups"] == [group]
    updated = host.http(
        "PUT",
        f"/api/tenants/{tid}",
        {"displayName": "Contoso Ltd", "enabled": False, "policyTypes": ["namedLocation", "conditionalAccessPolicy"]},
    )
    assert updated.status_code == 200
    again = _json(updated)
    assert again["policyTypes"] == ["conditionalAccessPolicy", "namedLocation"]
    assert again["createdAt"] == body["createdAt"] and again["scopeKey"] != body["scopeKey"]


@pytest.mark.parametrize(
    ("path", "body", "headers", "status", "code"),
    [
        ("/api/tenants/not-a-guid", {"displayName": "x", "enabled": True}, None, 400, "invalid_tenant_id"),
        ("/api/tenants/{tid}", {"displayName": "", "enabled": True}, None, 400, "bad_request"),
        ("/api/tenants/{tid}", {"displayName": "x"}, None, 400, "missing_field"),
        ("/api/tenants/{tid}", {"displayName": "x", "enabled": "yes"}, None, 400, "bad_request"),
        (
            "/api/tenants/{tid}",
            {"displayName": "x", "enabled": True, "policyTypes": ["nope"]},
            None,
            400,
            "unknown_policy_type",
        ),
        ("/api/tenants/{tid}", {"displayName": "x", "enabled": True, "policyTypes": []}, None, 400, "empty_selection"),
        ("/api/tenants/{tid}", {"displayName": "x", "enabled": True, "accessGroups": ["g1"]}, None, 400, "bad_request"),
        ("/api/tenants/{tid}", {"displayName": "x", "enabled": True, "owner": "me"}, None, 400, "unknown_field"),
        ("/api/tenants/{tid}", "{not json", {"content-type": "application/json"}, 400, "invalid_json"),
        ("/api/tenants/{tid}", "[]", {"content-type": "application/json"}, 400, "bad_request"),
        ("/api/tenants/{tid}", "displayName=x", {"content-type": "text/plain"}, 415, "unsupported_media_type"),
        ("/api/tenants/{tid}", "x" * 70_000, {"content-type": "application/json"}, 413, "payload_too_large"),
        ("/api/tenants/{tid}", {"displayName": "x" * 300, "enabled": True}, None, 400, "bad_request"),
    ],
)
def test_bad_registrations_are_refused_and_store_nothing(
    host: Any, path: str, body: Any, headers: dict[str, str] | None, status: int, code: str
) -> None:
    tid = new_tenant_id()
    response = host.http("PUT", path.format(tid=tid), body, headers=headers)
    assert response.status_code == status, response.get_body()
    assert _json(response)["error"]["code"] == code
    assert host.http("GET", f"/api/tenants/{tid}/runs").status_code == 404


def test_scan_now_answers_202_with_the_run_id_that_the_runs_list_then_shows(host: Any, graph_sim: Any) -> None:
    from devtools.graphsim import generate_tenant

    tid = new_tenant_id()
    graph_sim.add_tenant(tid, generate_tenant(seed=3, size=25))
    register(host, tid, policyTypes=["conditionalAccessPolicy", "namedLocation"])
    first = host.http("POST", f"/api/tenants/{tid}/scans", headers=JSON)
    assert first.status_code == 202
    run_id = _json(first)["runId"]
    host.drain_queue(SCAN_QUEUE)
    second = _json(host.http("POST", f"/api/tenants/{tid}/scans", headers=JSON))["runId"]
    host.drain_queue(SCAN_QUEUE)
    listed = runs(host, tid)
    assert [r["runId"] for r in listed] == [second, run_id]  # newest first
    for r in listed:
        assert r["status"] == "completed"
        assert r["startedAt"] <= r["finishedAt"]
        assert set(r["types"]) == {"conditionalAccessPolicy", "namedLocation"}
        assert r["counts"]["typesFailed"] == 0 and r["counts"]["items"] > 0 and r["errorCodes"] == []
    assert [r["runId"] for r in _json(host.http("GET", f"/api/tenants/{tid}/runs", params={"top": "1"}))["runs"]] == [
        second
    ]


def test_scan_now_and_runs_for_unknown_or_invalid_tenants(host: Any) -> None:
    assert host.http("POST", f"/api/tenants/{new_tenant_id()}/scans", headers=JSON).status_code == 404
    assert host.http("GET", f"/api/tenants/{new_tenant_id()}/runs").status_code == 404
    assert _json(host.http("POST", "/api/tenants/abc/scans", headers=JSON))["error"]["code"] == "invalid_tenant_id"
    tid = new_tenant_id()
    register(host, tid)
    assert _json(host.http("GET", f"/api/tenants/{tid}/runs", params={"top": "0"}))["error"]["code"] == "invalid_top"
    assert (
        _json(host.http("GET", f"/api/tenants/{tid}/runs", params={"top": "1 or 1=1"}))["error"]["code"]
        == "invalid_top"
    )
    host.http("PUT", f"/api/tenants/{tid}", {"displayName": "Off", "enabled": False})
    assert _json(host.http("POST", f"/api/tenants/{tid}/scans", headers=JSON))["error"]["code"] == "tenant_disabled"
    assert host.queue(SCAN_QUEUE).get_queue_properties().approximate_message_count == 0


def test_local_mode_is_refused_against_real_storage(host: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "AzureWebJobsStorage",
        "DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=eA==;EndpointSuffix=core.windows.net",
    )
    response = host.http("GET", f"/api/tenants/{new_tenant_id()}/runs")
    assert response.status_code == 500
    assert _json(response)["error"]["code"] == "configuration_error"


def test_registration_without_an_identity_is_refused_and_stores_nothing(
    host: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTH_MODE", "easyauth")
    monkeypatch.delenv("WEBSITE_AUTH_ENABLED", raising=False)
    tid = new_tenant_id()
    response = host.http("PUT", f"/api/tenants/{tid}", {"displayName": "x", "enabled": True})
    assert response.status_code == 401 and _json(response)["error"]["code"] == "unauthenticated"
    monkeypatch.setenv("AUTH_MODE", "local")
    assert host.http("GET", f"/api/tenants/{tid}/runs").status_code == 404
