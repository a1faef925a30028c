"""Adaptive check schedule: the longer an artist has been quiet, the less often it is checked.

The interval is half the time since the artist's last new activity (or since it was added, when it
never had any), within `[min, max]`: quiet for two days → checked daily; quiet for two weeks or
more → weekly (the default maximum). It grows with time, never with the number of checks, so five
`sync --all` runs in a few minutes leave it where it was. New activity resets it to the minimum.
"""

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
    quiet_hours: float, had_activity: bool, min_hours: float, max_hours: float
) -> float:
    """New activity resets the interval to the minimum; else half the quiet time, within bounds."""
    low = max(0.0, min_hours)
    high = max(low, max_hours)
    if had_activity:
        return low
    return min(max(quiet_hours / 2, low), high)


def after_check(
    quiet_since: datetime | None,
    had_activity: bool,
    now: datetime,
    min_hours: float,
    max_hours: float,
) -> Schedule:
    """The schedule of an artist just checked at `now`, quiet since `quiet_since` (its last new
    activity, else when it was added; None: unknown, as if just added)."""
    quiet = 0.0 if quiet_since is None else max((now - quiet_since).total_seconds() / 3600, 0.0)
    hours = next_interval(quiet, had_activity, min_hours, max_hours)
    return Schedule(
        interval_hours=hours,
        checked_at=to_iso(now),
        next_check_at=to_iso(now + timedelta(hours=hours)),
        activity_at=to_iso(now) if had_activity else None,
    )
