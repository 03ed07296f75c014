"""Small helpers shared by the store and the generator: ids, timestamps, etags."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta

EPOCH = datetime(2023, 1, 1, tzinfo=UTC)


def guid(rng: random.Random) -> str:
    """A random (version 4) GUID drawn from ``rng``: deterministic for a seeded RNG."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def graph_timestamp(moment: datetime, ticks: int | None = None) -> str:
    """Graph's DateTimeOffset text: seven fractional digits and a ``Z`` (``...53.0206557Z``)."""
    moment = moment.astimezone(UTC)
    frac = ticks if ticks is not None else moment.microsecond * 10
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{frac:07d}Z"


def now_timestamp() -> str:
    return graph_timestamp(datetime.now(UTC))


def random_timestamp(rng: random.Random, start: datetime = EPOCH, span_days: int = 900) -> str:
    moment = start + timedelta(seconds=rng.randrange(span_days * 86400))
    return graph_timestamp(moment, rng.randrange(10_000_000))


def later_timestamp(rng: random.Random, after: str, max_days: int = 200) -> str:
    """A timestamp at or after ``after`` (a Graph timestamp)."""
    base = datetime.strptime(after[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    if rng.random() < 0.3:
        return after
    moment = base + timedelta(seconds=rng.randrange(1, max_days * 86400))
    return graph_timestamp(moment, rng.randrange(10_000_000))


def etag(rng: random.Random) -> str:
    """An Intune-style quoted etag version string (app protection ``version``)."""
    return f'"{rng.getrandbits(32):08x}-0000-0d00-0000-{rng.getrandbits(48):012x}"'
