"""NCRONTAB schedules as Azure Functions timers use them (six fields, UTC). Development only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final


class CronError(ValueError):
    """An NCRONTAB expression that cannot be parsed (or never fires)."""


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int


_FIELDS: Final = (
    _Field("second", 0, 59),
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day", 1, 31),
    _Field("month", 1, 12),
    _Field("day of week", 0, 7),  # 0 and 7 are both Sunday
)
_PART: Final = re.compile(r"^(?:(\*)|(\d+)(?:-(\d+))?)(?:/(\d+))?$")
# Enough to find the next 29 February of any schedule that can fire at all.
_SEARCH_DAYS: Final = 366 * 9


def _parse_field(text: str, spec: _Field) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        match = _PART.match(part)
        if not match:
            raise CronError(f"{spec.name} field {text!r}: {part!r} is not *, a number, a range a-b or a step */n")
        star, first, last, step_text = match.groups()
        if star:
            low, high = spec.low, spec.high
        else:
            low = int(first)
            # `a/n` (a number with a step and no range) runs from a to the end of the field, as in cron.
            high = int(last) if last is not None else (spec.high if step_text else low)
        step = int(step_text) if step_text else 1
        if not (spec.low <= low <= spec.high and spec.low <= high <= spec.high):
            raise CronError(f"{spec.name} field {text!r}: values must be from {spec.low} to {spec.high}")
        if low > high:
            raise CronError(f"{spec.name} field {text!r}: range {low}-{high} runs backwards")
        if step < 1:
            raise CronError(f"{spec.name} field {text!r}: a step must be at least 1")
        values.update(range(low, high + 1, step))
    return frozenset(values)


@dataclass(frozen=True)
class CronSchedule:
    """A parsed six-field NCRONTAB schedule (`sec min hour day month dow`), as Azure Functions timers use.

    Like NCrontab, a time matches when every field matches (day of month and day of week both apply).
    """

    expression: str
    seconds: frozenset[int]
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday

    @classmethod
    def parse(cls, expression: str) -> CronSchedule:
        """Parse `sec min hour day month dow`; CronError names the field that is wrong."""
        fields = expression.split()
        if len(fields) != 6:
            raise CronError(
                f"{expression!r}: NCRONTAB needs six fields (sec min hour day month dow), got {len(fields)}"
            )
        parsed = [_parse_field(text, spec) for text, spec in zip(fields, _FIELDS, strict=True)]
        weekdays = frozenset(d % 7 for d in parsed[5])
        return cls(expression, parsed[0], parsed[1], parsed[2], parsed[3], parsed[4], weekdays)

    def _day_matches(self, day: date) -> bool:
        return day.month in self.months and day.day in self.days and (day.isoweekday() % 7) in self.weekdays

    def matches(self, at: datetime) -> bool:
        """True when the schedule fires at this second."""
        return (
            self._day_matches(at.date())
            and at.hour in self.hours
            and at.minute in self.minutes
            and at.second in self.seconds
        )

    def next_after(self, at: datetime) -> datetime:
        """The first time strictly after `at` (to the second, same tzinfo) when the schedule fires."""
        start = at.replace(microsecond=0) + timedelta(seconds=1)
        day = start.date()
        times = [(h, m, s) for h in sorted(self.hours) for m in sorted(self.minutes) for s in sorted(self.seconds)]
        for offset in range(_SEARCH_DAYS):
            current = day + timedelta(days=offset)
            if not self._day_matches(current):
                continue
            for hour, minute, second in times:
                candidate = datetime(current.year, current.month, current.day, hour, minute, second, tzinfo=at.tzinfo)
                if candidate >= start:
                    return candidate
        raise CronError(f"{self.expression!r} never fires")
