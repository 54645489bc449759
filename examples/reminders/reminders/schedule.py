"""Calling hours: when reminder calls may be placed, in the recipients' local time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timezone, tzinfo


@dataclass(frozen=True)
class CallingHours:
    """A daily window ``[start, end)`` in ``tz`` during which calls may be placed.

    A window whose end is before its start runs over midnight (``start=22:00, end=06:00``).
    ``weekdays`` are ``datetime.weekday()`` numbers (Monday is 0); by default every day.
    """

    start: time = time(9, 0)
    end: time = time(20, 0)
    tz: tzinfo = timezone.utc
    weekdays: frozenset[int] = field(default_factory=lambda: frozenset(range(7)))

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise ValueError("calling hours need start != end")
        if not self.weekdays <= frozenset(range(7)):
            raise ValueError(f"weekdays must be 0..6, not {sorted(self.weekdays)}")

    def allows(self, moment: datetime) -> bool:
        """True if a call may be placed at ``moment`` (a timezone-aware datetime)."""
        if moment.tzinfo is None:
            raise ValueError("calling hours need a timezone-aware datetime")
        local = moment.astimezone(self.tz)
        clock = local.time().replace(tzinfo=None)
        if self.start < self.end:
            return local.weekday() in self.weekdays and self.start <= clock < self.end
        # Over midnight: the part after midnight belongs to the previous day's window.
        if clock >= self.start:
            return local.weekday() in self.weekdays
        if clock < self.end:
            return (local.weekday() - 1) % 7 in self.weekdays
        return False
