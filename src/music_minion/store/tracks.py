"""The `tracks` table: one row per SoundCloud track, upserted by URN."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

# Column order of a track row as the domain hands it over (a plain tuple per track).
TRACK_COLUMNS: tuple[str, ...] = (
    "urn",
    "title",
    "uploader_urn",
    "uploader_name",
    "permalink_url",
    "duration_ms",
    "genre",
    "tags",
    "bpm",
    "created_at",
    "access",
    "playback_count",
    "likes_count",
    "reposts_count",
)
_DATA = TRACK_COLUMNS[1:]

# Upsert: a missing (None) field never erases a known value; updated_at moves only when
# something actually changed, so re-merging the same payload writes nothing.
_UPSERT = (
    f"INSERT INTO tracks ({', '.join(TRACK_COLUMNS)}, first_seen_at, updated_at) "  # noqa: S608 - constant columns
    f"VALUES ({', '.join('?' * (len(TRACK_COLUMNS) + 2))}) "
    "ON CONFLICT (urn) DO UPDATE SET "
    + ", ".join(f"{c} = coalesce(excluded.{c}, {c})" for c in _DATA)
    + ", updated_at = excluded.updated_at"
    + ", status_changed_at = CASE WHEN status != 'ok' THEN excluded.updated_at ELSE status_changed_at END"
    + ", status = 'ok' WHERE status != 'ok' OR "
    + " OR ".join(f"(excluded.{c} IS NOT NULL AND excluded.{c} IS NOT {c})" for c in _DATA)
)

_CHUNK = 500


def upsert_tracks(conn: sqlite3.Connection, rows: Sequence[tuple], now: str) -> None:
    """Insert or update tracks (tuples in TRACK_COLUMNS order); seeing a track marks it 'ok'."""
    if rows:
        conn.executemany(_UPSERT, [(*r, now, now) for r in rows])


def ids_by_urn(conn: sqlite3.Connection, urns: Iterable[str]) -> dict[str, int]:
    """Map each known URN to its track id (unknown URNs are left out)."""
    urns = list(dict.fromkeys(urns))
    out: dict[str, int] = {}
    for i in range(0, len(urns), _CHUNK):
        chunk = urns[i : i + _CHUNK]
        marks = ",".join("?" * len(chunk))
        out.update(
            conn.execute(
                f"SELECT urn, id FROM tracks WHERE urn IN ({marks})",  # noqa: S608 - placeholders only
                chunk,
            ).fetchall()
        )
    return out


def set_status(conn: sqlite3.Connection, urns: Iterable[str], status: str, now: str) -> int:
    """Mark tracks `ok | deleted | unavailable`; returns how many changed."""
    rows = [(status, now, now, u, status) for u in urns]
    cur = conn.executemany(
        "UPDATE tracks SET status = ?, status_changed_at = ?, updated_at = ? WHERE urn = ? AND status != ?",
        rows,
    )
    return cur.rowcount


def count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM tracks").fetchone()[0]
