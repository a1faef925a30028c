"""`library import-likes`: my SoundCloud likes become owned library tracks, incrementally."""

from __future__ import annotations

import sqlite3


def _my_like_urns(home) -> list[str]:
    conn = sqlite3.connect(home / "data" / "music-minion.db")
    rows = conn.execute(
        "SELECT t.urn FROM my_likes m JOIN tracks t ON t.id = m.track_id WHERE m.gone_at IS NULL"
    ).fetchall()
    conn.close()
    return sorted(r[0] for r in rows)


def test_import_likes_is_incremental_and_counts_as_owned(logged_in, mm, home):
    emu = logged_in
    first = mm("library", "import-likes", "--json")
    assert first.code == 0, first.err
    r = first.json()
    expected = emu.call(emu.world.list_for, "likes", emu.user_urn)
    assert r["new"] == r["seen"] == len(expected) > 0 and r["gone"] == 0
    stored = _my_like_urns(home)
    assert stored == sorted(expected)

    emu.reset_stats()
    again = mm("library", "import-likes", "--json").json()
    assert again == {"seen": 0, "new": 0, "gone": 0}
    calls = emu.stats()["by_endpoint"].get("GET /me/likes/tracks", {})
    assert sum(calls.values()) == 1  # one page, stopped at the first known like

    emu.mutate(me_likes=2)
    third = mm("library", "import-likes", "--json").json()
    assert third["new"] == 2 and len(_my_like_urns(home)) == len(stored) + 2


def test_import_likes_needs_a_login(emulator, mm):
    r = mm("library", "import-likes")
    assert r.code == 1 and r.err.startswith("error: ") and "log" in r.err.lower()


def test_imported_likes_show_in_library_list_and_stats(logged_in, mm, home, monkeypatch):
    assert mm("library", "list", "--likes").out.startswith("no likes listed")
    imported = mm("library", "import-likes")
    assert "`library list --likes` lists them" in imported.out
    urns = _my_like_urns(home)
    listed = mm("library", "list", "--likes", "--limit", "0", "--json").json()
    assert sorted(r["urn"] for r in listed) == urns
    assert all(r["title"] and r["uploader"] for r in listed)
    assert len(mm("library", "list", "--likes", "--limit", "2", "--json").json()) == 2

    stats = mm("library", "stats", "--json").json()
    assert (stats["liked_tracks"], stats["owned_tracks"]) == (len(urns), 0)
    assert f"0 linked to files, {len(urns)} liked" in mm("library", "stats").out
    monkeypatch.setenv("COLUMNS", "250")
    files = mm("library", "list")
    assert f"and {len(urns)} SoundCloud likes (owned, no file)" in files.out
    assert listed[0]["title"] in mm("library", "list", "--likes").out

    r = mm("library", "list", "--likes", "--match", "auto")
    assert r.code == 2 and "--likes lists tracks, not files" in r.err
