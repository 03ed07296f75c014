"""Seeded chaos in CI: 30 schedules of Graph faults, storage faults and at-least-once effects, each
followed by a clean scan and checked against invariants and a fault-free twin (bench.chaos runs
1,000). A failure names its seed: `python -m bench.chaos --first-seed SEED --schedules 1`."""

from __future__ import annotations

from typing import Any

import pytest

from bench.chaos import GRAPH_TIMEOUT_SECONDS, INVARIANTS, Chaos, StorageFaults, summarize
from devtools.azurite import Azurite
from tests.pipeline import make_host, open_stores

SCHEDULES = 30


@pytest.fixture
def chaos(app_env: dict[str, str], azurite: Azurite, graph_sim: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("GRAPH_TIMEOUT_SECONDS", GRAPH_TIMEOUT_SECONDS)
    stores = open_stores()
    faults = StorageFaults()
    stores.clients.interceptors.append(faults)
    yield Chaos(make_host(azurite.connection_string), graph_sim, stores, faults)
    stores.clients.interceptors.remove(faults)


def test_thirty_seeded_schedules_keep_every_invariant(chaos: Chaos) -> None:
    outcomes = [chaos.run(seed) for seed in range(1, SCHEDULES + 1)]
    report = summarize(outcomes)
    failures = [f"seed {f['seed']}: {f['violations']}" for f in report["failures"]]
    assert not failures, "\n".join(failures)
    # Each invariant was exercised, and the schedules injected every kind of fault between them.
    assert all(report["invariants"][name]["checked"] > 0 for name in INVARIANTS), report["invariants"]
    kinds = {k.split(".", 1)[0] for k in report["faultsInjected"]}
    assert kinds == {"graph", "storage", "effect"}, report["faultsInjected"]
    # ... and every storage fault drawn really failed requests (a rule that never matches tests nothing).
    fired = report["requestsFailedByFaults"]
    drawn = {k.split(".", 1)[1] for k in report["faultsInjected"] if k.startswith("storage.")}
    assert all(fired.get(f"storage.{kind}", 0) > 0 for kind in drawn), fired
