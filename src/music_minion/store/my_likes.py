"""The `my_likes` table: my own SoundCloud likes (they count as owned), newest first when seen."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from music_minion.store.session import Store


class LikedTrack(NamedTuple):
    """One of my current likes, as the library lists it."""

    urn: str
    title: str | None
    uploader: str | None
    duration_ms: int | None
    liked_seen_at: str


def list_known_urns(conn: Store) -> set[str]:
    """URNs of every track ever recorded as my like."""
    return {
        r[0]
        for r in conn.execute("SELECT t.urn FROM my_likes m JOIN tracks t ON t.id = m.track_id")
    }


def list_current_ids(conn: Store) -> set[int]:
    """Tracks I like now (not marked gone by a full import)."""
    return {r[0] for r in conn.execute("SELECT track_id FROM my_likes WHERE gone_at IS NULL")}


def record(conn: Store, track_ids: Iterable[int], now: str) -> int:
    """Record likes seen now, in newest-first order (index = position); a like seen again loses its
    `gone_at`. Returns how many were new."""
    rows = [(tid, now, pos) for pos, tid in enumerate(dict.fromkeys(track_ids))]
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO my_likes (track_id, first_seen_at, position) VALUES (?, ?, ?)", rows
    )
    new = conn.total_changes - before
    conn.executemany(
        "UPDATE my_likes SET gone_at = NULL WHERE track_id = ? AND gone_at IS NOT NULL",
        [(r[0],) for r in rows],
    )
    return new


def mark_gone_except(conn: Store, seen: set[int], now: str) -> list[int]:
    """After a full walk: likes not seen any more get `gone_at`. Returns their track ids."""
    gone = [tid for tid in list_current_ids(conn) if tid not in seen]
    conn.executemany(
        "UPDATE my_likes SET gone_at = ? WHERE track_id = ?", [(now, tid) for tid in gone]
    )
    return gone


def count(conn: Store) -> int:
    return int(conn.execute("SELECT count(*) FROM my_likes WHERE gone_at IS NULL").fetchone()[0])


def list_liked(conn: Store, limit: int | None = None, offset: int = 0) -> list[LikedTrack]:
    """My current likes, newest first (as SoundCloud listed them when last seen)."""
    rows = conn.execute(
        "SELECT t.urn, t.title, t.uploader_name, t.duration_ms, m.first_seen_at "
        "FROM my_likes m JOIN tracks t ON t.id = m.track_id WHERE m.gone_at IS NULL "
        "ORDER BY m.first_seen_at DESC, m.position, t.id LIMIT ? OFFSET ?",
        (-1 if limit is None else limit, offset),
    )
    return [LikedTrack._make(r) for r in rows]
