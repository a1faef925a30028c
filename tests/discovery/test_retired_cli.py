"""Retired tracks and the playlist commands through the real entry point, against the emulator:
pushes seconds apart retire nothing, aged pushes do, `feed --retired` lists them, `restore` brings
them back; `playlist show`, `push --dry-run` and `sync --push` show the playlist by title."""

from __future__ import annotations

import re
import sqlite3

from tests.discovery.builder import ago

LINE = re.compile(
    r"pushed (\d+) tracks to “Music Minion Discoveries” — (https://\S+); (\d+) new, (\d+) retired"
)


def feed_urns(mm) -> set[str]:
    return {r["urn"] for r in mm("feed", "--limit", "1000", "--json").json()["items"]}


def my_playlist(emu, title: str = "Music Minion Discoveries") -> list[str]:
    w = emu.world
    (found,) = [p for p in w.playlists.values() if p.user_urn == w.me.urn and p.title == title]
    return list(found.tracks)


def test_push_push_sync_push_seconds_apart_retire_nothing(synced, mm) -> None:
    emu, _ = synced
    first = mm("playlist", "push", "--json").json()
    assert first["size"] > 0 and first["retired"] == []
    assert mm("playlist", "push").code == 0
    r = mm("sync", "--push")
    assert r.code == 0, r.err
    found = LINE.fullmatch(r.out.strip().splitlines()[-1])
    assert found is not None, r.out
    assert (int(found[1]), found[3], found[4]) == (first["size"], "0", "0")
    assert found[2].startswith("https://soundcloud.com/")
    assert set(my_playlist(emu)) == set(first["added"])  # nothing was retired
    assert mm("feed", "--retired", "--json").json()["items"] == []
    again = mm("sync", "--push", "--json").json()["push"]
    assert again["removed"] == [] and again["retired"] == [] and again["size"] == first["size"]


def age_pushes(store: sqlite3.Connection, *days: float) -> None:
    """Move the ok pushes back in time, oldest first: as if they were made `days` ago."""
    ids = [
        r[0]
        for r in store.execute("SELECT id FROM playlist_pushes WHERE status = 'ok' ORDER BY id")
    ]
    assert len(ids) == len(days)
    for push_id, d in zip(ids, days, strict=True):
        store.execute(
            "UPDATE playlist_pushes SET finished_at = ? WHERE id = ?", (ago(days=d), push_id)
        )


def test_aged_pushes_retire_and_restore_brings_them_back(synced, mm, store, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # the table's rows on one line each
    assert mm("config", "set", "playlist.size", "3").code == 0
    assert mm("config", "set", "ranking.per_artist_cap", "50").code == 0  # every candidate shows
    pushed = mm("playlist", "push", "--json").json()["added"]
    assert len(pushed) == 3 and mm("playlist", "push").code == 0
    age_pushes(store, 5, 2)
    retired = mm("feed", "--retired", "--json").json()["items"]
    assert {r["urn"] for r in retired} == set(pushed)
    assert {r["reason"] for r in retired} == {"pushed 2 times over 5 days, never judged"}
    assert all(r["title"] and r["uploader"] and r["link"] and r["pushes"] == 2 for r in retired)
    assert not feed_urns(mm) & set(pushed)
    text = mm("feed", "--retired").out
    assert "never judged" in text and retired[0]["title"] in text

    dry = mm("playlist", "push", "--dry-run", "--json").json()
    assert set(dry["removed"]) == set(dry["retired"]) == set(pushed)
    real = mm("playlist", "push")
    assert LINE.fullmatch(real.out.strip()) and real.out.strip().endswith("; 3 new, 3 retired")

    one = mm("restore", "1", "--json").json()  # row 1 of the last `feed --retired`
    assert [r["urn"] for r in one["restored"]] == [retired[0]["urn"]]
    assert retired[0]["urn"] in feed_urns(mm)
    r = mm("restore", retired[1]["link"])
    assert r.code == 0 and r.out.startswith(f"restored: {retired[1]['title']} — ")
    rest = mm("restore", "--all", "--json").json()
    assert [x["urn"] for x in rest["restored"]] == [retired[2]["urn"]]
    assert set(pushed) <= feed_urns(mm) and mm("feed", "--retired", "--json").json()["items"] == []
    assert "no retired tracks" in mm("feed", "--retired").err
    again = mm("restore", retired[0]["urn"], "--json").json()
    assert again == {"restored": [], "not_retired": [retired[0]["urn"]]}
    assert len(mm("playlist", "show", "--json").json()["pushes"]) == 3  # the history is kept


def test_restore_and_feed_retired_usage(synced, mm) -> None:
    for args in (("restore",), ("restore", "--all", "1"), ("feed", "--retired", "--mixes")):
        r = mm(*args)
        assert r.code == 2 and r.err.count("\n") == 1 and r.err.startswith("error: "), args
    r = mm("restore", "soundcloud:tracks:999999999")
    assert r.code == 1 and "not in the index" in r.err and r.err.count("\n") == 1


def test_playlist_show_lists_the_tracks_and_the_link(synced, mm, store, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    emu, _ = synced
    assert "not created yet" in mm("playlist", "show").out
    pushed = mm("playlist", "push", "--json").json()
    show = mm("playlist", "show", "--json").json()
    assert show["link"] == pushed["link"] and show["link"].startswith("https://soundcloud.com/")
    assert [t["urn"] for t in show["tracks"]] == my_playlist(emu)
    titles = dict(store.execute("SELECT urn, title FROM tracks").fetchall())
    assert all(t["title"] == titles[t["urn"]] and t["uploader"] for t in show["tracks"])
    text = mm("playlist", "show").out
    assert show["link"] in text and show["tracks"][0]["title"] in text
    rows = [line.split("\t") for line in text.splitlines() if "\t" in line]
    assert rows[-len(show["tracks"]) - 1][0] == "#"  # piped: the tracks, under their header row
    assert [r[3] for r in rows[-len(show["tracks"]) :]] == [t["link"] for t in show["tracks"]]


def test_playlist_show_follows_append_pushes(synced, mm) -> None:
    emu, _ = synced
    assert mm("config", "set", "playlist.mode", "append").code == 0
    assert mm("config", "set", "playlist.size", "2").code == 0
    for urn in mm("playlist", "push", "--json").json()["added"]:
        assert mm("judge", urn, "not_quite").code == 0
    assert len(mm("playlist", "push", "--json").json()["added"]) == 2
    show = mm("playlist", "show", "--json").json()
    assert [t["urn"] for t in show["tracks"]] == my_playlist(emu) and len(show["tracks"]) == 4


def test_playlist_show_has_the_mixes_playlist_too(synced, mm) -> None:
    emu, _ = synced
    assert mm("config", "set", "playlist.mixes_title", "Minion Mixes").code == 0
    assert mm("playlist", "push").code == 0
    mixes = mm("playlist", "show", "--json").json()["mixes"]
    assert mixes["title"] == "Minion Mixes" and mixes["link"].startswith("https://")
    assert [t["urn"] for t in mixes["tracks"]] == my_playlist(emu, "Minion Mixes") != []
    assert "playlist: “Minion Mixes” (private) — https://" in mm("playlist", "show").out


def test_dry_run_warns_on_an_empty_feed(logged_in, mm) -> None:
    r = mm("playlist", "push", "--dry-run")
    assert r.code == 0 and "warning: the feed has nothing" in r.err
    assert mm("playlist", "push", "--dry-run", "--json").json()["feed_size"] == 0
