"""The `artists` table: SoundCloud users we know, which we watch, their resolution and schedule."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from music_minion.store.errors import Ambiguous, Missing
from music_minion.store.session import Store, writer
from music_minion.store.sql import SqlValue, inserted_id
from music_minion.timeutil import now_iso


@dataclass
class Resolved:
    """A resolved SoundCloud user as the store keeps it."""

    urn: str
    username: str | None = None
    permalink: str | None = None
    permalink_url: str | None = None


@writer
def upsert_resolved(
    conn: Store,
    user: Resolved,
    *,
    input: str | None = None,
    watched: bool = True,
    weight: float | None = None,
    tier: str | None = None,
) -> tuple[int, bool]:
    """Record a resolved user (by URN; else the row of the same `input`). Returns (id, created)."""
    now = now_iso()
    artist_id = _find_resolved(conn, user.urn, input)
    if artist_id is None:
        return _insert_resolved(conn, user, input, watched, weight, tier, now), True
    _update_resolved(conn, artist_id, user, watched, weight, tier, now)
    if input is not None:
        _settle_input(conn, artist_id, input)
    return artist_id, False


def _find_resolved(conn: Store, urn: str, input: str | None) -> int | None:
    """The row of this URN, else the unresolved row of the same `input`."""
    row = conn.execute("SELECT id FROM artists WHERE urn = ?", (urn,)).fetchone()
    if row is None and input is not None:
        row = conn.execute(
            "SELECT id FROM artists WHERE input = ? AND urn IS NULL", (input,)
        ).fetchone()
    return None if row is None else int(row[0])


def _insert_resolved(
    conn: Store,
    user: Resolved,
    input: str | None,
    watched: bool,
    weight: float | None,
    tier: str | None,
    now: str,
) -> int:
    cur = conn.execute(
        "INSERT INTO artists (urn, input, username, permalink, permalink_url, watched, weight, tier, "
        "resolve_status, added_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, coalesce(?, 1.0), ?, 'ok', ?, ?)",
        (
            user.urn,
            _free_input(conn, input),
            user.username,
            user.permalink,
            user.permalink_url,
            int(watched),
            weight,
            tier,
            now,
            now,
        ),
    )
    return inserted_id(cur)


def _update_resolved(
    conn: Store,
    artist_id: int,
    user: Resolved,
    watched: bool,
    weight: float | None,
    tier: str | None,
    now: str,
) -> None:
    # A watch request re-watches; an unwatched import (e.g. an uploader) never unwatches.
    conn.execute(
        "UPDATE artists SET urn = ?, username = coalesce(?, username), permalink = coalesce(?, permalink), "
        "permalink_url = coalesce(?, permalink_url), watched = max(watched, ?), weight = coalesce(?, weight), "
        "tier = coalesce(?, tier), resolve_status = 'ok', resolve_error = NULL, updated_at = ? WHERE id = ?",
        (
            user.urn,
            user.username,
            user.permalink,
            user.permalink_url,
            int(watched),
            weight,
            tier,
            now,
            artist_id,
        ),
    )


def _settle_input(conn: Store, artist_id: int, input: str) -> None:
    """Another row may hold the same input from an earlier failed attempt: it is resolved here now."""
    conn.execute(
        "DELETE FROM artists WHERE input = ? AND urn IS NULL AND id != ?", (input, artist_id)
    )
    conn.execute(
        "UPDATE artists SET input = ? WHERE id = ? AND input IS NULL",
        (_free_input(conn, input), artist_id),
    )


def _free_input(conn: Store, input: str | None) -> str | None:
    """`input` unless another resolved row already carries it (inputs are unique)."""
    if input is None:
        return None
    taken = conn.execute(
        "SELECT 1 FROM artists WHERE input = ? AND urn IS NOT NULL", (input,)
    ).fetchone()
    return None if taken else input


@writer
def record_failure(
    conn: Store,
    input: str,
    status: str,
    error: str,
    *,
    weight: float | None = None,
    tier: str | None = None,
) -> int | None:
    """Remember an input that did not resolve (`failed_transient` is retried by sync, `failed_permanent`
    is not). An input that already resolved is left alone (returns None)."""
    if status not in ("pending", "failed_transient", "failed_permanent"):
        raise ValueError(status)
    now = now_iso()
    row = conn.execute("SELECT id, urn FROM artists WHERE input = ?", (input,)).fetchone()
    if row is not None and row[1] is not None:
        return None
    if row is None:
        cur = conn.execute(
            "INSERT INTO artists (input, watched, weight, tier, resolve_status, resolve_error, added_at, updated_at) "
            "VALUES (?, 1, coalesce(?, 1.0), ?, ?, ?, ?, ?)",
            (input, weight, tier, status, error, now, now),
        )
        return inserted_id(cur)
    conn.execute(
        "UPDATE artists SET resolve_status = ?, resolve_error = ?, watched = 1, weight = coalesce(?, weight), "
        "tier = coalesce(?, tier), updated_at = ? WHERE id = ?",
        (status, error, weight, tier, now, row[0]),
    )
    return int(row[0])


def is_watched(conn: Store, urn: str) -> bool:
    """Whether the artist with this URN is known and watched."""
    row = conn.execute("SELECT watched FROM artists WHERE urn = ?", (urn,)).fetchone()
    return bool(row is not None and row[0])


def get_next_check_at(conn: Store) -> str | None:
    """The earliest next check of a watched, resolved artist (None: no such artist)."""
    row = conn.execute(
        "SELECT min(next_check_at) FROM artists WHERE watched = 1 AND resolve_status = 'ok'"
    ).fetchone()
    return None if row is None else row[0]


def count_watched(conn: Store) -> int:
    return int(conn.execute("SELECT count(*) FROM artists WHERE watched = 1").fetchone()[0])


def list_to_retry(conn: Store) -> list[sqlite3.Row]:
    """Watched inputs whose resolution should be tried again (pending or transient failures)."""
    return conn.execute(
        "SELECT * FROM artists WHERE watched = 1 AND urn IS NULL AND resolve_status IN ('pending', 'failed_transient') ORDER BY id"
    ).fetchall()


def get_by_ref(conn: Store, ref: str) -> sqlite3.Row:
    """The artist named by `ref`: URN, URL, permalink, username or the text given to `artists add`."""
    text = ref.strip().rstrip("/")
    slug = text.rsplit("/", 1)[-1] if "://" in text or text.startswith("soundcloud.com/") else text
    rows: list[sqlite3.Row] = conn.execute(
        "SELECT * FROM artists WHERE urn = ? OR input = ? OR input = ? OR permalink_url = ? "
        "OR lower(permalink) = lower(?) OR lower(username) = lower(?) ORDER BY id",
        (text, text, ref, text, slug, text),
    ).fetchall()
    if not rows and text.isdigit():
        rows = conn.execute("SELECT * FROM artists WHERE id = ?", (int(text),)).fetchall()
    if not rows:
        raise Missing(f"no artist matches {ref!r}", "see `music-minion artists list`")
    if len(rows) > 1:
        exact = [r for r in rows if r["urn"] == text or r["input"] == text]
        if len(exact) != 1:
            raise Ambiguous(
                f"{ref!r} matches {len(rows)} artists",
                "use the artist's URN (see `music-minion artists list --json`)",
            )
        rows = exact
    return rows[0]


def list_due(conn: Store, now: str, *, everyone: bool = False) -> list[sqlite3.Row]:
    """Watched, resolved artists whose next check has passed (or all of them), oldest check first."""
    sql = "SELECT * FROM artists WHERE watched = 1 AND urn IS NOT NULL AND resolve_status = 'ok'"
    params: tuple[SqlValue, ...] = ()
    if not everyone:
        sql += " AND (next_check_at IS NULL OR next_check_at <= ?)"
        params = (now,)
    return conn.execute(sql + " ORDER BY coalesce(next_check_at, ''), id", params).fetchall()


def set_schedule(
    conn: Store,
    artist_id: int,
    *,
    interval_hours: float,
    checked_at: str,
    next_check_at: str,
    activity_at: str | None,
) -> None:
    """Store the result of a check (activity_at None keeps the last activity)."""
    conn.execute(
        "UPDATE artists SET check_interval_hours = ?, last_checked_at = ?, next_check_at = ?, "
        "last_activity_at = coalesce(?, last_activity_at), updated_at = ? WHERE id = ?",
        (interval_hours, checked_at, next_check_at, activity_at, checked_at, artist_id),
    )


def set_watched(conn: Store, artist_id: int, watched: bool) -> None:
    conn.execute(
        "UPDATE artists SET watched = ?, updated_at = ? WHERE id = ?",
        (int(watched), now_iso(), artist_id),
    )


def set_weight(conn: Store, artist_id: int, weight: float, tier: str | None = None) -> None:
    conn.execute(
        "UPDATE artists SET weight = ?, tier = coalesce(?, tier), updated_at = ? WHERE id = ?",
        (weight, tier, now_iso(), artist_id),
    )


def list_with_counts(conn: Store, *, include_unwatched: bool = False) -> list[dict[str, Any]]:
    """Every watched artist (or all) with provenance counts and how their picks were judged."""
    where = "" if include_unwatched else "WHERE a.watched = 1"
    sql = f"""
        SELECT a.id, a.urn, a.input, a.username, a.permalink, a.permalink_url, a.watched, a.weight, a.tier,
               a.resolve_status, a.resolve_error, a.check_interval_hours, a.last_checked_at, a.next_check_at,
               a.last_activity_at, a.added_at,
               coalesce(c.likes, 0) AS likes, coalesce(c.reposts, 0) AS reposts, coalesce(c.uploads, 0) AS uploads,
               coalesce(c.liked, 0) AS picks_liked, coalesce(c.dismissed, 0) AS picks_dismissed
        FROM artists a
        LEFT JOIN (
            SELECT p.artist_id,
                   sum(p.kind = 'like') AS likes, sum(p.kind = 'repost') AS reposts, sum(p.kind = 'upload') AS uploads,
                   count(DISTINCT CASE WHEN j.verdict = 'liked' THEN p.track_id END) AS liked,
                   count(DISTINCT CASE WHEN j.verdict IN ('not_interested', 'not_quite') THEN p.track_id END) AS dismissed
            FROM provenance p LEFT JOIN judgments j ON j.track_id = p.track_id
            GROUP BY p.artist_id
        ) c ON c.artist_id = a.id
        {where}
        ORDER BY lower(coalesce(a.username, a.input, a.urn)), a.id
    """  # noqa: S608 - the WHERE clause is one of two constants
    return [dict(r) for r in conn.execute(sql)]
