"""Run ids: sort by time as strings, unique without coordination."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

_RUN_ID = re.compile(r"^\d{8}T\d{9}Z-[0-9a-f]{8}$")


def new_run_id(now: datetime | None = None) -> str:
    """A run id such as 20261125T181502123Z-1a2b3c4d (UTC, millisecond precision)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    stamp = moment.strftime("%Y%m%dT%H%M%S") + f"{moment.microsecond // 1000:03d}Z"
    return f"{stamp}-{secrets.token_hex(4)}"


def is_run_id(value: str) -> bool:
    """True for a well-formed run id."""
    return bool(_RUN_ID.match(value))


def newest_first_key(run_id: str) -> str:
    """A RowKey that sorts runs newest first (each timestamp digit inverted)."""
    stamp, _, suffix = run_id.partition("-")
    inverted = "".join(str(9 - int(c)) if c.isdigit() else c for c in stamp)
    return f"{inverted}-{suffix}"
