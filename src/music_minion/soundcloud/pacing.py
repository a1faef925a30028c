"""The limits every request passes: the request-rate pacer (with the shared pause after a 429),
the concurrency cap and the unreachable-host cut-off, behind one `Limiter`."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

from music_minion.soundcloud.errors import Unreachable


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


class Limiter:
    """Every limit a request passes: the concurrency cap, the pacer, the unreachable-host cut-off.

    Consecutive requests that could not even connect (refused, no route, DNS) are counted; past
    `max_concurrency + connect_retries` of them the host is taken as down for this run, and every
    request fails at once with `Unreachable`.
    """

    def __init__(
        self, origin: str, max_concurrency: int, requests_per_second: float, connect_retries: int
    ) -> None:
        self.origin = origin
        self.max_concurrency = max_concurrency
        self.pacer = Pacer(requests_per_second, burst=max(1.0, requests_per_second - 1))
        self._sem = asyncio.Semaphore(max_concurrency)
        self._refused = 0
        self._unreachable_after = max_concurrency + connect_retries

    def open(self) -> None:
        """A fresh concurrency cap for the running event loop."""
        self._sem = asyncio.Semaphore(self.max_concurrency)

    @contextlib.asynccontextmanager
    async def slot(self, template: str) -> AsyncIterator[None]:
        """Hold one of the concurrent slots, after the pacer's start slot; fails if the host is down."""
        async with self._sem:
            if self.host_down():
                raise Unreachable(None, template, self.cannot_connect)
            await self.pacer.acquire()
            yield

    @property
    def cannot_connect(self) -> str:
        """What every request says once the host is down: `cannot connect to HOST:PORT`."""
        return f"cannot connect to {self.origin.split('://', 1)[-1]}"

    def host_down(self) -> bool:
        return self._refused >= self._unreachable_after

    def refused(self) -> None:
        """A request could not connect."""
        self._refused += 1

    def answered(self) -> None:
        """A request reached the server: the host is up."""
        self._refused = 0

    def pause(self, seconds: float) -> float:
        """After a 429: nobody starts for `seconds`; returns how much this adds to the pause."""
        added = max(0.0, seconds - self.pacer.paused_for())
        self.pacer.pause(seconds)
        return added
