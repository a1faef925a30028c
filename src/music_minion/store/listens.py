"""The `listens` table: what the review page played, when, and for how long."""

from __future__ import annotations

from music_minion.store.session import Store, writer


@writer
def add(conn: Store, track_id: int, seconds: float, counted: bool, at: str) -> None:
    """Record one visit of a track on the page (`counted`: long enough to be a listen)."""
    conn.execute(
        "INSERT INTO listens (track_id, heard_at, seconds, counted) VALUES (?, ?, ?, ?)",
        (track_id, at, seconds, int(counted)),
    )


def count_listens(conn: Store, track_id: int) -> int:
    """How many counted listens a track has since it was last restored."""
    row = conn.execute(
        "SELECT count(*) FROM listens WHERE track_id = ? AND counted = 1 AND heard_at > "
        "coalesce((SELECT restored_at FROM restores WHERE track_id = ?), '')",
        (track_id, track_id),
    ).fetchone()
    return int(row[0])


def list_unjudged_listens(conn: Store) -> list[tuple[int, str]]:
    """(track_id, heard_at) of every counted listen of a track without a judgment, oldest first."""
    rows = conn.execute(
        "SELECT l.track_id, l.heard_at FROM listens l WHERE l.counted = 1 AND NOT EXISTS "
        "(SELECT 1 FROM judgments j WHERE j.track_id = l.track_id) ORDER BY l.heard_at, l.id"
    )
    return [(r[0], r[1]) for r in rows]
