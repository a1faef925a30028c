"""Read-only snapshot queries behind `export`: the rows of each exported table, streamed in order.

Every table is read with fixed column lists from a fixed source (a table, or a table joined to
`tracks` so rows name tracks by URN and title, not by internal id); identifiers never come from input. Timestamps come
out either as the stored ISO text or, for columnar formats, as integer Unix seconds computed by
SQLite (NULL stays NULL). Call `begin()` before reading several tables so they form one consistent
snapshot even while a sync writes (WAL readers see the state at their first read).
"""

from __future__ import annotations

from collections.abc import Iterator

from music_minion.store.session import Store
from music_minion.store.sql import SqlValue
from music_minion.vocab import EXPORT_TABLES

# table -> [(exported column, SQL expression, is_timestamp)], in export order.
_SPEC: dict[str, list[tuple[str, str, bool]]] = {
    "tracks": [
        ("track_id", "id", False),
        ("urn", "urn", False),
        ("title", "title", False),
        ("uploader_urn", "uploader_urn", False),
        ("uploader_name", "uploader_name", False),
        ("permalink_url", "permalink_url", False),
        ("duration_ms", "duration_ms", False),
        ("genre", "genre", False),
        ("tags", "tags", False),
        ("bpm", "bpm", False),
        ("created_at", "created_at", True),
        ("access", "access", False),
        ("playback_count", "playback_count", False),
        ("likes_count", "likes_count", False),
        ("reposts_count", "reposts_count", False),
        ("first_seen_at", "first_seen_at", True),
        ("status", "status", False),
        ("status_changed_at", "status_changed_at", True),
    ],
    "provenance": [
        ("track_id", "track_id", False),
        ("artist_id", "artist_id", False),
        ("kind", "kind", False),
        ("first_seen_at", "first_seen_at", True),
        ("position", "position", False),
        ("gone_at", "gone_at", True),
    ],
    "judgments": [
        ("track_urn", "t.urn", False),
        ("title", "t.title", False),
        ("uploader_name", "t.uploader_name", False),
        ("verdict", "j.verdict", False),
        ("source", "j.source", False),
        ("judged_at", "j.judged_at", True),
    ],
    "artists": [
        ("artist_id", "id", False),
        ("urn", "urn", False),
        ("username", "username", False),
        ("permalink_url", "permalink_url", False),
        ("watched", "watched", False),
        ("weight", "weight", False),
        ("tier", "tier", False),
        ("resolve_status", "resolve_status", False),
        ("check_interval_hours", "check_interval_hours", False),
        ("last_checked_at", "last_checked_at", True),
        ("next_check_at", "next_check_at", True),
        ("last_activity_at", "last_activity_at", True),
        ("added_at", "added_at", True),
    ],
    "library": [
        ("file_id", "f.id", False),
        ("path", "f.path", False),
        ("status", "f.status", False),
        ("reason", "f.reason", False),
        ("format", "f.format", False),
        ("artist", "f.artist", False),
        ("title", "f.title", False),
        ("album", "f.album", False),
        ("duration_ms", "f.duration_ms", False),
        ("bpm", "f.bpm", False),
        ("musical_key", "f.musical_key", False),
        ("year", "f.year", False),
        ("size", "f.size", False),
        ("scanned_at", "f.scanned_at", True),
        ("gone_at", "f.gone_at", True),
        ("match_status", "f.match_status", False),
        ("match_score", "f.match_score", False),
        ("matched_at", "f.matched_at", True),
        ("track_urn", "t.urn", False),
        ("track_title", "t.title", False),
        ("track_uploader", "t.uploader_name", False),
    ],
    "runs": [
        ("run_id", "id", False),
        ("started_at", "started_at", True),
        ("finished_at", "finished_at", True),
        ("status", "status", False),
        ("options", "options", False),
        ("artists_planned", "artists_planned", False),
        ("artists_done", "artists_done", False),
        ("tracks_new", "tracks_new", False),
        ("provenance_new", "provenance_new", False),
        ("requests", "requests", False),
        ("stats", "stats", False),
    ],
    "pushes": [
        ("push_id", "p.id", False),
        ("playlist_urn", "p.playlist_urn", False),
        ("started_at", "p.started_at", True),
        ("finished_at", "p.finished_at", True),
        ("status", "p.status", False),
        ("error", "p.error", False),
        ("track_count", "p.track_count", False),
        (
            "track_urns",  # the pushed tracks in playlist order, space-separated
            "(SELECT group_concat(urn, ' ') FROM (SELECT t.urn FROM playlist_push_tracks pt "
            "JOIN tracks t ON t.id = pt.track_id WHERE pt.push_id = p.id ORDER BY pt.position))",
            False,
        ),
    ],
}

