"""Fixtures for the Graph simulator's own tests: one running simulator per module, a generated
tenant, and a client that sends the tenant's bearer token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.graphsim import GraphSimulator, SimTenant, generate_tenant
from tests.devtools.graphsim.helpers import SECRET, GraphClient


@pytest.fixture(scope="module")
def tenant() -> SimTenant:
    return generate_tenant(seed=7, size=200, name="Contoso Test")


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
