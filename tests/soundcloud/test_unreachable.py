"""An API host that cannot be reached fails fast, with one clear classification, never a long hang."""

from __future__ import annotations

import asyncio
import time

from music_minion import config
from music_minion.emulator.testing import free_port
from music_minion.soundcloud.client import SoundCloudClient
from music_minion.soundcloud.errors import ApiError
from music_minion.soundcloud.retry import CONNECT_RETRIES


def test_refused_connections_give_up_quickly_for_the_whole_run(logged_in, home):
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    config.set_value("soundcloud.api_base", dead)
    config.set_value("soundcloud.backoff_base_s", "0.05")
    config.set_value("soundcloud.max_retries", "6")
    cfg = config.load()

    async def go() -> tuple[list[BaseException | object], dict]:
        async with SoundCloudClient.from_config(cfg, auth="user") as sc:
            results = await asyncio.gather(
                *(sc.user(f"soundcloud:users:{i}") for i in range(40)), return_exceptions=True
            )
            return results, sc.stats.as_dict()

    started = time.monotonic()
    results, stats = asyncio.run(go())
    assert time.monotonic() - started < 5
    assert all(isinstance(r, ApiError) and r.kind == "transient" for r in results)
    assert {str(r.message) for r in results} == {
        f"cannot connect to {dead.removeprefix('http://')}"
    }
    # Only the requests in flight when the host was given up touch the network (not 40 × 7 tries).
    assert stats["requests"] <= 2 * cfg["soundcloud.max_concurrency"] + CONNECT_RETRIES


def test_sync_against_a_dead_host_ends_quickly_and_keeps_artists_due(logged_in, mm, home):
    from tests.discovery.helpers import watch_all

    watch_all(logged_in)
    config.set_value("soundcloud.api_base", f"http://127.0.0.1:{free_port()}")
    started = time.monotonic()
    r = mm("sync", "--json")
    assert time.monotonic() - started < 15
    assert r.code != 0
    summary = r.json()
    assert summary["artists_done"] == 0 and summary["errors"].get("transient", 0) > 0
    plan = mm("sync", "--dry-run", "--json").json()
    assert plan["artists_planned"] == len(logged_in.world.artist_urns)  # still due


def test_a_dead_token_endpoint_is_unreachable_not_a_long_transient_retry(home):
    """Resolving an artist offline needs an app token first: a token endpoint that cannot be
    connected to is `Unreachable`, so the retries stop after CONNECT_RETRIES, not max_retries."""
    import aiohttp

    from music_minion.soundcloud.errors import Unreachable
    from music_minion.soundcloud.oauth import AppSettings, _token_attempt

    dead = f"http://127.0.0.1:{free_port()}"
    app = AppSettings(dead, dead, "id", "secret", dead + "/callback", 5.0)

    async def go() -> object:
        async with aiohttp.ClientSession() as http:
            return await _token_attempt(http, app, {"grant_type": "client_credentials"}, {})

    err = asyncio.run(go())
    assert isinstance(err, Unreachable) and "cannot connect to 127.0.0.1:" in err.message


def test_adding_an_artist_offline_says_it_cannot_connect(mm, home):
    dead = f"http://127.0.0.1:{free_port()}"
    for key, value in (
        ("soundcloud.api_base", dead),
        ("soundcloud.auth_base", dead),
        ("soundcloud.client_id", "id"),
        ("soundcloud.client_secret", "secret"),
    ):
        assert mm("config", "set", key, value).code == 0
    r = mm("artists", "add", "some-dj")
    assert r.code == 1
    assert f"cannot connect to {dead.removeprefix('http://')}, will retry on the next sync" in r.err
