"""The `playlist_pushes` tables: what was pushed to the discovery playlist, when, and how it went."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from music_minion.store.session import Store
from music_minion.store.sql import inserted_id


def start(conn: Store, playlist_urn: str | None, track_ids: Sequence[int], now: str) -> int:
    """Record a push about to be made (status 'pending') with its tracks in order; returns its id."""
    cur = conn.execute(
        "INSERT INTO playlist_pushes (playlist_urn, started_at, status, track_count) VALUES (?, ?, 'pending', ?)",
        (playlist_urn, now, len(track_ids)),
    )
    push_id = inserted_id(cur)
    conn.executemany(
        "INSERT INTO playlist_push_tracks (push_id, track_id, position) VALUES (?, ?, ?)",
        [(push_id, tid, pos) for pos, tid in enumerate(track_ids)],
    )
    return push_id


def finish(
    conn: Store,
    push_id: int,
    status: str,
    now: str,
    *,
    playlist_urn: str | None = None,
    error: str | None = None,
) -> None:
    """Close a push as 'ok' or 'failed' (a failure keeps its error text: never a secret)."""
    if status not in ("ok", "failed"):
        raise ValueError(status)
    conn.execute(
        "UPDATE playlist_pushes SET status = ?, finished_at = ?, error = ?, playlist_urn = coalesce(?, playlist_urn) WHERE id = ?",
        (status, now, error, playlist_urn, push_id),
    )


def list_pushes(conn: Store, limit: int = 20) -> list[dict[str, Any]]:
    """The latest pushes, newest first."""
    rows = conn.execute(
        "SELECT id, playlist_urn, started_at, finished_at, status, error, track_count FROM playlist_pushes "
        "ORDER BY id DESC LIMIT ?",
        (limit,),
    )
    return [dict(r) for r in rows]


def list_pushed_tracks(conn: Store, push_id: int) -> list[str]:
    """URNs of a push's tracks in order."""
    rows = conn.execute(
        "SELECT t.urn FROM playlist_push_tracks p JOIN tracks t ON t.id = p.track_id WHERE p.push_id = ? ORDER BY p.position",
        (push_id,),
    )
    return [r[0] for r in rows]
