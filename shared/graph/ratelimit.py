"""A per-tenant operation budget over a sliding window (Intune: 1,000 requests / 20 s / app)."""

from __future__ import annotations

import asyncio
import time
from collections import deque


class OperationBudget:
    """Admits at most `limit` Graph operations in any `window` seconds, and honours pauses."""

    def __init__(self, limit: int, window: float = 20.0) -> None:
        if limit < 20:
            raise ValueError("the budget must admit at least one full $batch (20 operations)")
        self.limit = limit
        self.window = window
        self._stamps: deque[float] = deque()
        self._lock = asyncio.Lock()
        self._paused_until = 0.0
        self.operations = 0
        self.max_in_window = 0

    def pause_for(self, seconds: float) -> None:
        """Hold every request back for a while (a Retry-After applies to the whole tenant)."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    async def acquire(self, count: int) -> None:
        """Wait until `count` operations fit in the window, then record them."""
        count = min(count, self.limit)
        async with self._lock:
            while True:
                now = time.monotonic()
                if now < self._paused_until:
                    await asyncio.sleep(self._paused_until - now)
                    continue
                while self._stamps and self._stamps[0] <= now - self.window:
                    self._stamps.popleft()
                if len(self._stamps) + count <= self.limit:
                    break
                oldest_needed = self._stamps[len(self._stamps) + count - self.limit - 1]
                await asyncio.sleep(max(oldest_needed + self.window - now, 0.001))
            self._stamps.extend([now] * count)
            self.operations += count
            self.max_in_window = max(self.max_in_window, len(self._stamps))
