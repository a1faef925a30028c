"""Helpers of the export tests: awkward edge rows for the index, and reading a SQLite export back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from music_minion.store import connect

# A track whose text needs quoting everywhere, with NULLs where the schema allows them.
EDGE_TITLE = 'Café, "Quoted" —\nline two ✓'


def add_edge_rows(conn: sqlite3.Connection) -> int:
    """Insert an unwatched artist and an awkward track with provenance and a judgment; returns the track id."""
    conn.execute(
        "INSERT INTO artists (id, urn, username, watched, weight, added_at, updated_at) "
        "VALUES (9001, 'soundcloud:users:9001', 'Zoë, the \"DJ\"', 0, 0.5, '2026-03-04T05:06:07Z', '2026-03-04T05:06:07Z')"
    )
    conn.execute(
        "INSERT INTO tracks (id, urn, title, uploader_urn, uploader_name, duration_ms, first_seen_at, updated_at, status, status_changed_at) "
        "VALUES (90001, 'soundcloud:tracks:90001', ?, 'soundcloud:users:9001', 'Zoë', 1234, '2026-03-04T05:06:07Z', "
        "'2026-03-04T05:06:07Z', 'deleted', '2026-05-06T07:08:09Z')",
        (EDGE_TITLE,),
    )
    conn.execute(
        "INSERT INTO provenance VALUES (90001, 9001, 'repost', '2026-03-04T05:06:07Z', 0, '2026-06-01T00:00:00Z')"
    )
    conn.execute(
        "INSERT INTO judgments VALUES (90001, 'not_quite', 'manual', '2026-07-08T09:10:11Z')"
    )
    add_history_rows(conn, 90001)
    return 90001


def add_history_rows(conn: sqlite3.Connection, track_id: int) -> None:
    """A local file linked to `track_id` and one not linked, a sync run, and a push of the track."""
    conn.execute(
        "INSERT INTO local_files (id, path, size, mtime_ns, format, title, artist, duration_ms, "
        "scanned_at, track_id, match_status, match_score, matched_at) VALUES (1, '/music/Zoë, \"x\".mp3', "
        "4096, 1, 'mp3', 'Café', 'Zoë', 1234, '2026-03-05T00:00:00Z', ?, 'auto', 95.5, "
        "'2026-03-05T00:00:01Z')",
        (track_id,),
    )
    conn.execute(
        "INSERT INTO local_files (id, path, size, mtime_ns, status, reason, scanned_at) "
        "VALUES (2, '/music/broken.flac', 10, 2, 'unreadable', 'empty file', '2026-03-05T00:00:00Z')"
    )
    conn.execute(
        "INSERT INTO sync_runs (id, started_at, finished_at, status, options, artists_planned, "
        "artists_done, tracks_new, provenance_new, requests, stats) VALUES (1, "
        "'2026-03-06T00:00:00Z', '2026-03-06T00:01:00Z', 'ok', '{\"all\": true}', 3, 3, 5, 9, 12, '{}')"
    )
    conn.execute(
        "INSERT INTO playlist_pushes (id, playlist_urn, started_at, finished_at, status, track_count) "
        "VALUES (1, 'soundcloud:playlists:5', '2026-03-07T00:00:00Z', '2026-03-07T00:00:02Z', 'ok', 1)"
    )
    conn.execute("INSERT INTO playlist_push_tracks VALUES (1, ?, 0)", (track_id,))


def sqlite_rows(path: Path, sql: str) -> list[tuple]:
    """The rows `sql` reads from the SQLite file at `path`, as plain tuples."""
    conn = connect(path, migrate=False)
    conn.row_factory = None
    try:
        return [tuple(r) for r in conn.execute(sql)]
    finally:
        conn.close()
