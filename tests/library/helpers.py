"""Helpers of the library tests: SoundCloud track rows and what the store holds of local files."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path


def add_tracks(conn: sqlite3.Connection, rows: Iterable[tuple]) -> list[int]:
    """Insert SoundCloud tracks: (id, title, uploader_name, duration_s[, permalink_url]) rows."""
    ids = []
    for row in rows:
        track_id, title, uploader, duration_s, *rest = row
        conn.execute(
            "INSERT INTO tracks (id, urn, title, uploader_name, duration_ms, permalink_url, first_seen_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            (
                track_id,
                f"soundcloud:tracks:{track_id}",
                title,
                uploader,
                None if duration_s is None else int(duration_s * 1000),
                rest[0] if rest else None,
            ),
        )
        ids.append(track_id)
    return ids


def rows_by_name(conn: sqlite3.Connection) -> dict[str, sqlite3.Row]:
    """local_files rows keyed by file name."""
    return {Path(r["path"]).name: r for r in conn.execute("SELECT * FROM local_files")}


def owned_track_ids(conn: sqlite3.Connection) -> set[int]:
    """Track ids owned as local files (the store's ownership rule)."""
    from music_minion.store.local_files import OWNED_CONDITION

    sql = "SELECT DISTINCT track_id FROM local_files WHERE " + OWNED_CONDITION  # noqa: S608
    return {r[0] for r in conn.execute(sql)}
