"""Request accounting: HTTP round trips, Graph operations (batch items count one each), a request log.

Times are ``time.monotonic()`` seconds. Requests whose token was rejected are recorded under tenant
``None``.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections import Counter
from typing import NamedTuple


class LogEntry(NamedTuple):
    """One logged request: a plain request, a ``$batch`` envelope, or one item of a batch."""

    time: float
    tenant: str | None
    method: str
    path: str
    status: int


class Stats:
    """Counters and log of the simulator (``sim.stats``). Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._http: Counter[str | None] = Counter()
        self._ops: Counter[str | None] = Counter()
        self._op_times: dict[str | None, list[float]] = {}
        self._log: list[LogEntry] = []

    def reset(self) -> None:
        with self._lock:
            self._http.clear()
            self._ops.clear()
            self._op_times.clear()
            self._log.clear()

    # -- recording (server side) ------------------------------------------------------------

    def record_http(self, tenant: str | None, method: str, path: str, status: int, *, operation: bool) -> None:
        """One HTTP round trip; ``operation`` is False for a ``$batch`` envelope."""
        now = time.monotonic()
        with self._lock:
            self._http[tenant] += 1
            self._log.append(LogEntry(now, tenant, method, path, status))
            if operation:
                self._ops[tenant] += 1
                self._op_times.setdefault(tenant, []).append(now)

    def record_item(self, tenant: str | None, method: str, path: str, status: int) -> None:
        """One item of a ``$batch``: an operation without its own round trip."""
        now = time.monotonic()
        with self._lock:
            self._ops[tenant] += 1
            self._op_times.setdefault(tenant, []).append(now)
            self._log.append(LogEntry(now, tenant, method, path, status))

    # -- reading ----------------------------------------------------------------------------

    @property
    def http_requests(self) -> int:
        """HTTP round trips, all tenants."""
        with self._lock:
            return sum(self._http.values())

    @property
    def operations(self) -> int:
        """Graph operations (plain requests + batch items), all tenants."""
        with self._lock:
            return sum(self._ops.values())

    def http_requests_for(self, tenant_id: str | None) -> int:
        with self._lock:
            return self._http[tenant_id]

    def operations_for(self, tenant_id: str | None) -> int:
        with self._lock:
            return self._ops[tenant_id]

    @property
    def http_requests_by_tenant(self) -> dict[str | None, int]:
        with self._lock:
            return dict(self._http)

    @property
    def operations_by_tenant(self) -> dict[str | None, int]:
        with self._lock:
            return dict(self._ops)

    def max_ops_in_window(self, tenant_id: str | None, window_s: float = 20.0) -> int:
        """The most operations this tenant saw in any sliding window of ``window_s`` seconds."""
        with self._lock:
            times = list(self._op_times.get(tenant_id, ()))
        best = 0
        for i, start in enumerate(times):
            j = bisect.bisect_left(times, start + window_s, lo=i)
            best = max(best, j - i)
        return best

    @property
    def log(self) -> list[LogEntry]:
        with self._lock:
            return list(self._log)

    def requests(
        self, *, tenant: str | None = None, path_contains: str | None = None, status: int | None = None
    ) -> list[LogEntry]:
        """Log entries filtered by tenant, path substring and/or status."""
        return [
            e
            for e in self.log
            if (tenant is None or e.tenant == tenant)
            and (path_contains is None or path_contains in e.path)
            and (status is None or e.status == status)
        ]
