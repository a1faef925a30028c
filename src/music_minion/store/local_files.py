"""The `local_files` table: scanned audio files, their tags, and their match to a SoundCloud track.

Ownership rule (read by the feed): a file owns its `track_id` when `match_status` is `exact`,
`auto` or `accepted` and the file is not `gone`. `review` is a proposal; `rejected` keeps the
rejected track id so the same pair is never proposed again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from music_minion.errors import UserError

OWNED_STATUSES = ("exact", "auto", "accepted")
# SQL condition on a local_files row that makes its track owned (use with `FROM local_files`, no alias).
OWNED_CONDITION = (
    "local_files.track_id IS NOT NULL AND local_files.match_status IN ('exact', 'auto', 'accepted') "
    "AND local_files.status != 'gone'"
)
SCANNED_COLUMNS = (
    "path",
    "size",
    "mtime_ns",
    "format",
    "title",
    "artist",
    "album",
    "duration_ms",
    "bpm",
    "musical_key",
    "year",
    "sc_urn",
    "sc_url",
    "status",
    "reason",
    "scanned_at",
)
LIST_COLUMNS = (
    "id",
    "path",
    "format",
    "title",
    "artist",
    "album",
    "duration_ms",
    "bpm",
    "musical_key",
    "year",
    "sc_urn",
    "status",
    "reason",
    "track_id",
    "match_status",
    "match_score",
)
_LIST_SELECT = ", ".join(f"f.{c}" for c in LIST_COLUMNS) + ", t.urn AS track_urn"
_JOIN = " FROM local_files f LEFT JOIN tracks t ON t.id = f.track_id "
_LIST_FROM = "SELECT " + _LIST_SELECT + _JOIN  # noqa: S608
_LIST_ORDER = " ORDER BY f.artist COLLATE NOCASE, f.title COLLATE NOCASE, f.path"
_OWNED_SQL = "SELECT DISTINCT track_id FROM local_files WHERE " + OWNED_CONDITION  # noqa: S608


def scan_index(conn: sqlite3.Connection) -> dict[str, tuple[int, int, int, str]]:
    """Every known file in one query: path -> (id, size, mtime_ns, status)."""
    return {
        r[0]: (r[1], r[2], r[3], r[4])
        for r in conn.execute("SELECT path, id, size, mtime_ns, status FROM local_files")
    }


def _upsert_sql() -> str:
    """INSERT … ON CONFLICT (path) DO UPDATE for a scanned file (built from constant column names).

    A changed file loses its automatic match (redone by `library match`); a person's decision stays.
    """
    keep = "CASE WHEN match_status IN ('accepted', 'rejected') THEN {} END"
    sets = [f"{c} = excluded.{c}" for c in SCANNED_COLUMNS[1:]] + ["gone_at = NULL"]
    sets += [
        f"{c} = " + keep.format(c)
        for c in ("track_id", "match_score", "matched_at", "match_status")
    ]
    columns, marks = ", ".join(SCANNED_COLUMNS), ", ".join("?" * len(SCANNED_COLUMNS))
    head = "INSERT INTO local_files (" + columns + ") VALUES (" + marks + ")"  # noqa: S608
    return head + " ON CONFLICT (path) DO UPDATE SET " + ", ".join(sets)


_UPSERT = _upsert_sql()


def write_scanned(conn: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> None:
    """Insert or update scanned files (tuples in SCANNED_COLUMNS order) in one transaction."""
    if not rows:
        return
    with conn.atomic():
        conn.executemany(_UPSERT, rows)


def mark_gone(conn: sqlite3.Connection, file_ids: Iterable[int], when: str) -> int:
    """Mark files that are no longer on disk as gone (their rows and decisions are kept)."""
    params = [(when, i) for i in file_ids]
    if params:
        with conn.atomic():
            conn.executemany(
                "UPDATE local_files SET status = 'gone', gone_at = ? WHERE id = ? AND status != 'gone'",
                params,
            )
    return len(params)


def _dicts(cur: sqlite3.Cursor) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur]


def list_files(
    conn: sqlite3.Connection,
    *,
    status: str | None = None,
    match: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Files ordered by artist, title, path. `status`: ok|unreadable|gone; `match`: a match_status,
    `matched` (owned) or `unmatched`."""
    where, params = _filters(status, match)
    sql = _LIST_FROM + where + _LIST_ORDER + " LIMIT ? OFFSET ?"
    return _dicts(conn.execute(sql, [*params, -1 if limit is None else limit, offset]))


