"""Fixtures for the Graph simulator's own tests: one running simulator per module, a generated
tenant, and a small HTTP client that sends the simulator's bearer token."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from devtools.graphsim import GraphSimulator, SimTenant, generate_tenant, make_token

SECRET = "graphsim-test-secret"


class GraphClient:
    """httpx with a tenant's bearer token; ``url`` may be absolute or ``/beta/...``."""

    def __init__(self, sim: GraphSimulator, tenant_id: str) -> None:
        self.sim = sim
        self.tenant_id = tenant_id
        self.http = httpx.Client(headers={"Authorization": f"Bearer {make_token(tenant_id, SECRET)}"}, timeout=10)

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.sim.base_url + path

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(self.url(path), **kwargs)

    def post(self, path: str, body: Any, **kwargs: Any) -> httpx.Response:
        return self.http.post(self.url(path), json=body, **kwargs)

    def get_all(self, path: str) -> list[dict[str, Any]]:
        """Follow @odata.nextLink verbatim until it is absent."""
        items: list[dict[str, Any]] = []
        url: str | None = self.url(path)
        while url:
            resp = self.http.get(url)
            assert resp.status_code == 200, resp.text
            page = resp.json()
            items.extend(page["value"])
            url = page.get("@odata.nextLink")
        return items

    def close(self) -> None:
        self.http.close()


@pytest.fixture(scope="module")
def tenant() -> SimTenant:
    return generate_tenant(seed=7, size=120, name="Contoso Test")


@pytest.fixture(scope="module")
def sim(tenant: SimTenant) -> Iterator[GraphSimulator]:
    simulator = GraphSimulator(token_secret=SECRET, seed=3)
    simulator.add_tenant(tenant.tenant_id, tenant)
    simulator.start()
    yield simulator
    simulator.stop()


@pytest.fixture
def client(sim: GraphSimulator, tenant: SimTenant) -> Iterator[GraphClient]:
    sim.faults.clear()
    sim.stats.reset()
    graph = GraphClient(sim, tenant.tenant_id)
    yield graph
    graph.close()
    sim.faults.clear()


@pytest.fixture
def fresh(sim: GraphSimulator) -> Iterator[tuple[SimTenant, GraphClient]]:
    """A private small tenant for tests that mutate data."""
    own = generate_tenant(seed=99, size=40, name="Mutable Tenant")
    sim.add_tenant(own.tenant_id, own)
    graph = GraphClient(sim, own.tenant_id)
    yield own, graph
    graph.close()
    sim.remove_tenant(own.tenant_id)
