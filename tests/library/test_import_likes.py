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
