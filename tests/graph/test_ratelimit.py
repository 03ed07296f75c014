"""The operation budget: no window of the server's clock ever holds more than the limit."""

from __future__ import annotations

import asyncio
import random
import time

import pytest

from shared.graph.ratelimit import OperationBudget


def test_no_window_ever_holds_more_than_the_limit_wherever_the_server_stamps_an_operation() -> None:
    window, limit = 0.5, 20
    budget = OperationBudget(limit, window)
    arrivals: list[tuple[float, int]] = []
    rng = random.Random(4)

    async def operation(count: int) -> None:
        await budget.acquire(count)
        sent = time.monotonic()
        await asyncio.sleep(rng.uniform(0.0, 0.05))
        # The server stamps the operation somewhere between our send and our receipt.
        arrivals.append((rng.uniform(sent, time.monotonic()), count))
        await asyncio.sleep(rng.uniform(0.0, 0.05))
        await budget.release(count)

    async def main() -> None:
        await asyncio.gather(*(operation(rng.choice([1, 1, 5, 20])) for _ in range(45)))

    asyncio.run(main())
    arrivals.sort()
    busiest = max(sum(c for t, c in arrivals if start <= t <= start + window) for start, _ in arrivals)
    assert busiest <= limit
    assert sum(c for _, c in arrivals) == budget.operations > limit * 3  # several windows' worth went through


def test_a_retry_after_pauses_everything() -> None:
    budget = OperationBudget(100, 10)

    async def main() -> float:
        budget.pause_for(0.3)
        started = time.monotonic()
        await budget.acquire(1)
        return time.monotonic() - started

    assert asyncio.run(main()) >= 0.29


def test_a_budget_below_one_batch_is_refused() -> None:
    with pytest.raises(ValueError):
        OperationBudget(10)
