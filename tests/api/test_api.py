"""The portal API: every route and role in each auth mode, isolation, shapes, paging, bad input, OpenAPI."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from devtools.azurite import Azurite
from devtools.graphsim import generate_tenant
from devtools.graphsim.generator import WINDOWS_INTUNE_MIX
from shared.core.contracts import CONTRACTS
from tests.authkit import Issuer, easyauth_headers, jwks_issuer
from tests.pipeline import JSON, cycle, make_host, new_tenant_id, open_stores, register, runs

READ, TRIAGE, ADMIN = "Drift.Read", "Drift.Triage", "Drift.Admin"
GROUP_A, GROUP_B = str(uuid.uuid4()), str(uuid.uuid4())


def _body(response: Any) -> Any:
    return json.loads(response.get_body())


@pytest.fixture
def world(app_env: dict[str, str], azurite: Azurite, graph_sim: Any) -> dict[str, Any]:
    """Two tenants with drift, seeded in local mode: A (group A) and B (group B)."""
    host = make_host(azurite.connection_string)
    tenants = {}
    for label, group, seed in (("A", GROUP_A, 21), ("B", GROUP_B, 22)):
        tid = new_tenant_id()
        graph_sim.add_tenant(tid, generate_tenant(seed=seed, size=60, mix=WINDOWS_INTUNE_MIX))
        register(host, tid, f"Tenant {label}", accessGroups=[group])
        tenants[label] = tid
    cycle(host)
    for tid in tenants.values():
        sim = graph_sim.tenant(tid)
        for obj in sim.objects("deviceConfiguration")[:3]:
            sim.rename("deviceConfiguration", obj["id"], obj["displayName"] + " (edited)")
        sim.delete("settingsCatalogPolicy", sim.objects("settingsCatalogPolicy")[0]["id"])
    cycle(host)
    findings = {
        label: _body(host.http("GET", f"/api/tenants/{tid}/drift/findings"))["findings"]
        for label, tid in tenants.items()
    }
    assert all(len(f) == 4 for f in findings.values())
    first_runs = {label: runs(host, tid)[-1]["runId"] for label, tid in tenants.items()}
    return {"host": host, "tenants": tenants, "findings": findings, "firstRuns": first_runs}


def _routes(world: dict[str, Any]) -> list[tuple[str, str, Any, str]]:
    tid = world["tenants"]["A"]
    fid = world["findings"]["A"][0]["id"]
    first_run = world["firstRuns"]["A"]
    return [
        ("GET", "/api/tenants", None, READ),
        ("GET", "/api/policy-types", None, READ),
        ("GET", f"/api/tenants/{tid}/runs", None, READ),
        ("GET", f"/api/tenants/{tid}/drift", None, READ),
        ("GET", f"/api/tenants/{tid}/drift/findings", None, READ),
        ("GET", f"/api/tenants/{tid}/drift/findings/{fid}", None, READ),
        ("POST", f"/api/tenants/{tid}/drift/findings/{fid}/acknowledge", {"note": "seen"}, TRIAGE),
        ("PUT", f"/api/tenants/{tid}/drift/baseline", {"runId": first_run}, ADMIN),
        ("DELETE", f"/api/tenants/{tid}/drift/baseline", None, ADMIN),
        ("POST", f"/api/tenants/{tid}/scans", None, ADMIN),
        ("PUT", f"/api/tenants/{tid}", {"displayName": "Tenant A", "enabled": True, "accessGroups": [GROUP_A]}, ADMIN),
    ]


RANK = {READ: 1, TRIAGE: 2, ADMIN: 3}


@pytest.mark.parametrize("role", [None, READ, TRIAGE, ADMIN])
def test_every_route_answers_each_role_as_documented_with_jwt(
    world: dict[str, Any], jwt_mode: Issuer, role: str | None
) -> None:
    host = world["host"]
    for method, path, body, needed in _routes(world):
        content = JSON if method != "GET" else {}
        headers = {**jwt_mode.headers([role] if role else [], [GROUP_A]), **content}
        response = host.http(method, path, body, headers=headers)
        allowed = role is not None and RANK[role] >= RANK[needed]
        if allowed:
            assert response.status_code in (200, 201, 202), (role, method, path, response.get_body())
        else:
            assert response.status_code == 403, (role, method, path, response.get_body())
            assert _body(response)["error"]["code"] == "forbidden"
        assert host.http(method, path, body, headers=content).status_code == 401  # no token at all


@pytest.mark.parametrize(
    "token_change",
    [
        {"aud": "api://someone-else"},
        {"iss": "https://login.microsoftonline.com/other/v2.0"},
        {"exp": 1_000_000, "nbf": 999_000},
        {"nbf": 9_999_999_999},
    ],
    ids=["wrong audience", "wrong issuer", "expired", "not yet valid"],
)
def test_invalid_tokens_are_401(world: dict[str, Any], jwt_mode: Issuer, token_change: dict[str, Any]) -> None:
    token = jwt_mode.token([ADMIN], **token_change)
    response = world["host"].http("GET", "/api/tenants", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and _body(response)["error"]["code"] == "unauthenticated"


def test_a_token_signed_by_another_key_is_401(world: dict[str, Any], jwt_mode: Issuer) -> None:
    with jwks_issuer() as stranger:
        stranger.kid = jwt_mode.kid  # same kid, other key: the signature must fail
        response = world["host"].http("GET", "/api/tenants", headers=stranger.headers([ADMIN]))
    assert response.status_code == 401


def test_easy_auth_is_trusted_only_when_the_platform_says_it_is_on(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    host = world["host"]
    monkeypatch.setenv("AUTH_MODE", "easyauth")
    monkeypatch.delenv("WEBSITE_AUTH_ENABLED", raising=False)
    assert host.http("GET", "/api/tenants", headers=easyauth_headers([ADMIN])).status_code == 401
    monkeypatch.setenv("WEBSITE_AUTH_ENABLED", "True")
    response = host.http("GET", "/api/tenants", headers=easyauth_headers([READ], [GROUP_B]))
    assert response.status_code == 200
    assert [t["displayName"] for t in _body(response)["tenants"]] == ["Tenant B"]
    assert host.http("GET", "/api/tenants", headers={"X-MS-CLIENT-PRINCIPAL": "not base64!"}).status_code == 401
    assert host.http("GET", "/api/tenants").status_code == 401


def test_a_caller_of_tenant_a_never_sees_counts_or_triages_tenant_b(world: dict[str, Any], jwt_mode: Issuer) -> None:
    host = world["host"]
    a, b = world["tenants"]["A"], world["tenants"]["B"]
    reader = jwt_mode.headers([READ, TRIAGE], [GROUP_A.upper()])
    portfolio = _body(host.http("GET", "/api/tenants", headers=reader))["tenants"]
    assert [t["tenantId"] for t in portfolio] == [a]
    assert portfolio[0]["counts"]["new"] == 4
    nobody = new_tenant_id()
    b_finding = world["findings"]["B"][0]["id"]
    for path in (
        "/api/tenants/{t}/drift",
        "/api/tenants/{t}/runs",
        "/api/tenants/{t}/drift/findings",
        f"/api/tenants/{{t}}/drift/findings/{b_finding}",
    ):
        hidden = host.http("GET", path.format(t=b), headers=reader)
        missing = host.http("GET", path.format(t=nobody), headers=reader)
        assert hidden.status_code == missing.status_code == 404
        assert hidden.get_body() == missing.get_body()
    # A guessed finding id of B under A's route is not found either, and cannot be acknowledged.
    assert host.http("GET", f"/api/tenants/{a}/drift/findings/{b_finding}", headers=reader).status_code == 404
    ack = host.http("POST", f"/api/tenants/{b}/drift/findings/{b_finding}/acknowledge", {"note": "x"}, headers=reader)
    assert ack.status_code == 404
    admin = jwt_mode.headers([ADMIN])
    assert _body(host.http("GET", f"/api/tenants/{b}/drift", headers=admin))["counts"]["acknowledged"] == 0
    assert len(_body(host.http("GET", "/api/tenants", headers=admin))["tenants"]) == 2


def test_summary_findings_detail_and_acknowledge_shapes(world: dict[str, Any]) -> None:
    host = world["host"]
    tid = world["tenants"]["A"]
    summary = _body(host.http("GET", f"/api/tenants/{tid}/drift"))
    assert summary["state"] == "ready" and summary["reason"] is None
    assert summary["baseline"]["mode"] == "rolling" and summary["current"]["status"] == "completed"
    assert summary["counts"]["new"] == 4 and summary["counts"]["byChangeType"]["removed"] == 1
    assert summary["counts"]["byPolicyType"] == {"deviceConfiguration": 3, "settingsCatalogPolicy": 1}
    assert "settingsCatalogPolicy" in summary["coverage"]["complete"] and summary["coverage"]["failed"] == []
    listed = world["findings"]["A"]
    expected_fields = {
        "id", "policyType", "subjectId", "displayName", "changeType", "categories", "changeSummary", "severity",
        "status", "baselineRunId", "currentRunId", "firstSeenRunId", "lastSeenRunId", "firstSeenAt", "lastSeenAt",
        "changedBy", "changedAt", "changedFromIp", "changedWithApp", "attributionState",
    }  # fmt: skip
    assert all(set(f) == expected_fields for f in listed)
    # The simulator logged each change (removals too) as made by its default admin, from the portal.
    assert all(f["attributionState"] == "attributed" for f in listed)
    assert all(str(f["changedBy"]).startswith("admin@") and f["changedFromIp"] for f in listed)
    assert all((f["changeSummary"] is None) == (f["changeType"] != "modified") for f in listed)
    modified = next(f for f in listed if f["changeType"] == "modified")
    detail = host.http("GET", f"/api/tenants/{tid}/drift/findings/{modified['id']}")
    etag = detail.headers["ETag"]
    body = _body(detail)
    assert body["changes"] == [
        {
            "path": "displayName",
            "category": "metadata",
            "before": body["changes"][0]["before"],
            "after": body["displayName"],
            "label": "Name",
            "beforeLabel": None,
            "afterLabel": None,
            "unresolved": [],
        }
    ]
    assert modified["changeSummary"].startswith("Name")
    assert [h["action"] for h in body["history"]] == ["detected"]

    stale = host.http(
        "POST",
        f"/api/tenants/{tid}/drift/findings/{modified['id']}/acknowledge",
        {"note": "x"},
        headers={"If-Match": 'W/"stale"'},
    )
    assert stale.status_code == 412 and _body(stale)["error"]["code"] == "precondition_failed"
    ack = host.http(
        "POST",
        f"/api/tenants/{tid}/drift/findings/{modified['id']}/acknowledge",
        {"note": "Planned rename"},
        headers={"If-Match": etag},
    )
    assert ack.status_code == 200
    acked = _body(ack)
    assert acked["status"] == "acknowledged" and ack.headers["ETag"] != etag
    assert acked["history"][-1]["action"] == "acknowledged" and acked["history"][-1]["note"] == "Planned rename"
    assert acked["history"][-1]["by"] == "local-admin"
    again = host.http("POST", f"/api/tenants/{tid}/drift/findings/{modified['id']}/acknowledge", headers=JSON)
    assert again.status_code == 200 and len(_body(again)["history"]) == 2
    default = _body(host.http("GET", f"/api/tenants/{tid}/drift/findings"))["findings"]
    assert modified["id"] not in {f["id"] for f in default} and len(default) == 3
    everything = _body(host.http("GET", f"/api/tenants/{tid}/drift/findings", params={"status": "all"}))["findings"]
    assert modified["id"] in {f["id"] for f in everything}
    counts = _body(host.http("GET", f"/api/tenants/{tid}/drift"))["counts"]
    assert (counts["new"], counts["acknowledged"]) == (3, 1)


def test_paging_filters_and_continuation_tokens(world: dict[str, Any]) -> None:
    host = world["host"]
    tid = world["tenants"]["A"]
    seen: list[str] = []
    token = None
    pages = 0
    while True:
        params = {"pageSize": "1", **({"continuationToken": token} if token else {})}
        page = _body(host.http("GET", f"/api/tenants/{tid}/drift/findings", params=params))
        seen += [f["id"] for f in page["findings"]]
        pages += 1
        token = page["continuationToken"]
        if not token:
            break
    assert sorted(seen) == sorted(f["id"] for f in world["findings"]["A"]) and pages >= 4
    first = _body(host.http("GET", f"/api/tenants/{tid}/drift/findings", params={"pageSize": "1"}))["continuationToken"]
    other_filter = host.http(
        "GET",
        f"/api/tenants/{tid}/drift/findings",
        params={"pageSize": "1", "changeType": "modified", "continuationToken": first},
    )
    assert _body(other_filter)["error"]["code"] == "invalid_continuation_token"
    other_tenant = host.http(
        "GET",
        f"/api/tenants/{world['tenants']['B']}/drift/findings",
        params={"pageSize": "1", "continuationToken": first},
    )
    assert _body(other_tenant)["error"]["code"] == "invalid_continuation_token"
    removed = _body(
        host.http("GET", f"/api/tenants/{tid}/drift/findings", params={"changeType": "removed", "severity": "high"})
    )
    assert [f["changeType"] for f in removed["findings"]] == ["removed"]
    only_type = _body(
        host.http("GET", f"/api/tenants/{tid}/drift/findings", params={"policyType": "deviceConfiguration"})
    )
    assert len(only_type["findings"]) == 3


def test_pinning_a_baseline_needs_a_completed_run_of_the_tenant(world: dict[str, Any]) -> None:
    host = world["host"]
    tid = world["tenants"]["A"]
    first = runs(host, tid)[-1]["runId"]
    pinned = host.http("PUT", f"/api/tenants/{tid}/drift/baseline", {"runId": first})
    assert pinned.status_code == 200 and _body(pinned) == {
        "mode": "pinned",
        "runId": first,
        "finishedAt": runs(host, tid)[-1]["finishedAt"],
    }
    unknown = host.http("PUT", f"/api/tenants/{tid}/drift/baseline", {"runId": "20200101T000000000Z-0000abcd"})
    assert unknown.status_code == 409 and _body(unknown)["error"]["code"] == "run_not_found"
    other = runs(host, world["tenants"]["B"])[0]["runId"]
    assert (
        _body(host.http("PUT", f"/api/tenants/{tid}/drift/baseline", {"runId": other}))["error"]["code"]
        == "run_not_found"
    )
    stores = open_stores()
    stores.runs.finish(tid, first, "partial", runs(host, tid)[-1]["finishedAt"] or "", {})
    partial = host.http("PUT", f"/api/tenants/{tid}/drift/baseline", {"runId": first})
    assert partial.status_code == 409 and _body(partial)["error"]["code"] == "run_not_completed"
    assert _body(host.http("DELETE", f"/api/tenants/{tid}/drift/baseline", headers=JSON)) == {"mode": "rolling"}


def test_cors_is_off_by_default_and_answers_configured_origins(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    host = world["host"]
    plain = host.http("GET", "/api/tenants", headers={"Origin": "https://portal.msp.example"})
    assert "Access-Control-Allow-Origin" not in plain.headers
    assert (
        host.http("OPTIONS", "/api/tenants/x/drift", headers={"Origin": "https://portal.msp.example"}).status_code
        == 403
    )
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "https://portal.msp.example")
    allowed = host.http("GET", "/api/tenants", headers={"Origin": "https://portal.msp.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://portal.msp.example"
    preflight = host.http(
        "OPTIONS", f"/api/tenants/{world['tenants']['A']}/drift", headers={"Origin": "https://portal.msp.example"}
    )
    assert preflight.status_code == 204 and "If-Match" in preflight.headers["Access-Control-Allow-Headers"]


def test_the_policy_type_catalogue_names_every_supported_type_for_people(world: dict[str, Any]) -> None:
    response = world["host"].http("GET", "/api/policy-types")
    assert response.status_code == 200
    catalogue = _body(response)["policyTypes"]
    assert [t["key"] for t in catalogue] == sorted(CONTRACTS)
    by_key = {t["key"]: t for t in catalogue}
    assert by_key["mobileApp"] == {
        "key": "mobileApp",
        "displayName": "App",
        "apiVersion": "beta",
        "permission": "DeviceManagementApps.Read.All",
    }
    assert by_key["deviceRegistrationPolicy"]["permission"] == "Policy.Read.DeviceConfiguration"
    assert all(t["displayName"] and t["displayName"] != t["key"] for t in catalogue)