# Where each table's rows come from (every row of the first table, once).
_SOURCE = {
    "tracks": "tracks",
    "provenance": "provenance",
    "judgments": "judgments j LEFT JOIN tracks t ON t.id = j.track_id",
    "artists": "artists",
    "library": "local_files f LEFT JOIN tracks t ON t.id = f.track_id",
    "runs": "sync_runs",
    "pushes": "playlist_pushes p",
}

# Row order: chosen so neighbouring rows share values (runs compress well in columnar files).
_ORDER = {
    "tracks": "id",
    "provenance": "first_seen_at, artist_id, kind, position, track_id",
    "judgments": "j.track_id",
    "artists": "id",
    "library": "f.id",
    "runs": "id",
    "pushes": "p.id",
}

# Columnar files: tracks by upload time, so the timestamps and the ids that grow with them delta-encode
# to a few bits (text formats keep the id order).
_COLUMNAR_ORDER = {**_ORDER, "tracks": "created_at, id"}

TABLES: tuple[str, ...] = EXPORT_TABLES


def columns(table: str) -> list[str]:
    """The exported column names of `table`, in order."""
    return [name for name, _, _ in _SPEC[table]]


def timestamp_columns(table: str) -> set[str]:
    return {name for name, _, is_ts in _SPEC[table] if is_ts}


def _select(table: str, epoch_seconds: bool, columnar: bool = False) -> str:
    exprs = []
    for name, expr, is_ts in _SPEC[table]:
        if is_ts and epoch_seconds:
            expr = f"CAST(strftime('%s', {expr}) AS INTEGER)"
        exprs.append(f"{expr} AS {name}")
    # Table, column and order names are the constants above, never input.
    order = (_COLUMNAR_ORDER if columnar else _ORDER)[table]
    return f"SELECT {', '.join(exprs)} FROM {_SOURCE[table]} ORDER BY {order}"  # noqa: S608


def count(conn: Store, table: str) -> int:
    if table not in _SPEC:
        raise ValueError(f"unknown table {table!r}")
    return int(conn.execute(f"SELECT count(*) FROM {_SOURCE[table]}").fetchone()[0])  # noqa: S608 - constant source


def begin(conn: Store) -> None:
    """Start a read transaction: every read until `end()` sees one snapshot."""
    conn.execute("BEGIN")


def end(conn: Store) -> None:
    if conn.in_transaction:
        conn.execute("COMMIT")


def iter_batches(
    conn: Store,
    table: str,
    *,
    epoch_seconds: bool = False,
    columnar: bool = False,
    size: int = 10_000,
) -> Iterator[list[tuple[SqlValue, ...]]]:
    """The rows of `table` as tuples (in `columns(table)` order), `size` at a time, never all in memory.

    `columnar` picks the row order that compresses best in a columnar file."""
    if table not in _SPEC:
        raise ValueError(f"unknown table {table!r}")
    cur = conn.cursor()
    cur.row_factory = None  # plain tuples: cheaper than sqlite3.Row for millions of rows
    cur.execute(_select(table, epoch_seconds, columnar))
    while True:
        rows: list[tuple[SqlValue, ...]] = cur.fetchmany(size)
        if not rows:
            return
        yield rows
