"""The `playlist_pushes` tables: what was pushed to the discovery playlist, when, and how it went."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from music_minion.store.session import Store
from music_minion.store.sql import inserted_id


def start(
    conn: Store,
    playlist_urn: str | None,
    track_ids: Sequence[int],
    now: str,
    mode: str = "replace",
) -> int:
    """Record a push about to be made (status 'pending') with its tracks in order; returns its id.
    `mode`: 'replace' (the tracks are the whole playlist) or 'append' (they go on top of it)."""
    if mode not in ("replace", "append"):
        raise ValueError(mode)
    cur = conn.execute(
        "INSERT INTO playlist_pushes (playlist_urn, started_at, status, track_count, mode) "
        "VALUES (?, ?, 'pending', ?, ?)",
        (playlist_urn, now, len(track_ids), mode),
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


class OkPush(NamedTuple):
    """A successful push: where, when it finished, and whether it replaced the playlist."""

    id: int
    playlist_urn: str | None
    finished_at: str
    replaced: bool


def list_ok_pushes(conn: Store) -> list[OkPush]:
    """Every successful push, oldest first."""
    return [
        OkPush(r[0], r[1], r[2], r[3] == "replace")
        for r in conn.execute(
            "SELECT id, playlist_urn, finished_at, mode FROM playlist_pushes "
            "WHERE status = 'ok' AND finished_at IS NOT NULL ORDER BY finished_at, id"
        )
    ]


def list_ok_push_tracks(conn: Store, *, unjudged: bool = False) -> list[tuple[int, int, int]]:
    """(push_id, track_id, position) of every track of a successful push (`unjudged`: only
    tracks without a judgment)."""
    rows = conn.execute(
        "SELECT pt.push_id, pt.track_id, pt.position FROM playlist_push_tracks pt "
        "JOIN playlist_pushes pp ON pp.id = pt.push_id WHERE pp.status = 'ok' AND (? = 0 OR "
        "NOT EXISTS (SELECT 1 FROM judgments j WHERE j.track_id = pt.track_id))",
        (int(unjudged),),
    )
    return [(r[0], r[1], r[2]) for r in rows]


def list_pushed_tracks(conn: Store, push_id: int) -> list[str]:
    """URNs of a push's tracks in order."""
    rows = conn.execute(
        "SELECT t.urn FROM playlist_push_tracks p JOIN tracks t ON t.id = p.track_id WHERE p.push_id = ? ORDER BY p.position",
        (push_id,),
    )
    return [r[0] for r in rows]
