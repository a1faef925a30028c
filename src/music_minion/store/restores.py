"""The `restores` table: when a retired track was brought back (what came before no longer counts)."""

from __future__ import annotations

from collections.abc import Iterable

from music_minion.store.session import Store, writer


@writer
def mark(conn: Store, track_ids: Iterable[int], at: str) -> None:
    """Restore these tracks at `at` (a later restore moves the mark)."""
    conn.executemany(
        "INSERT INTO restores (track_id, restored_at) VALUES (?, ?) "
        "ON CONFLICT (track_id) DO UPDATE SET restored_at = excluded.restored_at",
        [(tid, at) for tid in track_ids],
    )


def list_marks(conn: Store) -> dict[int, str]:
    """track_id -> when it was last restored."""
    return {r[0]: r[1] for r in conn.execute("SELECT track_id, restored_at FROM restores")}
