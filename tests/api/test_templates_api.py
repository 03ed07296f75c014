"""Template and alignment routes: roles, tenant isolation, bad input refused with §6's error shape and
nothing stored (tables and template blobs unchanged)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from devtools.azurite import Azurite
from devtools.graphsim import generate_tenant
from devtools.graphsim.generator import WINDOWS_INTUNE_MIX
from shared.settings import TEMPLATE_CONTAINER
from tests.api.test_api_input import _storage_state
from tests.authkit import Issuer
from tests.pipeline import JSON, cycle, make_host, new_tenant_id, open_stores, register, runs

READ, TRIAGE, ADMIN = "Drift.Read", "Drift.Triage", "Drift.Admin"
GROUP_A, GROUP_B = str(uuid.uuid4()), str(uuid.uuid4())
INJECT = "x' or PartitionKey ne '"


def _body(response: Any) -> Any:
    return json.loads(response.get_body())


@pytest.fixture
def world(app_env: dict[str, str], azurite: Azurite, graph_sim: Any) -> dict[str, Any]:
    """Tenants A (group A) and B (group B), scanned; template `golden` from A, assigned to A and B."""
    host = make_host(azurite.connection_string)
    tenants = {}
    for label, group, seed in (("A", GROUP_A, 71), ("B", GROUP_B, 72)):
        tid = new_tenant_id()
        graph_sim.add_tenant(tid, generate_tenant(seed=seed, size=30, mix=WINDOWS_INTUNE_MIX))
        register(host, tid, f"Tenant {label}", accessGroups=[group])
        tenants[label] = tid
    cycle(host)
    source = {"displayName": "Golden", "sourceTenantId": tenants["A"]}
    assert host.http("PUT", "/api/templates/golden", source).status_code == 201
    for tid in tenants.values():
        assert host.http("PUT", f"/api/tenants/{tid}/templates/golden", headers=JSON).status_code == 201
    return {"host": host, "tenants": tenants, "run": runs(host, tenants["A"])[0]["runId"], "source": source}


def _stored() -> str:
    """Every entity of this test's tables (as the bad-input table checks them) and every template blob."""
    container = open_stores().clients.blob.get_container_client(TEMPLATE_CONTAINER)
    blobs = sorted((b.name, container.download_blob(b.name).readall().hex()) for b in container.list_blobs())
    return _storage_state() + json.dumps(blobs)


def test_roles_as_documented(world: dict[str, Any], jwt_mode: Issuer) -> None:
    host, a = world["host"], world["tenants"]["A"]
    admin_only = [
        ("GET", "/api/templates", None),
        ("GET", "/api/templates/golden", None),
        ("PUT", "/api/templates/golden", world["source"]),
        ("PUT", f"/api/tenants/{a}/templates/golden", {}),
        ("DELETE", f"/api/tenants/{a}/templates/golden", None),
        ("DELETE", "/api/templates/golden", None),
    ]
    for role in (READ, TRIAGE):
        headers = jwt_mode.headers([role], [GROUP_A])
        for method, path, body in admin_only:
            response = host.http(method, path, body, headers={**headers, **JSON})
            assert response.status_code == 403 and _body(response)["error"]["code"] == "forbidden", (role, path)
        assert host.http("GET", f"/api/tenants/{a}/alignment", headers=headers).status_code == 200
    for method, path, body in admin_only:
        assert host.http(method, path, body, headers=JSON).status_code == 401
    admin = jwt_mode.headers([ADMIN])
    expected = [200, 200, 200, 200, 204, 204]
    assert [host.http(m, p, b, headers={**admin, **JSON}).status_code for m, p, b in admin_only] == expected


def test_a_reader_sees_only_the_alignment_of_tenants_they_may_see(world: dict[str, Any], jwt_mode: Issuer) -> None:
    host = world["host"]
    a, b = world["tenants"]["A"], world["tenants"]["B"]
    reader = jwt_mode.headers([READ], [GROUP_A])
    mine = _body(host.http("GET", f"/api/tenants/{a}/alignment", headers=reader))
    assert mine["tenantId"] == a and [t["templateId"] for t in mine["templates"]] == ["golden"]
    assert mine["templates"][0]["score"] == 100.0
    hidden = host.http("GET", f"/api/tenants/{b}/alignment", headers=reader)
    unknown = host.http("GET", f"/api/tenants/{new_tenant_id()}/alignment", headers=reader)
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.get_body() == unknown.get_body()
    portfolio = _body(host.http("GET", "/api/tenants", headers=reader))["tenants"]
    assert [(t["tenantId"], [s["templateId"] for s in t["alignment"]]) for t in portfolio] == [(a, ["golden"])]


