"""Judging and unjudging several tracks at once, and undoing a batch: by hand, and what a sync
learned from a wrongly configured playlist (with the emulator over loopback)."""

from __future__ import annotations

import sqlite3
from typing import Any

from tests.discovery.helpers import home_db


def verdicts(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    rows = conn.execute(
        "SELECT t.urn, j.verdict, j.source FROM judgments j JOIN tracks t ON t.id = j.track_id"
    )
    return {r[0]: (r[1], r[2]) for r in rows}


def test_judge_several_rows_then_undo_restores_what_each_had(mm, filled, store):
    assert mm("judge", "soundcloud:tracks:2", "liked").code == 0
    assert mm("feed").code == 0  # rows: 1 Three Friends, 2 One Friend
    r = mm("judge", "1", "2", "soundcloud:tracks:2", "not_quite")
    assert r.code == 0, r.err
    assert r.out.splitlines() == [
        "not_quite: 3 tracks (3 changed; batch 2, `music-minion undo` reverts it)"
    ]
    assert {v for v, _ in verdicts(store).values()} == {"not_quite"}
    assert len(verdicts(store)) == 3
    r = mm("undo")
    assert r.code == 0, r.err
    assert r.out.startswith("reverted 3 not_quite judgments made with `judge` at ")
    # the earlier single judgment is back, the two rows are unjudged again
    assert verdicts(store) == {"soundcloud:tracks:2": ("liked", "manual")}
    r = mm("undo", "2")
    assert r.code == 1 and "batch 2 was already undone" in r.err


def test_one_unknown_row_judges_nothing(mm, filled, store):
    shown = len(mm("feed", "--json").json()["items"])
    r = mm("judge", "1", "2", "9", "not_interested")
    assert r.code == 1 and r.err.strip() == (
        f"error: no row 9: the last list showed rows 1–{shown} — run `music-minion feed` and use"
        " a row number it shows"
    )
    assert verdicts(store) == {}
    r = mm("unjudge", "1", "banana")
    assert r.code == 2 and "'banana' is not a track" in r.err
    r = mm("judge", "liked")
    assert r.code == 2 and "give at least one ROW or TRACK, then a VERDICT" in r.err


def test_unjudge_several_and_undo_it(mm, filled, store):
    assert mm("judge", "soundcloud:tracks:1", "soundcloud:tracks:2", "liked").code == 0
    r = mm("unjudge", "soundcloud:tracks:1", "soundcloud:tracks:2", "soundcloud:tracks:3")
    assert r.code == 0, r.err
    assert r.out.strip() == "forgot 2 of 3 judgments (batch 2, `music-minion undo` reverts it)"
    data = mm("unjudge", "soundcloud:tracks:1", "soundcloud:tracks:3", "--json").json()
    assert data == {
        "batch": None,
        "tracks": [
            {"urn": "soundcloud:tracks:1", "title": "Three Friends", "removed": False},
            {"urn": "soundcloud:tracks:3", "title": "One Friend", "removed": False},
        ],
    }
    assert verdicts(store) == {}
    r = mm("undo", "--json")
    assert r.code == 0, r.err
    assert r.json()["reverted"] == {"removed": 2} and r.json()["id"] == 2
    assert verdicts(store) == {
        "soundcloud:tracks:1": ("liked", "manual"),
        "soundcloud:tracks:2": ("liked", "manual"),
    }
    listing = mm("undo", "--list", "--json").json()["items"]
    assert [(b["id"], b["label"], b["changes"]) for b in listing] == [
        (2, "made with `unjudge`", 2),
        (1, "made with `judge`", 2),
    ]
    assert listing[0]["undone_at"] and listing[1]["undone_at"] is None


def test_undo_keeps_a_track_judged_again_since(mm, filled, store):
    assert mm("judge", "soundcloud:tracks:1", "soundcloud:tracks:3", "not_quite").code == 0
    assert mm("judge", "soundcloud:tracks:3", "liked").code == 0
    r = mm("undo", "1")
    assert r.code == 0, r.err
    assert "reverted 1 not_quite judgment made with `judge` at " in r.out
    assert "(1 judged again since: kept)" in r.out
    assert verdicts(store) == {"soundcloud:tracks:3": ("liked", "manual")}


def test_nothing_to_undo(mm, filled):
    r = mm("undo")
    assert r.code == 1 and "nothing to undo" in r.err
    assert "no judgment batches yet" in mm("undo", "--list").err


def _playlist(emu: Any, name: str, urns: list[str]) -> Any:
    return emu.call(emu.world.create_playlist, emu.user_urn, name, urns)


def test_undo_a_wrong_playlist_setting_learned_by_sync(synced, mm):
    from music_minion import config

    emu, _ = synced
    world = emu.world
    mine = set(world.likes[emu.user_urn])
    pool = [
        u
        for u in world.tracks
        if u not in world.deleted and u not in mine and world.tracks[u].access == "playable"
    ]
    wrong = _playlist(emu, "Everything I play", pool)
    right = _playlist(emu, "Meh", pool[:2])
    config.set_value("judgments.not_quite_playlist", wrong.urn)
    assert mm("sync").code == 0
    with home_db() as conn:
        learned = {u for u, (v, _) in verdicts(conn).items() if v == "not_quite"}
    assert learned == set(pool) and len(pool) >= 10

    r = mm("undo")
    assert r.code == 0, r.err
    assert r.out.strip().startswith(
        f"reverted {len(pool)} not_quite judgments learned from playlist {wrong.urn} at "
    )
    # the wrong playlist still holds them: the next sync does not learn them again
    r = mm("sync")
    assert r.code == 0, r.err
    assert f"{len(pool)} undone before (not learned again)" in r.out
    conn = home_db()
    assert not {u for u, (v, _) in verdicts(conn).items() if v == "not_quite"}
    config.set_value("judgments.not_quite_playlist", right.urn)
    assert mm("sync").code == 0
    assert {u for u, (v, _) in verdicts(conn).items() if v == "not_quite"} == set(pool[:2])
    conn.close()
