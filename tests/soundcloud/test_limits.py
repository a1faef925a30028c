"""The shared concurrency cap and request-rate limit, measured against the emulator."""

from __future__ import annotations

import time

from tests.soundcloud.helpers import client, run, set_keys


def _timed_users(urns: list[str]) -> tuple[float, object, object]:
    async def go():
        async with client("app") as sc:
            await sc.user(urns[0])  # token and connection ready before the clock starts
            t0 = time.monotonic()
            res = await sc.users_many(urns)
            return time.monotonic() - t0, res, sc.stats

    return run(go())


def test_concurrency_cap_bounds_requests_in_flight(start):
    with start(faults="latency_ms=100") as emu:
        urns = (emu.world.artist_urns * 2)[:8]
        set_keys(soundcloud_max_concurrency=2)
        capped, res, _ = _timed_users(urns)
        assert res.summary.resolved == 8
        set_keys(soundcloud_max_concurrency=8)
        wide, res, _ = _timed_users(urns)
        assert res.summary.resolved == 8
    assert capped >= 4 * 0.1 * 0.95  # 8 requests, 2 at a time, 100 ms each
    assert wide < capped / 2


def test_rate_limit_is_used_fully_without_429s(start):
    rate, n = 20.0, 40
    with start(rate=rate) as emu:
        set_keys(soundcloud_requests_per_second=rate, soundcloud_max_concurrency=8)
        urns = (emu.world.artist_urns * n)[:n]
        elapsed, res, stats = _timed_users(urns)
    assert res.summary.resolved == n
    assert stats.rate_limited <= 1
    minimum = (n - rate) / rate  # the server's bucket starts with a burst of `rate`
    assert minimum * 0.9 <= elapsed <= minimum * 1.10 + 0.3
