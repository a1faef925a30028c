"""The `artist_mutes` table: which of an artist's sources (like, repost, upload) are muted."""

from __future__ import annotations

from collections.abc import Iterable

from music_minion.store.session import Store, writer
from music_minion.timeutil import now_iso


@writer
def mute(conn: Store, artist_id: int, kinds: Iterable[str]) -> None:
    """Mute these kinds of the artist (already muted ones keep their time); the artist is touched so
    ranking recomputes its tracks."""
    now = now_iso()
    conn.executemany(
        "INSERT OR IGNORE INTO artist_mutes (artist_id, kind, muted_at) VALUES (?, ?, ?)",
        [(artist_id, k, now) for k in kinds],
    )
    _touch(conn, artist_id, now)


@writer
def unmute(conn: Store, artist_id: int, kinds: Iterable[str]) -> None:
    """Unmute these kinds of the artist."""
    conn.executemany(
        "DELETE FROM artist_mutes WHERE artist_id = ? AND kind = ?",
        [(artist_id, k) for k in kinds],
    )
    _touch(conn, artist_id, now_iso())


def _touch(conn: Store, artist_id: int, now: str) -> None:
    conn.execute("UPDATE artists SET updated_at = ? WHERE id = ?", (now, artist_id))
    conn.execute("INSERT OR IGNORE INTO rank_dirty (artist_id) VALUES (?)", (artist_id,))


def list_muted(conn: Store) -> dict[int, frozenset[str]]:
    """artist_id -> its muted kinds (artists with none left out)."""
    out: dict[int, set[str]] = {}
    for aid, kind in conn.execute("SELECT artist_id, kind FROM artist_mutes"):
        out.setdefault(aid, set()).add(kind)
    return {aid: frozenset(k) for aid, k in out.items()}


def list_muted_kinds(conn: Store, artist_id: int) -> list[str]:
    """The muted kinds of one artist, in the order like, repost, upload."""
    rows = {
        r[0]
        for r in conn.execute("SELECT kind FROM artist_mutes WHERE artist_id = ?", (artist_id,))
    }
    return [k for k in ("like", "repost", "upload") if k in rows]
