"""Middleware for msgraph-sdk's pipeline: retry with Retry-After / jitter, and the operation budget."""

from __future__ import annotations

import asyncio
import json
import logging
import random
from dataclasses import dataclass

import httpx
from kiota_http.middleware import BaseMiddleware

from shared.graph.ratelimit import OperationBudget

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait before giving up on a throttled or unavailable Graph."""

    max_attempts: int = 6
    base_delay: float = 0.25
    max_delay: float = 30.0
    # A Retry-After longer than this is not waited out: the type fails as `throttled`.
    max_retry_after: float = 120.0

    def backoff(self, attempt: int) -> float:
        """Full-jitter exponential backoff for a retry without Retry-After."""
        return random.uniform(0, min(self.max_delay, self.base_delay * (2**attempt))) + self.base_delay / 2


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """Retry-After in seconds, if the header is present and numeric."""
    raw = headers.get("Retry-After")
    if raw is None:
        return None
    try:
        return max(float(raw), 0.0)
    except ValueError:
        return None


def batch_size(request: httpx.Request) -> int:
    """Operations a request costs: 1, or the number of items of a $batch."""
    if request.method == "POST" and request.url.path.endswith("/$batch"):
        try:
            return max(len(json.loads(request.content)["requests"]), 1)
        except (ValueError, KeyError, TypeError):
            return 1
    return 1


class BudgetMiddleware(BaseMiddleware):
    """Waits for the tenant's operation budget before each attempt goes on the wire."""

    def __init__(self, budget: OperationBudget) -> None:
        super().__init__()
        self.budget = budget
        self.round_trips = 0

    async def send(self, request: httpx.Request, transport: httpx.AsyncBaseTransport) -> httpx.Response:
        cost = batch_size(request)
        await self.budget.acquire(cost)
        self.round_trips += 1
        try:
            return await super().send(request, transport)
        finally:
            await self.budget.release(cost)


class RetryMiddleware(BaseMiddleware):
    """Retries 429/503/504 and transport timeouts; a Retry-After pauses the whole tenant's budget."""

    def __init__(self, policy: RetryPolicy, budget: OperationBudget) -> None:
        super().__init__()
        self.policy = policy
        self.budget = budget

    async def send(self, request: httpx.Request, transport: httpx.AsyncBaseTransport) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = await super().send(request, transport)
            except httpx.TimeoutException:
                if attempt + 1 >= self.policy.max_attempts:
                    raise
                await asyncio.sleep(self.policy.backoff(attempt))
                attempt += 1
                continue
            if response.status_code not in RETRYABLE_STATUS or attempt + 1 >= self.policy.max_attempts:
                return response
            wait = retry_after_seconds(response.headers)
            if wait is not None and wait > self.policy.max_retry_after:
                return response
            await response.aread()
            await response.aclose()
            if wait is None:
                wait = self.policy.backoff(attempt)
            else:
                self.budget.pause_for(wait)
            log.info(
                "graph %s: status %s, retry %d in %.2fs", request.url.path, response.status_code, attempt + 1, wait
            )
            await asyncio.sleep(wait)
            attempt += 1