def _filters(status: str | None, match: str | None) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if status:
        clauses.append("f.status = ?")
        params.append(status)
    if match == "matched":
        clauses.append("f.track_id IS NOT NULL AND f.match_status IN ('exact', 'auto', 'accepted')")
    elif match == "unmatched":
        clauses.append("(f.match_status IS NULL OR f.match_status = 'rejected')")
    elif match:
        clauses.append("f.match_status = ?")
        params.append(match)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def search_files(
    conn: sqlite3.Connection,
    query: str,
    limit: int = 50,
    fold: Callable[[str], str] | None = None,
) -> list[dict[str, Any]]:
    """Files whose title, artist, album or path contain every word of `query`.

    Case-insensitive; with `fold` (e.g. the matcher's accent folding) both sides are folded first,
    so "tiesto" finds "Tiësto".
    """
    fold = fold or str.casefold
    words = [w for w in fold(query).split() if w]
    if not words:
        raise UserError(
            "empty search query",
            "give at least one word, e.g. `music-minion library search daft punk`",
        )
    conn.create_function("mm_fold", 1, lambda v: fold(v) if v else "", deterministic=True)
    clauses = []
    params: list[Any] = []
    for w in words:
        pattern = "%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append(
            "(mm_fold(f.title) LIKE ? ESCAPE '\\' OR mm_fold(f.artist) LIKE ? ESCAPE '\\' "
            "OR mm_fold(f.album) LIKE ? ESCAPE '\\' OR f.path LIKE ? ESCAPE '\\')"
        )
        params += [pattern] * 4
    where = " WHERE f.status != 'gone' AND " + " AND ".join(clauses)
    sql = _LIST_FROM + where + _LIST_ORDER + " LIMIT ?"
    return _dicts(conn.execute(sql, [*params, limit]))


def library_stats(conn: sqlite3.Connection) -> dict[str, Any]:
    """Counts by status, format and match status, plus total duration of the files present."""
    by_status = {
        r[0]: r[1] for r in conn.execute("SELECT status, count(*) FROM local_files GROUP BY status")
    }
    by_format = {
        r[0] or "unknown": r[1]
        for r in conn.execute(
            "SELECT format, count(*) FROM local_files WHERE status = 'ok' GROUP BY format ORDER BY count(*) DESC"
        )
    }
    by_match = {
        r[0] or "unmatched": r[1]
        for r in conn.execute(
            "SELECT match_status, count(*) FROM local_files WHERE status = 'ok' GROUP BY match_status"
        )
    }
    row = conn.execute(
        "SELECT count(*), coalesce(sum(duration_ms), 0), coalesce(sum(size), 0), max(scanned_at), "
        "sum(reason IS NOT NULL AND status = 'ok') FROM local_files WHERE status = 'ok'"
    ).fetchone()
    owned = len(owned_track_ids(conn))
    return {
        "files": sum(by_status.values()),
        "present": row[0],
        "unreadable": by_status.get("unreadable", 0),
        "gone": by_status.get("gone", 0),
        "tagless": row[4] or 0,
        "total_duration_s": round(row[1] / 1000),
        "total_bytes": row[2],
        "last_scan_at": row[3],
        "by_format": by_format,
        "by_match": by_match,
        "owned_tracks": owned,
    }


