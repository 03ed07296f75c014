"""A per-tenant operation budget over a sliding window (Intune: 1,000 requests / 20 s / app)."""

from __future__ import annotations

import asyncio
import time
from collections import deque


class OperationBudget:
    """Admits at most `limit` Graph operations in any `window` seconds, as Graph sees them.

    An operation occupies the window from the moment it is sent until `window` seconds after its
    answer came back; while in flight it counts too. Graph receives it somewhere in between, so no
    window of Graph's own clock can hold more than `limit` of them.
    """

    def __init__(self, limit: int, window: float = 20.0) -> None:
        if limit < 20:
            raise ValueError("the budget must admit at least one full $batch (20 operations)")
        self.limit = limit
        self.window = window
        self._done: deque[float] = deque()
        self._in_flight = 0
        self._changed = asyncio.Condition()
        self._paused_until = 0.0
        self.operations = 0

    def pause_for(self, seconds: float) -> None:
        """Hold every request back for a while (a Retry-After applies to the whole tenant)."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    def _expire(self, now: float) -> None:
        while self._done and self._done[0] <= now - self.window:
            self._done.popleft()

    async def acquire(self, count: int) -> None:
        """Wait until `count` more operations fit, then count them as in flight."""
        count = min(count, self.limit)
        async with self._changed:
            while True:
                now = time.monotonic()
                if now < self._paused_until:
                    await asyncio.sleep(self._paused_until - now)
                    continue
                self._expire(now)
                if len(self._done) + self._in_flight + count <= self.limit:
                    break
                wake = self._done[0] + self.window - now if self._done else None
                try:
                    # Wake when a finished operation leaves the window, or when one finishes.
                    await asyncio.wait_for(self._changed.wait(), timeout=max(wake, 0.001) if wake is not None else None)
                except TimeoutError:
                    pass
            self._in_flight += count
            self.operations += count

    async def release(self, count: int) -> None:
        """The answer to `count` operations arrived: they now age out of the window."""
        count = min(count, self.limit)
        async with self._changed:
            self._in_flight -= count
            self._done.extend([time.monotonic()] * count)
            self._changed.notify_all()
