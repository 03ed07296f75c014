"""Time as the app writes it: one timestamp format everywhere (ISO 8601, UTC, milliseconds, `Z`)."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(moment: datetime) -> str:
    """A moment as `2026-11-29T08:25:28.123Z`."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_iso() -> str:
    """The current UTC time as `iso` writes it."""
    return iso(datetime.now(UTC))
