"""Shared fixtures: one Azurite per test session, a Graph simulator, app settings, the local host."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from devtools.azurite import Azurite

# The tests run the app the way local development does (Azurite): the blob trigger's source is
# read when function_app is indexed, so it is set before any test imports it.
os.environ.setdefault("BLOB_TRIGGER_SOURCE", "LogsAndContainerScan")

SIM_SECRET = "test-simulator-token"
HMAC_KEY = "test-secret-hash-key"


@pytest.fixture(scope="session")
def azurite() -> Iterator[Azurite]:
    """Azurite on free ports for the whole session (reuses AZURITE_CONNECTION_STRING if given)."""
    with Azurite.start() as instance:
        yield instance


@pytest.fixture(scope="session")
def graph_sim() -> Iterator[object]:
    """The Graph simulator, serving over real HTTP on a free port."""
    from devtools.graphsim import GraphSimulator

    sim = GraphSimulator(token_secret=SIM_SECRET)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def app_env(
    azurite: Azurite, graph_sim: object, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> dict[str, str]:
    """App settings pointing at Azurite and the simulator, with a table prefix unique to the test."""
    prefix = "t" + format(abs(hash(request.node.nodeid)) % 10**10, "010d")
    values = {
        "AzureWebJobsStorage": azurite.connection_string,
        "GRAPH_BASE_URL": graph_sim.base_url,  # type: ignore[attr-defined]
        "GRAPH_CREDENTIAL_MODE": "static_token",
        "GRAPH_STATIC_TOKEN": SIM_SECRET,
        "GRAPH_MAX_CONCURRENCY": "8",
        "GRAPH_REQUEST_BUDGET": "1000",
        "GRAPH_TIMEOUT_SECONDS": "5",
        "SECRET_HASH_KEY": HMAC_KEY,
        "AUTH_MODE": "local",
        "SCAN_SCHEDULE": "0 0 */6 * * *",
        "BLOB_TRIGGER_SOURCE": "LogsAndContainerScan",
        "TABLE_NAME_PREFIX": prefix,
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    graph_sim.faults.clear()  # type: ignore[attr-defined]
    return dict(os.environ)
