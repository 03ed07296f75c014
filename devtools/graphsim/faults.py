"""Fault injection: latency, throttling, error statuses, forbidden paths, failing pages, bad JSON, hangs.

Every rule may be limited to a tenant id, to a path (see ``FaultRule.matches``), to ``count``
occurrences and/or to a ``probability`` drawn from a seeded RNG. Rules are checked in the order they
were added; the first error rule that fires decides the response. Thread-safe.

Path matching is against the request path with its version and without the query, such as
``/beta/deviceManagement/configurationPolicies/{id}/settings``: a rule's ``path`` matches when it
is a substring of it, except ``fail_page`` which matches when the request path *ends with* it (so a
collection's pages fail, not its items' sub-resources). Rules without a path apply to every plain
request and every ``$batch`` item but not to the ``$batch`` envelope; a rule whose path names
``$batch`` applies to the envelope.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

ERROR_KINDS = ("forbid", "throttle", "status", "fail_page")


@dataclass
class FaultRule:
    """One injected fault. ``hits`` counts how often it fired; ``remaining`` None means unlimited."""

    kind: str
    path: str | None = None
    tenant: str | None = None
    remaining: int | None = None
    probability: float | None = None
    seed: int = 0
    status: int = 0
    retry_after: float | None = None
    seconds: float = 0.0
    page_index: int | None = None
    hits: int = 0
    _rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def matches(self, tenant: str | None, path: str, page_index: int, envelope: bool) -> bool:
        if self.tenant is not None and self.tenant != tenant:
            return False
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.path is None:
            if envelope and self.kind != "latency":
                return False
        elif self.kind == "fail_page":
            if envelope or not path.rstrip("/").endswith(self.path.rstrip("/")):
                return False
        elif self.path not in path:
            return False
        return not (self.page_index is not None and self.page_index != page_index)

    def fire(self) -> bool:
        """Draw the probability and consume one occurrence; caller holds the plan's lock."""
        if self.probability is not None and self._rng.random() >= self.probability:
            return False
        if self.remaining is not None:
            self.remaining -= 1
        self.hits += 1
        return True


@dataclass
class FaultDecision:
    """What to do with one request: sleep first, then answer an error, or answer with bad JSON."""

    sleep_s: float = 0.0
    error: FaultRule | None = None
    malformed: bool = False


class FaultPlan:
    """The simulator's fault rules (``sim.faults``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []

    def _add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            self._rules.append(rule)
        return rule

    @property
    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules.clear()

    def remove(self, rule: FaultRule) -> None:
        with self._lock:
            if rule in self._rules:
                self._rules.remove(rule)

    def latency(
        self,
        ms: float,
        *,
        path: str | None = None,
        tenant: str | None = None,
        count: int | None = None,
        probability: float | None = None,
        seed: int = 0,
    ) -> FaultRule:
        """Sleep ``ms`` before every matching HTTP response (once per ``$batch``, not per item)."""
        return self._add(FaultRule("latency", path, tenant, count, probability, seed, seconds=ms / 1000.0))

    def throttle(
        self,
        count: int | None = 1,
        retry_after: float | None = 1,
        path: str | None = None,
        tenant: str | None = None,
        *,
        probability: float | None = None,
        seed: int = 0,
    ) -> FaultRule:
        """429 TooManyRequests, with a ``Retry-After`` header unless ``retry_after`` is None."""
        return self._add(
            FaultRule("throttle", path, tenant, count, probability, seed, status=429, retry_after=retry_after)
        )

    def status(
        self,
        code: int,
        count: int | None = 1,
        path: str | None = None,
        tenant: str | None = None,
        *,
        retry_after: float | None = None,
        probability: float | None = None,
        seed: int = 0,
    ) -> FaultRule:
        """Answer ``code`` (503 ServiceUnavailable, 500, 502, 504 ...) ``count`` times."""
        return self._add(
            FaultRule("status", path, tenant, count, probability, seed, status=code, retry_after=retry_after)
        )

    def forbid(self, path: str, tenant: str | None = None) -> FaultRule:
        """Persistent 403 Forbidden for paths containing ``path`` (a missing permission)."""
        return self._add(FaultRule("forbid", path, tenant, None, None, 0, status=403))

    def fail_page(
        self,
        path: str,
        page_index: int,
        status: int = 500,
        count: int | None = None,
        tenant: str | None = None,
        *,
        probability: float | None = None,
        seed: int = 0,
    ) -> FaultRule:
        """Fail the ``page_index``-th page (0-based) of the collection whose path ends with ``path``."""
        return self._add(
            FaultRule("fail_page", path, tenant, count, probability, seed, status=status, page_index=page_index)
        )

    def malformed(
        self,
        path: str,
        count: int | None = None,
        tenant: str | None = None,
        *,
        probability: float | None = None,
        seed: int = 0,
    ) -> FaultRule:
        """200 with a truncated, invalid JSON body."""
        return self._add(FaultRule("malformed", path, tenant, count, probability, seed))

    def timeout(
        self,
        path: str,
        seconds: float,
        count: int | None = 1,
        tenant: str | None = None,
        *,
        probability: float | None = None,
        seed: int = 0,
    ) -> FaultRule:
        """Hold the response for ``seconds`` before answering normally (client timeouts)."""
        return self._add(FaultRule("timeout", path, tenant, count, probability, seed, seconds=seconds))

    # -- used by the server -------------------------------------------------------------------

    def latency_for(self, tenant: str | None, path: str, envelope: bool) -> float:
        """Seconds of latency to add to one HTTP round trip."""
        total = 0.0
        with self._lock:
            for rule in self._rules:
                if rule.kind == "latency" and rule.matches(tenant, path, 0, envelope) and rule.fire():
                    total += rule.seconds
        return total

    def decide(self, tenant: str | None, path: str, page_index: int, envelope: bool = False) -> FaultDecision:
        """The faults that apply to one operation (a plain request, a batch item, or an envelope)."""
        decision = FaultDecision()
        with self._lock:
            for rule in self._rules:
                if rule.kind == "timeout" and rule.matches(tenant, path, page_index, envelope) and rule.fire():
                    decision.sleep_s += rule.seconds
            for rule in self._rules:
                if rule.kind in ERROR_KINDS and rule.matches(tenant, path, page_index, envelope) and rule.fire():
                    decision.error = rule
                    break
            if decision.error is None:
                for rule in self._rules:
                    if rule.kind == "malformed" and rule.matches(tenant, path, page_index, envelope) and rule.fire():
                        decision.malformed = True
                        break
        return decision
