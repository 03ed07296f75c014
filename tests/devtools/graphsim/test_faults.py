"""Every fault kind, its scoping (path, tenant, count, probability) and ``clear()``."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from devtools.graphsim import SimTenant
from tests.devtools.graphsim.helpers import GraphClient

DC = "/beta/deviceManagement/deviceConfigurations"
SC = "/beta/deviceManagement/configurationPolicies"


def test_latency_once_per_http_request(client: GraphClient) -> None:
    client.sim.faults.latency(150)
    start = time.monotonic()
    assert client.get(DC).status_code == 200
    assert time.monotonic() - start >= 0.15
    start = time.monotonic()
    batch = {"requests": [{"id": str(i), "method": "GET", "url": "/groups"} for i in range(5)]}
    assert client.post("/v1.0/$batch", batch).status_code == 200
    assert 0.15 <= time.monotonic() - start < 0.6  # once for the batch, not per item


def test_throttle_with_and_without_retry_after(client: GraphClient) -> None:
    client.sim.faults.throttle(count=1, retry_after=2, path="deviceConfigurations")
    first = client.get(DC)
    assert first.status_code == 429 and first.headers["Retry-After"] == "2"
    assert first.json()["error"]["code"] == "TooManyRequests"
    assert client.get(DC).status_code == 200  # count exhausted
    client.sim.faults.throttle(count=1, retry_after=None)
    bare = client.get(SC)
    assert bare.status_code == 429 and "Retry-After" not in bare.headers


def test_status_faults_then_recovery(client: GraphClient) -> None:
    rule = client.sim.faults.status(503, count=2, path="deviceCompliancePolicies")
    url = "/v1.0/deviceManagement/deviceCompliancePolicies"
    assert [client.get(url).status_code for _ in range(3)] == [503, 503, 200]
    assert rule.hits == 2
    client.sim.faults.status(500, count=1)
    resp = client.get(DC)
    assert resp.status_code == 500 and resp.json()["error"]["code"] == "InternalServerError"


def test_forbid_is_persistent_and_scoped_to_path(client: GraphClient) -> None:
    client.sim.faults.forbid("deviceManagement/deviceHealthScripts")
    for _ in range(3):
        resp = client.get("/beta/deviceManagement/deviceHealthScripts")
        assert resp.status_code == 403 and resp.json()["error"]["code"] == "Forbidden"
    assert client.get(DC).status_code == 200


def test_fail_page_hits_only_that_page(client: GraphClient) -> None:
    client.sim.faults.fail_page("deviceManagement/configurationPolicies", page_index=1, status=500)
    first = client.get(SC)
    assert first.status_code == 200
    second = client.get(first.json()["@odata.nextLink"])
    assert second.status_code == 500
    assert client.get(str(second.url)).status_code == 500  # persistent while count is None
    policy_id = first.json()["value"][0]["id"]
    settings = client.get(f"{SC}/{policy_id}/settings")
    assert client.get(settings.json()["@odata.nextLink"]).status_code == 200  # a sub-collection is not that collection


def test_malformed_body(client: GraphClient) -> None:
    client.sim.faults.malformed("deviceConfigurations", count=1)
    resp = client.get(DC)
    assert resp.status_code == 200
    with pytest.raises(ValueError):
        json.loads(resp.content)
    assert client.get(DC).json()["value"]


def test_malformed_batch_item_and_envelope(client: GraphClient) -> None:
    client.sim.faults.malformed("deviceConfigurations", count=1)
    resp = client.post(
        "/beta/$batch", {"requests": [{"id": "1", "method": "GET", "url": "/deviceManagement/deviceConfigurations"}]}
    )
    body = resp.json()["responses"][0]["body"]
    assert isinstance(body, str)
    with pytest.raises(ValueError):
        json.loads(body)
    client.sim.faults.malformed("$batch", count=1)
    envelope = client.post("/beta/$batch", {"requests": [{"id": "1", "method": "GET", "url": "/groups"}]})
    with pytest.raises(ValueError):
        json.loads(envelope.content)


def test_timeout_holds_the_response(client: GraphClient) -> None:
    client.sim.faults.timeout("deviceConfigurations", seconds=1.0, count=1)
    with pytest.raises(httpx.ReadTimeout):
        client.get(DC, timeout=0.3)
    assert client.get(DC, timeout=2).status_code == 200


def test_rules_limited_to_a_tenant(client: GraphClient, fresh: tuple[SimTenant, GraphClient]) -> None:
    own, other = fresh
    client.sim.faults.status(503, count=None, tenant=own.tenant_id)
    assert other.get(DC).status_code == 503
    assert client.get(DC).status_code == 200


def test_probability_is_seeded_and_clear_removes_everything(client: GraphClient) -> None:
    def run() -> list[int]:
        client.sim.faults.clear()
        client.sim.faults.throttle(count=None, probability=0.5, seed=42, path="deviceConfigurations")
        return [client.get(f"{DC}?$top=1").status_code for _ in range(12)]

    first, second = run(), run()
    assert first == second
    assert 429 in first and 200 in first
    client.sim.faults.clear()
    assert all(client.get(f"{DC}?$top=1").status_code == 200 for _ in range(3))


def test_throttle_envelope_when_path_names_batch(client: GraphClient) -> None:
    client.sim.faults.throttle(count=1, retry_after=1, path="$batch")
    resp = client.post("/v1.0/$batch", {"requests": [{"id": "1", "method": "GET", "url": "/groups"}]})
    assert resp.status_code == 429
    ok = client.post("/v1.0/$batch", {"requests": [{"id": "1", "method": "GET", "url": "/groups"}]})
    assert ok.status_code == 200


def test_request_log_records_statuses(client: GraphClient, tenant: SimTenant) -> None:
    client.sim.faults.throttle(count=1, path="deviceConfigurations")
    client.get(DC)
    client.get(DC)
    entries = client.sim.stats.requests(tenant=tenant.tenant_id, path_contains="deviceConfigurations")
    assert [e.status for e in entries] == [429, 200]
    assert entries[0].method == "GET" and entries[0].path == DC
