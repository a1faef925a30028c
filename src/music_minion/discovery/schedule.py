"""Adaptive check schedule: quiet artists are checked less and less often, active ones often."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from music_minion.timeutil import to_iso


@dataclass(frozen=True)
class Schedule:
    """The schedule fields written after a check."""

    interval_hours: float
    checked_at: str
    next_check_at: str
    activity_at: str | None


def next_interval(
    current_hours: float | None, had_activity: bool, min_hours: float, max_hours: float
) -> float:
    """New activity resets the interval to the minimum; a quiet check doubles it, capped at the maximum."""
    low = max(0.0, min_hours)
    high = max(low, max_hours)
    if had_activity or not current_hours:
        return low
    return min(max(current_hours * 2, low), high)


def after_check(
    current_hours: float | None,
    had_activity: bool,
    now: datetime,
    min_hours: float,
    max_hours: float,
) -> Schedule:
    """The schedule of an artist just checked at `now`."""
    hours = next_interval(current_hours, had_activity, min_hours, max_hours)
    return Schedule(
        interval_hours=hours,
        checked_at=to_iso(now),
        next_check_at=to_iso(now + timedelta(hours=hours)),
        activity_at=to_iso(now) if had_activity else None,
    )
