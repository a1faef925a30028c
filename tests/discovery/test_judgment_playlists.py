"""Judgment playlists are found among my own playlists first (private ones included, by URL or by
title), then among public ones; one that cannot be read makes the sync partial, said once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.discovery.helpers import home_db, watch_all


def mine(emu: Any, title: str) -> Any:
    return next(p for p in emu.world.playlists.values() if p.title == title)


def page_url(emu: Any, pl: Any) -> str:
    return f"https://soundcloud.com/{emu.world.users[pl.user_urn].permalink}/sets/{pl.permalink}"


def judged(verdict: str) -> set[str]:
    conn = home_db()
    try:
        rows = conn.execute(
            "SELECT t.urn FROM judgments j JOIN tracks t ON t.id = j.track_id WHERE j.verdict = ?",
            (verdict,),
        )
        return {r[0] for r in rows}
    finally:
        conn.close()


def test_the_emulator_hides_private_playlists_from_resolve_but_lists_them_as_mine(logged_in):
    from music_minion import config
    from music_minion.soundcloud.client import SoundCloudClient
    from music_minion.soundcloud.errors import NotFound

    private = mine(logged_in, "Not interested")
    assert private.sharing == "private"

    async def go() -> list[str]:
        async with SoundCloudClient.from_config(config.load(), auth="user") as client:
            with pytest.raises(NotFound):
                await client.resolve(page_url(logged_in, private))
            return [p.urn async for p in client.my_playlists()]

    assert private.urn in asyncio.run(go())


def test_private_playlists_by_share_link_and_by_title_are_learned(logged_in, mm):
    nope, meh = mine(logged_in, "Not interested"), mine(logged_in, "Not quite")
    mm(
        "config",
        "set",
        "judgments.not_interested_playlist",
        page_url(logged_in, nope) + "/s-Xy12ab",
    )
    mm("config", "set", "judgments.not_quite_playlist", "  not QUITE ")
    mm("config", "set", "soundcloud.page_size", "1")  # my playlists come one page at a time
    watch_all(logged_in)
    r = mm("sync", "--json")
    assert r.code == 0, r.err
    d = r.json()
    assert d["client"]["by_endpoint"]["/me/playlists"] >= 3
    assert d["status"] == "ok" and d["learn"]["errors"] == {}
    assert d["learn"]["playlists"] == {
        "not_interested": len(nope.tracks),
        "not_quite": len(meh.tracks),
    }
    assert judged("not_interested") == set(nope.tracks) - set(
        logged_in.world.likes[logged_in.user_urn]
    )
    assert judged("not_quite") and judged("not_quite") <= set(meh.tracks)


def test_someone_elses_public_playlist_resolves_by_url(logged_in, mm):
    w = logged_in.world
    dj = w.artist_urns[0]
    other = logged_in.call(w.create_playlist, dj, "Warm-up", w.uploads[dj][:3], "public")
    mm("config", "set", "judgments.not_quite_playlist", page_url(logged_in, other))
    d = mm("sync", "--json").json()
    assert d["status"] == "ok" and d["learn"]["playlists"]["not_quite"] == 3


@pytest.mark.parametrize(
    ("ref", "said"),
    [
        (
            "https://soundcloud.com/nobody/sets/gone",
            "no playlist at https://soundcloud.com/nobody/sets/gone",
        ),
        ("Never made this one", "none of your playlists is titled 'Never made this one'"),
    ],
)
def test_a_missing_playlist_makes_the_sync_partial_and_is_said_once(logged_in, mm, ref, said):
    watch_all(logged_in)
    mm("config", "set", "judgments.not_interested_playlist", ref)
    r = mm("sync")
    assert r.code == 3, r.err
    lines = [line for line in r.err.splitlines() if said in line]
    assert len(lines) == 1 and "not_interested" in lines[0], r.err
    assert "permanent" not in r.err and "{urn}" not in r.err
    d = mm("sync", "--all", "--json").json()
    assert d["status"] == "partial" and d["errors"] == {"learn:not_interested": 1}
