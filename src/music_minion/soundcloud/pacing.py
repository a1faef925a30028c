"""The process-wide request-rate limit and the shared pause after a 429."""

from __future__ import annotations

import asyncio
import time


class Pacer:
    """Spaces request starts `1/rate` seconds apart (slots are reserved, so waiters never stampede).

    `burst` lets up to that many requests start at once after an idle spell.
    """

    def __init__(self, rate: float, burst: float = 1.0) -> None:
        self.interval = 1.0 / rate
        self.slack = max(0.0, burst - 1.0) * self.interval
        self._next = 0.0
        self._paused_until = 0.0

    def reserve(self) -> float:
        """Reserve the next start slot; returns how long to wait for it."""
        now = time.monotonic()
        slot = max(self._next, now - self.slack, self._paused_until)
        self._next = slot + self.interval
        return slot - now

    async def acquire(self) -> float:
        """Wait for a slot; returns the seconds waited."""
        wait = self.reserve()
        if wait > 0:
            await asyncio.sleep(wait)
            return wait
        return 0.0

    def pause(self, seconds: float) -> None:
        """After a 429: nobody starts a request for `seconds` (the longest pause wins)."""
        until = time.monotonic() + seconds
        if until > self._paused_until:
            self._paused_until = until
            self._next = max(self._next, until)

    def paused_for(self) -> float:
        return max(0.0, self._paused_until - time.monotonic())