T = "{tenant}"
CASES: list[tuple[str, str, str, Any, dict[str, str] | None, int, str]] = [
    # label, method, path, body, headers, status, code
    ("template id upper case", "PUT", "/api/templates/Golden", {"displayName": "x", "sourceTenantId": T}, None, 400,
     "invalid_template_id"),
    ("template id too long", "GET", "/api/templates/" + "a" * 65, None, None, 400, "invalid_template_id"),
    ("template id injection", "GET", f"/api/templates/{INJECT}", None, None, 400, "invalid_template_id"),
    ("template unknown", "GET", "/api/templates/nope", None, None, 404, "not_found"),
    ("template no body", "PUT", "/api/templates/new", None, None, 400, "missing_body"),
    ("template body not object", "PUT", "/api/templates/new", [1], None, 400, "bad_request"),
    ("template invalid json", "PUT", "/api/templates/new", "{x", {"content-type": "application/json"}, 400,
     "invalid_json"),
    ("template unknown field", "PUT", "/api/templates/new", {"displayName": "x", "sourceTenantId": T, "owner": "me"},
     None, 400, "unknown_field"),
    ("template no name", "PUT", "/api/templates/new", {"sourceTenantId": T}, None, 400, "bad_request"),
    ("template source not guid", "PUT", "/api/templates/new", {"displayName": "x", "sourceTenantId": INJECT}, None,
     400, "invalid_id"),
    ("template unknown source tenant", "PUT", "/api/templates/new",
     {"displayName": "x", "sourceTenantId": "00000000-0000-4000-8000-000000000000"}, None, 404, "not_found"),
    ("template bad run id", "PUT", "/api/templates/new", {"displayName": "x", "sourceTenantId": T, "runId": "r1"},
     None, 400, "invalid_run_id"),
    ("template unknown run", "PUT", "/api/templates/new",
     {"displayName": "x", "sourceTenantId": T, "runId": "20200101T000000000Z-00000000"}, None, 404, "not_found"),
    ("template objects not a list", "PUT", "/api/templates/new",
     {"displayName": "x", "sourceTenantId": T, "objects": "all"}, None, 400, "invalid_objects"),
    ("template object extra key", "PUT", "/api/templates/new",
     {"displayName": "x", "sourceTenantId": T, "objects": [{"policyType": "namedLocation", "id": "a", "x": 1}]},
     None, 400, "invalid_objects"),
    ("template object unknown type", "PUT", "/api/templates/new",
     {"displayName": "x", "sourceTenantId": T, "objects": [{"policyType": INJECT, "id": "a"}]}, None, 400,
     "unknown_policy_type"),
    ("template object not in run", "PUT", "/api/templates/new",
     {"displayName": "x", "sourceTenantId": T, "objects": [{"policyType": "settingsCatalogPolicy", "id": "nope"}]},
     None, 400, "unknown_object"),
    ("template variable names nothing", "PUT", "/api/templates/new",
     {"displayName": "x", "sourceTenantId": T, "variables": {"pilot": "grp-not-anywhere"}}, None, 400,
     "variable_names_nothing"),
    ("template variable bad name", "PUT", "/api/templates/new",
     {"displayName": "x", "sourceTenantId": T, "variables": {"1st": "x"}}, None, 400, "invalid_variables"),
    ("template variable not a string", "PUT", "/api/templates/new",
     {"displayName": "x", "sourceTenantId": T, "variables": {"a": 1}}, None, 400, "invalid_variables"),
    ("template compare not bool", "PUT", "/api/templates/new",
     {"displayName": "x", "sourceTenantId": T, "compareAssignments": "yes"}, None, 400, "bad_request"),
    ("replace with a variable naming nothing", "PUT", "/api/templates/golden",
     {"displayName": "x", "sourceTenantId": T, "variables": {"v": "nothing-here"}}, None, 400,
     "variable_names_nothing"),
    ("assign unknown tenant", "PUT", "/api/tenants/00000000-0000-4000-8000-000000000001/templates/golden", {}, None,
     404, "not_found"),
    ("assign tenant not guid", "PUT", "/api/tenants/not-a-guid/templates/golden", {}, None, 400, "invalid_tenant_id"),
    ("assign unknown template", "PUT", f"/api/tenants/{T}/templates/nope", {}, None, 404, "not_found"),
    ("assign bad template id", "PUT", f"/api/tenants/{T}/templates/{INJECT}", {}, None, 400, "invalid_template_id"),
    ("assign variable naming nothing", "PUT", f"/api/tenants/{T}/templates/golden", {"variables": {"nope": "x"}},
     None, 400, "unknown_variable"),
    ("assign extra field", "PUT", f"/api/tenants/{T}/templates/golden", {"variables": {}, "by": "me"}, None, 400,
     "unknown_field"),
    ("assign wrong content type", "PUT", f"/api/tenants/{T}/templates/golden", "variables=x",
     {"content-type": "text/plain"}, 415, "unsupported_media_type"),
    ("unassign unknown template", "DELETE", f"/api/tenants/{T}/templates/nope", None, None, 404, "not_found"),
    ("delete unknown template", "DELETE", "/api/templates/nope", None, None, 404, "not_found"),
    ("alignment tenant not guid", "GET", f"/api/tenants/{INJECT}/alignment", None, None, 400, "invalid_tenant_id"),
    ("alignment unknown parameter", "GET", f"/api/tenants/{T}/alignment?x=1", None, None, 400, "unknown_parameter"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("label", "method", "path", "body", "headers", "status", "code"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_input_gets_the_documented_error_and_stores_nothing(
    world: dict[str, Any], label: str, method: str, path: str, body: Any, headers: dict[str, str] | None,
    status: int, code: str,
) -> None:  # fmt: skip
    host, tenant = world["host"], world["tenants"]["A"]
    if isinstance(body, dict):
        body = json.loads(json.dumps(body).replace(T, tenant))
    route, _, query = path.replace(T, tenant).partition("?")
    params = dict(p.split("=", 1) for p in query.split("&")) if query else None
    before = _stored()
    # Every state change carries the JSON media type (the cross-site rule); the rows test what follows it.
    if headers is None and method != "GET":
        headers = JSON
    response = host.http(method, route, body, headers=headers, params=params)
    assert response.status_code == status, response.get_body()
    error = _body(response)["error"]
    assert error["code"] == code and error["message"]
    assert _stored() == before


def test_a_run_that_is_not_completed_cannot_be_a_template(world: dict[str, Any], graph_sim: Any) -> None:
    host, a = world["host"], world["tenants"]["A"]
    graph_sim.faults.forbid("deviceManagement/deviceHealthScripts", tenant=a)
    cycle(host)
    partial = runs(host, a)[0]
    assert partial["status"] == "partial"
    # A partial run asks for no alignment: the tenant stays measured on its last completed run.
    assert _body(host.http("GET", f"/api/tenants/{a}/alignment"))["templates"][0]["runId"] == world["run"]
    before = _stored()
    response = host.http("PUT", "/api/templates/new", {**world["source"], "runId": partial["runId"]})
    assert response.status_code == 409 and _body(response)["error"]["code"] == "run_not_completed"
    assert _stored() == before
    # A registered tenant that has never completed a scan cannot be a source yet.
    fresh = new_tenant_id()
    graph_sim.add_tenant(fresh, generate_tenant(seed=73, size=10))
    register(host, fresh, "Not scanned yet")
    before = _stored()
    response = host.http("PUT", "/api/templates/new", {**world["source"], "sourceTenantId": fresh})
    assert response.status_code == 409 and _body(response)["error"]["code"] == "no_completed_run"
    assert _stored() == before
    # Without a run id the latest completed one is taken: the earlier run, not the partial one.
    created = _body(host.http("PUT", "/api/templates/new", world["source"]))
    assert created["runId"] == world["run"] != partial["runId"]


def test_template_shapes_and_versions(world: dict[str, Any]) -> None:
    host = world["host"]
    listed = _body(host.http("GET", "/api/templates"))["templates"]
    (golden,) = listed
    assert golden["templateId"] == "golden" and golden["version"] == 1 and golden["runId"] == world["run"]
    assert golden["sourceTenantId"] == world["tenants"]["A"] and golden["compareAssignments"] is False
    assert golden["objectCount"] == len(golden["objects"]) > 10
    assert all(set(o) == {"policyType", "id", "displayName", "settingsCount"} for o in golden["objects"])
    assert any(o["settingsCount"] > 0 for o in golden["objects"])
    versions = len(open_stores().templates.version_names("golden"))  # other tests' goldens share the container
    replaced = host.http("PUT", "/api/templates/golden", {**world["source"], "displayName": "Golden 2"})
    assert replaced.status_code == 200 and _body(replaced)["version"] == 2
    assert _body(host.http("GET", "/api/templates/golden"))["displayName"] == "Golden 2"
    assert len(open_stores().templates.version_names("golden")) == versions + 1
