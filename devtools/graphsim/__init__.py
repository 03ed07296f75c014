"""Graph simulator: a real HTTP server speaking Microsoft Graph's wire format, for tests,
benchmarks and the demo (development only, never deployed).

    sim = GraphSimulator(token_secret="sim-secret")
    sim.add_tenant(tenant.tenant_id, tenant)       # tenant = generate_tenant(seed=1)
    base = sim.start()                             # "http://127.0.0.1:54321"
    token = make_token(tenant.tenant_id, "sim-secret")
    # GET {base}/beta/deviceManagement/configurationPolicies  with  Authorization: Bearer {token}
    sim.stop()
"""

from devtools.graphsim.catalog import TYPE_BUCKETS, TYPE_COLLECTIONS, TYPE_KEYS, TYPE_VERSIONS, UNORDERED_ARRAY_KEYS
from devtools.graphsim.clone import clone_tenant
from devtools.graphsim.faults import FaultPlan, FaultRule
from devtools.graphsim.generator import DEFAULT_MIX, allocate, generate_portfolio, generate_tenant
from devtools.graphsim.server import GraphSimulator
from devtools.graphsim.stats import LogEntry, Stats
from devtools.graphsim.store import SimTenant
from devtools.graphsim.tokens import make_token

__all__ = [
    "DEFAULT_MIX",
    "TYPE_BUCKETS",
    "TYPE_COLLECTIONS",
    "TYPE_KEYS",
    "TYPE_VERSIONS",
    "UNORDERED_ARRAY_KEYS",
    "FaultPlan",
    "FaultRule",
    "GraphSimulator",
    "LogEntry",
    "SimTenant",
    "Stats",
    "allocate",
    "clone_tenant",
    "generate_portfolio",
    "generate_tenant",
    "make_token",
]
