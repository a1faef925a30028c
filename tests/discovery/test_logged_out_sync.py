"""Logged out, a sync still walks the public lists but says, in plain words, that my likes and
judgment playlists were not read, and ends partial (exit 3)."""

from __future__ import annotations

from tests.discovery.helpers import watch_all


def test_a_logged_out_sync_is_partial_and_says_why(emulator, mm) -> None:
    watch_all(emulator)
    r = mm("sync")
    assert r.code == 3, r.err
    assert "learn skipped: not logged in: your likes and judgment playlists were not read" in r.err
    assert "music-minion auth login" in r.err
    assert "authorization_code" not in r.out + r.err and "client credentials" not in r.out + r.err
    d = mm("sync", "--all", "--json").json()
    assert d["status"] == "partial" and d["errors"] == {"learn:NotLoggedIn": 1}
    assert d["artists_done"] == 4 and d["learn"]["skipped"]


def test_with_nothing_to_learn_a_logged_out_sync_is_ok(emulator, mm) -> None:
    watch_all(emulator)
    assert mm("config", "set", "judgments.learn_likes", "false").code == 0
    r = mm("sync", "--json")
    assert r.code == 0 and r.json()["status"] == "ok" and "learn" in r.json()
