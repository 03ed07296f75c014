"""``$batch``: relative and absolute item URLs, shuffled answers, limits, dependsOn, per-item faults."""

from __future__ import annotations

from typing import Any

from devtools.graphsim import SimTenant
from tests.devtools.graphsim.helpers import GraphClient


def _batch(client: GraphClient, requests: list[dict[str, Any]], version: str = "beta") -> dict[str, Any]:
    resp = client.post(f"/{version}/$batch", {"requests": requests})
    assert resp.status_code == 200, resp.text
    return {r["id"]: r for r in resp.json()["responses"]}


def test_relative_and_absolute_urls_and_shuffled_order(client: GraphClient, tenant: SimTenant) -> None:
    base = client.sim.base_url
    script_id = tenant.ids("deviceManagementScript")[0]
    requests = [
        {"id": "1", "method": "GET", "url": "/deviceManagement/deviceConfigurations"},
        {"id": "2", "method": "GET", "url": "deviceManagement/deviceCompliancePolicies"},
        {"id": "3", "method": "GET", "url": f"{base}/beta/deviceManagement/deviceManagementScripts/{script_id}"},
        {"id": "4", "method": "GET", "url": "/identity/conditionalAccess/policies"},
        {"id": "5", "method": "GET", "url": "/deviceManagement/configurationPolicies?$top=2"},
    ]
    resp = client.post("/beta/$batch", {"requests": requests})
    order = [r["id"] for r in resp.json()["responses"]]
    assert sorted(order) == ["1", "2", "3", "4", "5"] and order != ["1", "2", "3", "4", "5"]
    by_id = {r["id"]: r for r in resp.json()["responses"]}
    assert all(r["status"] == 200 for r in by_id.values())
    assert by_id["3"]["body"]["scriptContent"]  # by-id inside a batch: content present
    assert len(by_id["5"]["body"]["value"]) == 2
    assert by_id["5"]["body"]["@odata.nextLink"].startswith(base + "/beta/deviceManagement/configurationPolicies?")
    assert by_id["1"]["headers"]["Content-Type"].startswith("application/json")


def test_limits_and_validation(client: GraphClient) -> None:
    many = [{"id": str(i), "method": "GET", "url": "/groups"} for i in range(21)]
    too_many = client.post("/v1.0/$batch", {"requests": many})
    assert too_many.status_code == 400 and too_many.json()["error"]["code"] == "BadRequest"
    assert client.post("/v1.0/$batch", {"requests": many[:20]}).status_code == 200
    dup = [{"id": "1", "method": "GET", "url": "/groups"}, {"id": "1", "method": "GET", "url": "/groups"}]
    assert client.post("/v1.0/$batch", {"requests": dup}).status_code == 400
    assert client.post("/v1.0/$batch", {"nothing": []}).status_code == 400
    assert client.get("/v1.0/$batch").status_code == 405


def test_depends_on_failed_request_gives_424(client: GraphClient) -> None:
    out = _batch(
        client,
        [
            {"id": "a", "method": "GET", "url": "/deviceManagement/configurationPolicies/does-not-exist"},
            {"id": "b", "method": "GET", "url": "/deviceManagement/intents", "dependsOn": ["a"]},
            {"id": "c", "method": "GET", "url": "/deviceManagement/assignmentFilters", "dependsOn": ["b"]},
            {"id": "d", "method": "GET", "url": "/deviceManagement/roleScopeTags"},
        ],
    )
    assert out["a"]["status"] == 404
    assert out["b"]["status"] == 424 and out["c"]["status"] == 424
    assert out["b"]["body"]["error"]["code"] == "FailedDependency"
    assert out["d"]["status"] == 200


def test_beta_only_path_inside_v1_batch_fails_that_item(client: GraphClient) -> None:
    out = _batch(
        client,
        [
            {"id": "sc", "method": "GET", "url": "/deviceManagement/configurationPolicies"},
            {"id": "dc", "method": "GET", "url": "/deviceManagement/deviceConfigurations"},
            {"id": "abs", "method": "GET", "url": client.sim.base_url + "/beta/deviceManagement/intents"},
        ],
        version="v1.0",
    )
    assert out["sc"]["status"] in (400, 404)
    assert out["abs"]["status"] in (400, 404)
    assert out["dc"]["status"] == 200


def test_throttle_applies_per_item_with_retry_after(client: GraphClient) -> None:
    client.sim.faults.throttle(count=2, retry_after=3, path="deviceCompliancePolicies")
    out = _batch(
        client,
        [
            {"id": "1", "method": "GET", "url": "/deviceManagement/deviceCompliancePolicies"},
            {"id": "2", "method": "GET", "url": "/deviceManagement/deviceCompliancePolicies?$top=1"},
            {"id": "3", "method": "GET", "url": "/deviceManagement/deviceCompliancePolicies?$top=2"},
            {"id": "4", "method": "GET", "url": "/deviceManagement/deviceConfigurations"},
        ],
    )
    statuses = sorted(out[i]["status"] for i in ("1", "2", "3"))
    assert statuses == [200, 429, 429]
    throttled = next(r for r in out.values() if r["status"] == 429)
    assert throttled["headers"]["Retry-After"] == "3"
    assert throttled["body"]["error"]["code"] == "TooManyRequests"
    assert out["4"]["status"] == 200


def test_batch_counts_operations_not_envelopes(client: GraphClient, tenant: SimTenant) -> None:
    stats = client.sim.stats
    _batch(client, [{"id": str(i), "method": "GET", "url": "/groups"} for i in range(5)], version="v1.0")
    client.get("/v1.0/groups")
    assert stats.http_requests_for(tenant.tenant_id) == 2
    assert stats.operations_for(tenant.tenant_id) == 6
    assert stats.max_ops_in_window(tenant.tenant_id, 20.0) == 6
    assert len(stats.requests(path_contains="$batch")) == 1


def test_get_by_ids_inside_a_batch(client: GraphClient, tenant: SimTenant) -> None:
    ids = [g["id"] for g in tenant.groups()[:2]]
    out = _batch(
        client,
        [
            {
                "id": "g",
                "method": "POST",
                "url": "/directoryObjects/getByIds",
                "headers": {"Content-Type": "application/json"},
                "body": {"ids": ids, "types": ["group"]},
            }
        ],
        version="v1.0",
    )
    assert sorted(g["id"] for g in out["g"]["body"]["value"]) == sorted(ids)
