"""The `full_walks` table: when each (artist, kind) list is next walked in full (the periodic pass)."""

from __future__ import annotations

from music_minion.store.session import Store


def list_due(conn: Store, now: str, stale_before: str) -> set[tuple[int, str]]:
    """(artist id, kind) pairs of watched artists whose full walk is due at `now`, or whose last
    full walk is older than `stale_before` (the period was shortened since)."""
    rows = conn.execute(
        "SELECT f.artist_id, f.kind FROM full_walks f JOIN artists a ON a.id = f.artist_id "
        "WHERE a.watched = 1 AND a.urn IS NOT NULL AND a.resolve_status = 'ok' "
        "AND (f.next_full_at <= ? OR f.last_full_at <= ?)",
        (now, stale_before),
    )
    return {(r[0], r[1]) for r in rows}


def record_full(conn: Store, artist_id: int, kind: str, walked_at: str, next_at: str) -> None:
    """A full walk of (artist, kind) finished at `walked_at`; the next is due at `next_at`."""
    conn.execute(
        "INSERT INTO full_walks (artist_id, kind, next_full_at, last_full_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (artist_id, kind) DO UPDATE SET next_full_at = excluded.next_full_at, "
        "last_full_at = excluded.last_full_at",
        (artist_id, kind, next_at, walked_at),
    )


def ensure(conn: Store, artist_id: int, kind: str, next_at: str) -> None:
    """Give (artist, kind) its first full-walk date unless it has one."""
    conn.execute(
        "INSERT OR IGNORE INTO full_walks (artist_id, kind, next_full_at) VALUES (?, ?, ?)",
        (artist_id, kind, next_at),
    )


def set_next(conn: Store, artist_id: int, kind: str, next_at: str) -> None:
    """Move the next full walk of (artist, kind) (to bring it forward, or to test)."""
    conn.execute(
        "UPDATE full_walks SET next_full_at = ? WHERE artist_id = ? AND kind = ?",
        (next_at, artist_id, kind),
    )
