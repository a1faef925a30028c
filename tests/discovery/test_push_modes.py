"""Mixes apart on SoundCloud, and `playlist.mode = append` with its 500-track chain."""

from __future__ import annotations

import pytest

from music_minion.discovery import push


def _playlists(emu) -> dict[str, list[str]]:
    """Title -> track URNs of my playlists in the emulator's world."""
    w = emu.world
    return {p.title: list(p.tracks) for p in w.playlists.values() if p.user_urn == w.me.urn}


def _long(emu, urns: list[str]) -> list[bool]:
    return [emu.world.tracks[u].duration_ms > 10 * 60_000 for u in urns]


def test_mixes_go_to_their_own_playlist_in_the_same_push(synced, mm) -> None:
    emu, _ = synced
    assert mm("config", "set", "playlist.mixes_title", "Minion Mixes").code == 0
    r = mm("playlist", "push", "--json")
    assert r.code == 0, r.err
    d = r.json()
    assert d["mixes"]["title"] == "Minion Mixes" and d["mixes"]["size"] > 0
    lists = _playlists(emu)
    assert all(_long(emu, lists["Minion Mixes"]))
    assert not any(_long(emu, lists["Music Minion Discoveries"]))
    assert "“Minion Mixes”" in mm("playlist", "push").out  # both are reported


def test_append_puts_new_picks_on_top_and_keeps_the_old_ones(synced, mm) -> None:
    emu, _ = synced
    assert mm("config", "set", "playlist.mode", "append").code == 0
    assert mm("config", "set", "playlist.size", "3").code == 0
    first = mm("playlist", "push", "--json").json()
    assert first["action"] == "create" and first["size"] == 3
    for urn in first["added"]:  # judged: out of the feed, so the next push brings new picks
        assert mm("judge", urn, "liked").code == 0
    second = mm("playlist", "push", "--json").json()
    assert second["action"] == "append" and len(second["added"]) == 3
    on_soundcloud = _playlists(emu)["Music Minion Discoveries"]
    assert on_soundcloud[:3] == second["added"] and len(on_soundcloud) == 6
    assert second["removed"] == []


def test_append_at_the_cap_starts_the_next_playlist(synced, mm, monkeypatch) -> None:
    emu, _ = synced
    monkeypatch.setattr(push, "SOUNDCLOUD_MAX_TRACKS", 4)  # a small cap instead of 500
    assert mm("config", "set", "playlist.mode", "append").code == 0
    assert mm("config", "set", "playlist.size", "3").code == 0
    for urn in mm("playlist", "push", "--json").json()["added"]:
        mm("judge", urn, "liked")
    d = mm("playlist", "push", "--json").json()
    assert d["action"] == "start the next playlist" and d["title"] == "Music Minion Discoveries 2"
    lists = _playlists(emu)
    assert len(lists["Music Minion Discoveries"]) == 3  # the old one is left whole
    assert lists["Music Minion Discoveries 2"] == d["added"]


@pytest.mark.parametrize(
    "mode,current,expected",
    [
        ("replace", ["a", "b"], (["c", "a"], ["c", "a"], False)),
        ("append", ["a", "b"], (["c", "a", "b"], ["c"], False)),
        ("append", None, (["c", "a"], ["c", "a"], False)),
    ],
)
def test_plan_tracks(mode, current, expected) -> None:
    p = push.plan_tracks(mode, ["c", "a"], current)
    assert (p.urns, p.pushed, p.next_part) == expected
