"""A clock for the product that follows the simulated weeks of a taste world.

The product stamps what it sees with `timeutil.now()` (first seen, schedules, judgments) and ranks
by age. A simulated week passes in a second, so `bench_quality` runs the product on the world's
clock instead: `clock.set(t)` jumps to the world's time `t` (Unix seconds) and stays there until
the next `set` (so runs repeat exactly: no stamp depends on how long a request took). Nothing
else changes.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from types import TracebackType


class SimulatedClock:
    """Replaces `music_minion.timeutil.now` (and every module's imported copy) while active."""

    def __init__(self) -> None:
        self._base: float | None = None
        self._patched: list[tuple[object, object]] = []

    def set(self, unix_seconds: float) -> None:
        self._base = float(unix_seconds)

    def now(self) -> datetime:
        if self._base is None:
            return datetime.now(UTC)
        return datetime.fromtimestamp(self._base, UTC)

    def __enter__(self) -> SimulatedClock:
        # Import the modules that bind `now` by name first, so their copies are replaced too.
        import music_minion.discovery.feed
        import music_minion.discovery.fetch_merge
        import music_minion.discovery.sync  # noqa: F401
        from music_minion import timeutil

        original = timeutil.now
        for name, module in list(sys.modules.items()):
            if name.startswith("music_minion") and getattr(module, "now", None) is original:
                self._patched.append((module, original))
                module.now = self.now  # type: ignore[attr-defined]
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for module, original in self._patched:
            module.now = original  # type: ignore[attr-defined]
        self._patched.clear()
