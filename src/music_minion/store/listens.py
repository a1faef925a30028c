"""The `listens` table: what the review page played, when, and for how long."""

from __future__ import annotations

from music_minion.store.session import Store, writer

LISTENS_SQL = "(SELECT count(*) FROM listens l WHERE l.track_id = t.id AND l.counted = 1)"


@writer
def add(conn: Store, track_id: int, seconds: float, counted: bool, at: str) -> None:
    """Record one visit of a track on the page (`counted`: long enough to be a listen)."""
    conn.execute(
        "INSERT INTO listens (track_id, heard_at, seconds, counted) VALUES (?, ?, ?, ?)",
        (track_id, at, seconds, int(counted)),
    )


def count_listens(conn: Store, track_id: int) -> int:
    """How many counted listens a track has."""
    row = conn.execute(
        "SELECT count(*) FROM listens WHERE track_id = ? AND counted = 1", (track_id,)
    ).fetchone()
    return int(row[0])
