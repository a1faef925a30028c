"""The `tracks` table: one row per SoundCloud track, upserted by URN."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from music_minion.store.session import Store
from music_minion.store.sql import json_list, like_escape
from music_minion.urls import canonical


class TrackRow(NamedTuple):
    """A track as the domain hands it to the store: the URN, then every field (None: unknown)."""

    urn: str
    title: str | None = None
    uploader_urn: str | None = None
    uploader_name: str | None = None
    permalink_url: str | None = None
    duration_ms: int | None = None
    genre: str | None = None
    tags: str | None = None
    bpm: float | None = None
    created_at: str | None = None
    access: str | None = None
    playback_count: int | None = None
    likes_count: int | None = None
    reposts_count: int | None = None


# The tracks table's columns, in TrackRow's order (its fields are the column names).
TRACK_COLUMNS: tuple[str, ...] = TrackRow._fields
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


def upsert_tracks(conn: Store, rows: Sequence[TrackRow], now: str) -> None:
    """Insert or update tracks; seeing a track marks it 'ok'."""
    if rows:
        conn.executemany(_UPSERT, [(*r, now, now) for r in rows])


def get_ids_by_urn(conn: Store, urns: Iterable[str]) -> dict[str, int]:
    """Map each known URN to its track id (unknown URNs are left out)."""
    wanted = json_list(dict.fromkeys(urns))
    return dict(
        conn.execute(
            "SELECT urn, id FROM tracks WHERE urn IN (SELECT value FROM json_each(?))", (wanted,)
        ).fetchall()
    )


def set_status(conn: Store, urns: Iterable[str], status: str, now: str) -> int:
    """Mark tracks `ok | deleted | unavailable`; returns how many changed."""
    rows = [(status, now, now, u, status) for u in urns]
    cur = conn.executemany(
        "UPDATE tracks SET status = ?, status_changed_at = ?, updated_at = ? WHERE urn = ? AND status != ?",
        rows,
    )
    return cur.rowcount


def count(conn: Store) -> int:
    return int(conn.execute("SELECT count(*) FROM tracks").fetchone()[0])


_REF_COLUMNS = "SELECT id, urn, title, uploader_name, permalink_url FROM tracks"


def get_by_urn(conn: Store, urn: str) -> sqlite3.Row | None:
    """id, urn, title, uploader_name and permalink_url of the track with this URN."""
    row: sqlite3.Row | None = conn.execute(_REF_COLUMNS + " WHERE urn = ?", (urn,)).fetchone()  # noqa: S608
    return row


def get_by_url(conn: Store, url: str) -> sqlite3.Row | None:
    """The same fields for the track whose page is `url` (any spelling of the same page)."""
    wanted = canonical(url, lower=True)
    slug = wanted.rsplit("/", 1)[-1]
    r: sqlite3.Row
    for r in conn.execute(
        _REF_COLUMNS + " WHERE permalink_url LIKE ? ESCAPE '\\'",  # noqa: S608
        ("%" + like_escape(slug),),
    ):
        if r["permalink_url"] and canonical(r["permalink_url"], lower=True) == wanted:
            return r
    return None


TrackRef = dict[str, str | None]


def _ref(r: sqlite3.Row) -> TrackRef:
    return {
        "urn": r["urn"],
        "title": r["title"],
        "uploader": r["uploader_name"],
        "link": r["permalink_url"],
    }


def list_track_refs(conn: Store, track_ids: Iterable[int]) -> dict[int, TrackRef]:
    """track_id -> urn, title, uploader and link, for showing tracks by id."""
    rows = conn.execute(
        _REF_COLUMNS + " WHERE id IN (SELECT value FROM json_each(?))",  # noqa: S608
        (json_list(sorted(set(track_ids))),),
    )
    return {r["id"]: _ref(r) for r in rows}


def list_refs_by_urn(conn: Store, urns: Iterable[str]) -> dict[str, TrackRef]:
    """urn -> urn, title, uploader and link of the known ones of `urns`."""
    rows = conn.execute(
        _REF_COLUMNS + " WHERE urn IN (SELECT value FROM json_each(?))",  # noqa: S608
        (json_list(dict.fromkeys(urns)),),
    )
    return {r["urn"]: _ref(r) for r in rows}