def files_for_matching(conn: sqlite3.Connection, *, redo: bool = False) -> list[tuple]:
    """(id, title, artist, duration_ms, sc_urn, sc_url) of present files whose match is open.

    Open: never matched or no candidate found; with `redo` also automatic links and proposals.
    Exact, accepted and rejected files are settled by the person or the tag and are left alone,
    except that an exact link is re-checked when `redo`.
    """
    sql = "SELECT id, title, artist, duration_ms, sc_urn, sc_url FROM local_files WHERE status = 'ok' AND "
    if redo:
        return conn.execute(
            sql + "(match_status IS NULL OR match_status IN ('auto', 'review', 'exact'))"
        ).fetchall()
    return conn.execute(sql + "match_status IS NULL").fetchall()


def tracks_for_matching(conn: sqlite3.Connection) -> list[tuple]:
    """(id, urn, title, uploader_name, duration_ms, permalink_url) of every available SoundCloud track."""
    return conn.execute(
        "SELECT id, urn, title, uploader_name, duration_ms, permalink_url FROM tracks WHERE status != 'deleted'"
    ).fetchall()


def save_matches(
    conn: sqlite3.Connection,
    results: Sequence[tuple[int, int | None, str | None, float | None]],
    when: str,
) -> None:
    """Store match results (file_id, track_id, match_status, score) in one transaction.

    A row already decided by a person (accepted/rejected) is never overwritten here.
    """
    params = [
        (track_id, status, score, when if status else None, file_id)
        for file_id, track_id, status, score in results
    ]
    if params:
        with conn.atomic():
            conn.executemany(
                "UPDATE local_files SET track_id = ?, match_status = ?, match_score = ?, matched_at = ? "
                "WHERE id = ? AND (match_status IS NULL OR match_status NOT IN ('accepted', 'rejected'))",
                params,
            )


def pending_reviews(conn: sqlite3.Connection, limit: int | None = None) -> list[dict[str, Any]]:
    """Proposed matches waiting for a decision, best score first, with the proposed track."""
    return _dicts(
        conn.execute(
            "SELECT f.id, f.path, f.artist, f.title, f.duration_ms, f.match_score, t.id AS track_id, t.urn AS track_urn, "
            "t.uploader_name AS track_artist, t.title AS track_title, t.duration_ms AS track_duration_ms, t.permalink_url "
            "FROM local_files f JOIN tracks t ON t.id = f.track_id WHERE f.match_status = 'review' AND f.status = 'ok' "
            "ORDER BY f.match_score DESC, f.id LIMIT ?",
            [-1 if limit is None else limit],
        )
    )


def decide_reviews(
    conn: sqlite3.Connection, file_ids: Sequence[int], accept: bool, when: str
) -> list[dict[str, Any]]:
    """Accept or reject proposed matches, all or none (UserError names the first bad id).

    A decided file may be decided again (a change of mind); a file never proposed may not.
    """
    status = "accepted" if accept else "rejected"
    out = []
    with conn.atomic():
        for file_id in file_ids:
            row = conn.execute(
                "SELECT match_status, track_id FROM local_files WHERE id = ?", (file_id,)
            ).fetchone()
            if row is None:
                raise UserError(
                    f"no local file with id {file_id}",
                    "see `music-minion library review` for pending ids (nothing was changed)",
                )
            if row[0] not in ("review", "accepted", "rejected") or row[1] is None:
                raise UserError(
                    f"file {file_id} has no proposed match to decide",
                    "see `music-minion library review` for pending ids (nothing was changed)",
                )
            conn.execute(
                "UPDATE local_files SET match_status = ?, matched_at = ? WHERE id = ?",
                (status, when, file_id),
            )
            out.append(
                {"id": file_id, "track_id": row[1], "match_status": status, "previous": row[0]}
            )
    return out


def owned_track_ids(conn: sqlite3.Connection) -> set[int]:
    """Track ids owned as local files (see OWNED_CONDITION)."""
    return {r[0] for r in conn.execute(_OWNED_SQL)}
