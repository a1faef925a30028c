"""What a sync says: counts in words ("1 request"), and a partial run's failed artists by name
(a few, then "+N more") with the next step."""

from __future__ import annotations

import re

from tests.discovery.helpers import home_db, watch_all


def watch_ghosts(n: int) -> list[str]:
    """Watch `n` resolved artists SoundCloud does not have: every walk of theirs fails (404)."""
    from music_minion.store import artists as store

    conn = home_db()
    try:
        names = [f"Ghost {i}" for i in range(n)]
        for i, name in enumerate(names):
            urn = f"soundcloud:users:{990000 + i}"
            store.upsert_resolved(conn, store.Resolved(urn, name, f"ghost-{i}", None))
    finally:
        conn.close()
    return names


def test_a_partial_sync_names_the_failed_artists_and_the_next_step(emulator, mm):
    watch_all(emulator)
    ghosts = watch_ghosts(7)
    r = mm("sync", "--no-learn")
    assert r.code == 3, r.err
    failed = [line for line in r.err.splitlines() if line.startswith("failed artists")]
    assert failed == [
        f"failed artists (7): {', '.join(ghosts[:5])} +2 more — HTTP 404 from SoundCloud"
    ]
    assert "next: re-run `music-minion sync` — the failed artists stay due" in r.err
    d = mm("sync", "--all", "--no-learn", "--json").json()
    assert d["status"] == "partial" and sorted(d["failed_artists"]) == sorted(ghosts)
    assert d["failure_reasons"] == {"HTTP 404 from SoundCloud": 7 * len(d["sources"])}
    plan = mm("sync", "--dry-run", "--json").json()
    assert [a["artist"] for a in plan["artists"]] == ghosts  # still due, checked first


def test_an_ok_sync_names_nobody(emulator, mm):
    watch_all(emulator)
    r = mm("sync", "--no-learn")
    assert r.code == 0 and "failed artists" not in r.err and "next:" not in r.err


def test_counts_read_in_the_singular_and_the_plural(emulator, mm):
    from music_minion.words import plural

    assert [plural(n, "request") for n in (0, 1, 2)] == ["0 requests", "1 request", "2 requests"]
    assert (
        plural(1, "match", "matches") == "1 match" and plural(3, "match", "matches") == "3 matches"
    )
    watch_all(emulator)
    r = mm("sync", "--no-learn")
    d = mm("sync", "history", "--json").json()["items"][0]
    n = d["requests"]
    assert re.search(rf"\b{n} requests? in ", r.out)
    assert f"{plural(n, 'request')} in " in r.out and "(s)" not in r.out + r.err


def test_no_command_writes_a_count_with_an_s_in_brackets():
    """`(s)` after a number is what `plural` replaces: no human message keeps one."""
    from pathlib import Path

    import music_minion

    src = Path(music_minion.__file__).parent
    pattern = re.compile(r"\}\s+(?:[a-z]+ )?[a-z]+\(s\)")
    offenders = [
        f"{p.relative_to(src)}:{i}"
        for p in src.rglob("*.py")
        if "emulator" not in p.parts
        for i, line in enumerate(p.read_text("utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []
