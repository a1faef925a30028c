"""Bad input from the server: every emulator fault mode ends in correct data or a classified error."""

from __future__ import annotations

import time

import pytest

from music_minion.soundcloud.errors import ApiError
from tests.soundcloud.helpers import client, run, set_keys, visible


async def walk_everything(sc, w) -> dict:
    """Every list of every watched artist, my likes and followings, plus single lookups."""
    out: dict = {
        "me": (await sc.me()).urn,
        "likes": [t.urn async for t in sc.my_likes()],
        "followings": [u.urn async for u in sc.my_followings()],
    }
    for a in w.artist_urns:
        out[a] = (
            [t.urn async for t in sc.user_likes(a)],
            [t.urn async for t in sc.user_reposts(a)],
            [t.urn async for t in sc.user_tracks(a)],
            (await sc.user(a)).urn,
        )
    return out


def expected(w) -> dict:
    out: dict = {
        "me": w.me_urn,
        "likes": [u for u in w.likes[w.me_urn] if u not in w.deleted],
        "followings": list(w.followings[w.me_urn]),
    }
    for a in w.artist_urns:
        out[a] = (visible(w, w.likes[a]), visible(w, w.reposts[a]), visible(w, w.uploads[a]), a)
    return out


def walk(emu) -> tuple[dict, dict]:
    async def go():
        async with client() as sc:
            data = await walk_everything(sc, emu.world)
            return data, sc.stats.as_dict()

    return run(go())


@pytest.mark.parametrize(
    "spec,counter",
    [
        ("rate=0.3,seed=3,kinds=429,retry_after=yes", "rate_limited"),
        ("rate=0.3,seed=4,kinds=429,retry_after=no", "rate_limited"),
        ("rate=0.3,seed=5,kinds=500,502,503", "retries"),
        ("rate=0.25,seed=6,kinds=drop", "retries"),
        ("rate=0.3,seed=7,kinds=truncate", "retries"),
        ("rate=0.4,seed=8,kinds=repeat_cursor,empty_page", "cursor_repeats"),
        ("rate=0.25,seed=9", "retries"),  # every kind mixed
    ],
)
def test_fault_storms_end_with_correct_data(logged_in, spec, counter):
    set_keys(
        soundcloud_page_size=4,
        soundcloud_max_retries=12,
        soundcloud_rate_limit_wait_max_s=0.05,
        soundcloud_timeout_s=0.3,
    )
    logged_in.set_faults(spec.replace("rate=", "timeout_s=0.5,rate=", 1))
    data, stats = walk(logged_in)
    logged_in.set_faults(None)
    assert data == expected(logged_in.world)
    assert stats[counter] > 0
    assert stats["errors"] == {}
    if counter == "rate_limited":
        assert stats["wait_s"] > 0


def test_timeouts_are_retried(logged_in):
    set_keys(soundcloud_timeout_s=0.2, soundcloud_max_retries=10)
    logged_in.set_faults("rate=0.3,seed=2,kinds=timeout,timeout_s=0.6")

    async def many():
        async with client() as sc:
            users = [(await sc.user(a)).urn for a in logged_in.world.artist_urns * 3]
            return users, sc.stats

    users, stats = run(many())
    assert users == logged_in.world.artist_urns * 3
    assert stats.retries > 0 and stats.errors == {}


def test_persistent_5xx_gives_up_with_a_transient_error_in_bounded_time(logged_in):
    set_keys(soundcloud_max_retries=3)
    logged_in.set_faults("rate=1,kinds=503")

    async def go():
        async with client() as sc:
            with pytest.raises(ApiError) as e:
                await sc.me()
            return e.value, sc.stats

    t0 = time.monotonic()
    err, stats = run(go())
    assert time.monotonic() - t0 < 5
    assert (err.kind, err.status, err.endpoint) == ("transient", 503, "/me")
    assert stats.requests == 4 and stats.retries == 3 and stats.errors == {"transient": 1}


def test_forever_repeating_cursor_stops_without_looping(logged_in):
    set_keys(soundcloud_page_size=3, soundcloud_max_retries=4)
    w = logged_in.world
    artist = w.artist_urns[0]
    logged_in.set_faults("rate=1,kinds=repeat_cursor")

    async def go():
        async with client() as sc:
            items = [t.urn async for t in sc.user_likes(artist)]
            return items, sc.stats

    items, stats = run(go())
    assert items == visible(w, w.likes[artist])[:3]  # the first page, once (no duplicates)
    assert stats.requests == 1 + 5 and stats.cursor_repeats == 5


def test_endless_empty_pages_end(logged_in):
    set_keys(soundcloud_page_size=3, soundcloud_max_retries=100)
    logged_in.set_faults("rate=1,kinds=empty_page")

    async def go():
        async with client() as sc:
            return [t async for t in sc.my_likes()], sc.stats

    items, stats = run(go())
    assert items == [] and stats.requests <= 30


def test_429_body_reset_time_is_honoured_and_few_429s(start):
    """The emulator's own rate limit: the client waits for reset_time instead of hammering."""
    with start(rate=5, faults="retry_after=no") as emu:
        set_keys(
            soundcloud_requests_per_second=1000,
            soundcloud_max_concurrency=4,
            soundcloud_rate_limit_wait_max_s=5,
        )
        urns = emu.world.artist_urns

        async def go():
            async with client("app") as sc:
                res = await sc.users_many(urns * 4)
                return res, sc.stats

        t0 = time.monotonic()
        res, stats = run(go())
        elapsed = time.monotonic() - t0
    assert res.summary.resolved == len(urns) * 4
    assert stats.rate_limited >= 1
    assert (
        stats.rate_limited <= stats.requests // 2
    )  # each 429 pauses every request, not just its own
    assert (
        elapsed >= (16 - 5) / 5 * 0.95
    )  # the limit's minimum: waited for the resets, no hammering


def test_deleted_blocked_and_private_things(logged_in):
    w = logged_in.world
    artist = w.artist_urns[0]
    blocked = next(u for u in w.likes[artist] if w.tracks[u].access == "blocked")
    gone = logged_in.mutate(delete=1)["deleted"][0]
    other_private = next(
        (p for p in w.playlists.values() if p.sharing == "private" and p.user_urn != w.me_urn), None
    )

    async def go():
        async with client() as sc:
            likes = [t.urn async for t in sc.user_likes(artist)]
            got = await sc.tracks([gone, blocked])
            with pytest.raises(ApiError) as e:
                await sc.track(gone)
            private_err = None
            if other_private is not None:
                with pytest.raises(ApiError) as pe:
                    await sc.playlist(other_private.urn)
                private_err = pe.value
            return likes, got, e.value, private_err, sc.stats

    likes, got, err, private_err, stats = run(go())
    assert blocked not in likes and gone not in likes
    assert (
        [t.urn for t in got] == [blocked]
        and got[0].access == "blocked"
        and got[0].streamable is False
    )
    assert (err.kind, err.status) == ("permanent", 404)
    if private_err is not None:
        assert (private_err.kind, private_err.status) == ("permanent", 404)
    assert stats.retries == 0


def test_create_playlist_is_not_repeated_after_an_unknown_outcome(logged_in):
    w = logged_in.world
    before = len(w.playlists)
    logged_in.set_faults("rate=1,kinds=drop")

    async def go():
        async with client() as sc:
            with pytest.raises(ApiError) as e:
                await sc.create_playlist("x", "private", [])
            return e.value, sc.stats

    err, stats = run(go())
    assert err.kind == "transient" and stats.requests == 1
    assert len(w.playlists) == before
