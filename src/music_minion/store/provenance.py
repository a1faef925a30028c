"""The `provenance` table (who surfaced which track, how, first seen when) and the per-source merge.

A merge of one (artist, kind) walk runs in one `BEGIN IMMEDIATE` transaction: tracks upserted by
URN, provenance rows inserted with INSERT OR IGNORE (the first `first_seen_at` and `position` win),
optionally the artist's schedule updated. Rows are never deleted: a full pass that no longer sees a
row sets its `gone_at`, and seeing it again clears it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from music_minion.store import tracks as tracks_store
from music_minion.store.session import Store
from music_minion.store.tracks import TrackRow
from music_minion.vocab import PROVENANCE_KINDS as KINDS


@dataclass
class MergeResult:
    """What one merge changed."""

    tracks_new: int = 0
    provenance_new: int = 0
    gone: int = 0
    revived: int = 0


def has_any(conn: Store, artist_id: int, kind: str) -> bool:
    """Whether anything is recorded for (artist, kind) yet."""
    return (
        conn.execute(
            "SELECT 1 FROM provenance WHERE artist_id = ? AND kind = ? LIMIT 1", (artist_id, kind)
        ).fetchone()
        is not None
    )


def is_known(conn: Store, artist_id: int, kind: str, urn: str) -> bool:
    """Whether this track is already recorded for (artist, kind) (two index lookups)."""
    return (
        conn.execute(
            "SELECT 1 FROM tracks t JOIN provenance p ON p.track_id = t.id WHERE t.urn = ? AND p.artist_id = ? AND p.kind = ?",
            (urn, artist_id, kind),
        ).fetchone()
        is not None
    )


def list_known_urns(conn: Store, artist_id: int, kind: str) -> set[str]:
    """URNs of every track already recorded for (artist, kind), gone or not."""
    rows = conn.execute(
        "SELECT t.urn FROM provenance p JOIN tracks t ON t.id = p.track_id WHERE p.artist_id = ? AND p.kind = ?",
        (artist_id, kind),
    )
    return {r[0] for r in rows}


class TrackCache:
    """The writer's memory of tracks it has written this run: URN -> (id, row).

    A track liked by many artists is upserted once per run instead of once per artist, and its id
    never needs a lookup again. Only the single writer may hold one (it mirrors its writes).
    """

    def __init__(self) -> None:
        self.rows: dict[str, tuple[int, TrackRow]] = {}


def merge_source(
    conn: Store,
    artist_id: int,
    kind: str,
    rows: Sequence[TrackRow],
    now: str,
    *,
    full: bool = False,
    also: Callable[[Store], None] | None = None,
    cache: TrackCache | None = None,
) -> MergeResult:
    """Merge one newest-first walk of (artist, kind), atomically.

    `rows` are `tracks.TrackRow`s, newest first; a row's index in the walk is its
    `position` (0 = newest in the list as seen now). Duplicated URNs keep their first position.
    `full` means the walk saw the whole list: rows not in it get `gone_at`, rows in it lose it.
    `also(conn)` runs inside the same transaction (the schedule update). Inside a caller's
    `atomic()` block the merge joins it without a savepoint (a savepoint makes SQLite journal every
    page the merge touches, a third of the merge's time): a writer groups several merges in one
    commit, and a failed merge fails the whole group.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown provenance kind {kind!r}")
    with conn.atomic(savepoint=False):
        return _merge(conn, artist_id, kind, rows, now, full, also, cache)


def _merge(
    conn: Store,
    artist_id: int,
    kind: str,
    rows: Sequence[TrackRow],
    now: str,
    full: bool,
    also: Callable[[Store], None] | None,
    cache: TrackCache | None,
) -> MergeResult:
    positions: dict[str, int] = {}
    unique: list[TrackRow] = []
    for r in rows:
        if r[0] not in positions:
            positions[r[0]] = len(positions)
            unique.append(r)
    known = cache.rows if cache is not None else {}
    # Rows this writer already wrote with the same payload need no upsert and no id lookup.
    todo = [r for r in unique if (hit := known.get(r[0])) is None or hit[1] != r]
    ids = {u: known[u][0] for u in positions if u in known}
    lookup = [r[0] for r in todo if r[0] not in ids]
    ids.update(tracks_store.get_ids_by_urn(conn, lookup))
    new_urns = [u for u in lookup if u not in ids]
    tracks_store.upsert_tracks(conn, todo, now)
    if new_urns:
        ids.update(tracks_store.get_ids_by_urn(conn, new_urns))
    if cache is not None:
        for r in todo:
            known[r[0]] = (ids[r[0]], r)
    result = MergeResult(tracks_new=len(new_urns))
    before = conn.total_changes
    # Sorted by track id: the primary key's B-tree is written in order (far fewer pages touched).
    conn.executemany(
        "INSERT OR IGNORE INTO provenance (track_id, artist_id, kind, first_seen_at, position) VALUES (?, ?, ?, ?, ?)",
        sorted((ids[u], artist_id, kind, now, pos) for u, pos in positions.items()),
    )
    result.provenance_new = conn.total_changes - before
    if full:
        result.gone, result.revived = _mark_presence(conn, artist_id, kind, set(ids.values()), now)
    if also is not None:
        also(conn)
    return result


def _mark_presence(
    conn: Store, artist_id: int, kind: str, seen: set[int], now: str
) -> tuple[int, int]:
    """After a complete walk: set gone_at on rows not seen, clear it on rows seen again."""
    current = conn.execute(
        "SELECT track_id, gone_at FROM provenance WHERE artist_id = ? AND kind = ?",
        (artist_id, kind),
    ).fetchall()
    gone = [
        (now, tid, artist_id, kind)
        for tid, gone_at in current
        if gone_at is None and tid not in seen
    ]
    back = [
        (tid, artist_id, kind) for tid, gone_at in current if gone_at is not None and tid in seen
    ]
    if gone:
        conn.executemany(
            "UPDATE provenance SET gone_at = ? WHERE track_id = ? AND artist_id = ? AND kind = ?",
            gone,
        )
    if back:
        conn.executemany(
            "UPDATE provenance SET gone_at = NULL WHERE track_id = ? AND artist_id = ? AND kind = ?",
            back,
        )
    return len(gone), len(back)


def list_gone_track_urns(conn: Store) -> list[str]:
    """URNs of 'ok' tracks whose every provenance row is gone (candidates for a lookup)."""
    rows = conn.execute(
        "SELECT t.urn FROM tracks t WHERE t.status = 'ok' AND EXISTS (SELECT 1 FROM provenance p WHERE p.track_id = t.id) "
        "AND NOT EXISTS (SELECT 1 FROM provenance p WHERE p.track_id = t.id AND p.gone_at IS NULL)"
    )
    return [r[0] for r in rows]


def count(conn: Store) -> int:
    return int(conn.execute("SELECT count(*) FROM provenance").fetchone()[0])
