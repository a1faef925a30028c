"""`artists suggest` through the real entry point against the emulator."""

from __future__ import annotations

import pytest

from tests.discovery.helpers import home_db


@pytest.fixture
def synced(logged_in, mm):
    """A logged-in home watching half the tiny world's artists (the rest are worth finding)."""
    for urn in logged_in.world.artist_urns[:2]:
        assert mm("artists", "add", urn).code == 0
    r = mm("sync", "--json")
    assert r.code == 0, r.err
    return logged_in, r.json()


def _my_liked(emu) -> set[str]:
    return set(emu.world.likes[emu.world.me_urn])


def test_suggestions_share_my_likes_and_leave_out_watched_and_me(synced, mm) -> None:
    emu, _ = synced
    r = mm("artists", "suggest", "--limit", "50", "--json")
    assert r.code == 0, r.err
    d = r.json()
    rows = d["suggestions"]
    assert rows and d["requests"] > 0
    urns = {s["urn"] for s in rows}
    assert not urns & set(emu.world.artist_urns[:2]) and emu.world.me_urn not in urns
    w = emu.world
    for s in rows:  # each reason is true in the world
        if s["shared"]:
            assert set(w.likes.get(s["urn"], []) + w.reposts.get(s["urn"], [])) & _my_liked(emu)
    scores = [s["score"] for s in rows]
    assert scores == sorted(scores, reverse=True)
    # a second run is served from the cache
    again = mm("artists", "suggest", "--limit", "50", "--json").json()
    assert again["lists"]["fetched"] == 0 and again["requests"] <= 1
    assert [s["urn"] for s in again["suggestions"]] == [s["urn"] for s in rows]


def test_add_watches_the_top_and_they_are_not_suggested_again(synced, mm) -> None:
    d = mm("artists", "suggest", "--add", "1", "--json").json()
    added = [a["urn"] for a in d["added"]]
    assert added == [s["urn"] for s in d["suggestions"][:1]]
    watched = {a["urn"] for a in mm("artists", "list", "--json").json()["items"]}
    assert set(added) <= watched
    again = mm("artists", "suggest", "--json").json()
    assert not set(added) & {s["urn"] for s in again["suggestions"]}
    human = mm("artists", "suggest", "--limit", "3")
    assert human.code == 0 and "liked " in human.out and "of your last" in human.out


def test_no_likes_is_one_line_and_exit_0(emulator, mm) -> None:
    r = mm("artists", "suggest")
    assert r.code == 0 and r.out.strip() == (
        "like a few tracks first (on SoundCloud, or `music-minion judge N liked`), then run `sync`"
    )


def test_budget_and_rate_limits_leave_the_rest_for_a_resuming_run(synced, mm) -> None:
    emu, _ = synced
    assert mm("config", "set", "curators.suggest_budget", "3").code == 0
    assert mm("config", "set", "curators.suggest_pages", "1").code == 0
    first = mm("artists", "suggest", "--json").json()
    assert first["requests"] <= 4 and first["lists"]["pending"] > 0
    assert mm("config", "set", "curators.suggest_budget", "1000").code == 0
    assert mm("config", "set", "soundcloud.max_retries", "0").code == 0
    emu.set_faults("rate=1,kinds=429")
    second = mm("artists", "suggest", "--json")
    assert second.code == 0, second.err
    d = second.json()
    assert d["stopped"] and d["lists"]["cached"] >= first["lists"]["fetched"]
    human = mm("artists", "suggest")
    assert "stopped early: rate limited" in human.err and "run again to resume" in human.err
    emu.set_faults(None)
    done = mm("artists", "suggest", "--json").json()
    assert done["stopped"] is None and done["lists"]["pending"] == 0


def test_deleted_liked_track_is_cached_as_gone(synced, mm) -> None:
    emu, _ = synced
    gone = emu.world.likes[emu.world.me_urn][0]
    assert emu.call(emu.world.delete_track, gone)
    d = mm("artists", "suggest", "--json").json()
    assert d["lists"]["gone"] >= 1 and d["stopped"] is None
    conn = home_db()
    try:
        status = conn.execute(
            "SELECT status FROM suggest_cache WHERE urn = ? AND endpoint = 'favoriters'", (gone,)
        ).fetchone()
    finally:
        conn.close()
    assert status is None or status[0] == "gone"
