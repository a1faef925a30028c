"""The `local_files` table: scanned audio files, their tags, and their match to a SoundCloud track.

Ownership rule (read by the feed): a file owns its `track_id` when `match_status` is `exact`,
`auto`, `accepted` or `manual` (linked by hand) and the file is not `gone`. `review` is a proposal;
`rejected` (a refused proposal or an undone link) keeps the track id so the matcher never links or
proposes that pair again. A person's decisions (accepted, rejected, manual) survive re-scans and
re-matching.

Every reader returns typed records (`get_…` one, `list_…` many, `count_…` figures); every writer
is atomic on its own and may be grouped with others in `db.atomic()`.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple, TypeVar

from music_minion.errors import MinionError
from music_minion.store import my_likes
from music_minion.store.session import Store
from music_minion.store.sql import SqlValue, json_list, like_contains

OWNED_STATUSES = ("exact", "auto", "accepted", "manual")
DECIDED_STATUSES = ("accepted", "rejected", "manual")  # a person's: never overwritten by a match


def _sql_in(values: Sequence[str]) -> str:
    """An SQL list of constant words: ('a', 'b')."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


_OWNED_IN = _sql_in(OWNED_STATUSES)
_DECIDED_IN = _sql_in(DECIDED_STATUSES)
# SQL condition on a local_files row that makes its track owned (use with `FROM local_files`, no alias).
OWNED_CONDITION = (
    "local_files.track_id IS NOT NULL AND local_files.match_status IN "
    + _OWNED_IN
    + " AND local_files.status != 'gone'"
)


class ScannedFile(NamedTuple):
    """What a scan learnt about one file (`status` ok|unreadable; `reason` why, or a note)."""

    path: str
    size: int
    mtime_ns: int
    format: str | None
    title: str | None
    artist: str | None
    album: str | None
    duration_ms: int | None
    bpm: float | None
    musical_key: str | None
    year: int | None
    sc_urn: str | None
    sc_url: str | None
    status: str
    reason: str | None
    scanned_at: str


class KnownFile(NamedTuple):
    """A stored file as the scan compares it with the disk."""

    id: int
    size: int
    mtime_ns: int
    status: str


class LocalFile(NamedTuple):
    """A file as listed and searched, with the URN of its linked track."""

    id: int
    path: str
    format: str | None
    title: str | None
    artist: str | None
    album: str | None
    duration_ms: int | None
    bpm: float | None
    musical_key: str | None
    year: int | None
    sc_urn: str | None
    status: str
    reason: str | None
    track_id: int | None
    match_status: str | None
    match_score: float | None
    track_urn: str | None
    track_title: str | None
    track_uploader: str | None


class MatchFile(NamedTuple):
    """A file whose match is open, with what the matcher reads."""

    id: int
    title: str | None
    artist: str | None
    duration_ms: int | None
    sc_urn: str | None
    sc_url: str | None


class MatchTrack(NamedTuple):
    """A SoundCloud track a file may be matched to."""

    id: int
    urn: str | None
    title: str | None
    uploader_name: str | None
    duration_ms: int | None
    permalink_url: str | None


class FileMatch(NamedTuple):
    """The match of one file: a track and its band (exact|auto|review), or none (all None)."""

    file_id: int
    track_id: int | None
    status: str | None
    score: float | None


class Proposal(NamedTuple):
    """A proposed match waiting for a person's decision."""

    id: int
    path: str
    artist: str | None
    title: str | None
    duration_ms: int | None
    match_score: float | None
    track_id: int
    track_urn: str | None
    track_artist: str | None
    track_title: str | None
    track_duration_ms: int | None
    permalink_url: str | None


class Decision(NamedTuple):
    """A decided link: the file, the track, the new status and the one before."""

    id: int
    path: str
    track_id: int
    track_urn: str | None
    track_title: str | None
    track_uploader: str | None
    match_status: str
    previous: str | None


class LibraryStats(NamedTuple):
    """Counts by status, format and match status, and the size of the files present."""

    files: int
    present: int
    unreadable: int
    gone: int
    tagless: int
    total_duration_s: int
    total_bytes: int
    last_scan_at: str | None
    by_format: dict[str, int]
    by_match: dict[str, int]
    owned_tracks: int  # linked to a file present
    liked_tracks: int  # my current SoundCloud likes (owned too, without a file)


_LIST_FROM = (
    "SELECT f.id, f.path, f.format, f.title, f.artist, f.album, f.duration_ms, f.bpm, "
    "f.musical_key, f.year, f.sc_urn, f.status, f.reason, f.track_id, f.match_status, "
    "f.match_score, t.urn AS track_urn, t.title AS track_title, t.uploader_name AS track_uploader "
    "FROM local_files f LEFT JOIN tracks t ON t.id = f.track_id "
)
_LIST_ORDER = " ORDER BY f.artist COLLATE NOCASE, f.title COLLATE NOCASE, f.path"
_PROPOSALS = (
    "SELECT f.id, f.path, f.artist, f.title, f.duration_ms, f.match_score, t.id AS track_id, "
    "t.urn AS track_urn, t.uploader_name AS track_artist, t.title AS track_title, "
    "t.duration_ms AS track_duration_ms, t.permalink_url "
    "FROM local_files f JOIN tracks t ON t.id = f.track_id "
    "WHERE f.match_status = 'review' AND f.status = 'ok' ORDER BY f.match_score DESC, f.id LIMIT ?"
)
_TO_MATCH = "SELECT id, title, artist, duration_ms, sc_urn, sc_url FROM local_files WHERE status = 'ok' AND "
_NOT_DECIDED = "see `music-minion library list` or `library review` for ids (nothing was changed)"

R = TypeVar("R", bound=NamedTuple)


def _records(record: type[R], cur: sqlite3.Cursor) -> list[R]:
    """The rows of `cur` as `record`s; the query's column names must be the record's fields."""
    names = tuple(d[0] for d in cur.description)
    if names != record._fields:
        raise TypeError(f"{record.__name__} is read from columns {names}")
    return [record._make(row) for row in cur]


def _upsert_sql() -> str:
    """INSERT … ON CONFLICT (path) DO UPDATE for a scanned file (built from constant column names).

    A changed file loses its automatic match (redone by `library match`); a person's decision stays.
    """
    fields = ScannedFile._fields
    keep = "CASE WHEN match_status IN " + _DECIDED_IN + " THEN {} END"
    sets = [f"{c} = excluded.{c}" for c in fields[1:]] + ["gone_at = NULL"]
    sets += [
        f"{c} = " + keep.format(c)
        for c in ("track_id", "match_score", "matched_at", "match_status")
    ]
    columns, marks = ", ".join(fields), ", ".join("?" * len(fields))
    head = "INSERT INTO local_files (" + columns + ") VALUES (" + marks + ")"  # noqa: S608
    return head + " ON CONFLICT (path) DO UPDATE SET " + ", ".join(sets)


_UPSERT = _upsert_sql()


def list_known(db: Store) -> dict[str, KnownFile]:
    """Every stored file by path, in one query (what a scan compares the disk with)."""
    cur = db.execute("SELECT path, id, size, mtime_ns, status FROM local_files")
    return {row[0]: KnownFile(row[1], row[2], row[3], row[4]) for row in cur}


def save_scanned(db: Store, files: Sequence[ScannedFile]) -> None:
    """Insert or update scanned files, all in one transaction."""
    if not files:
        return
    with db.atomic():
        db.executemany(_UPSERT, files)


def mark_gone(db: Store, file_ids: Sequence[int], when: str) -> int:
    """Mark files that are no longer on disk as gone (their rows and decisions are kept)."""
    if file_ids:
        with db.atomic():
            db.execute(
                "UPDATE local_files SET status = 'gone', gone_at = ? "
                "WHERE id IN (SELECT value FROM json_each(?)) AND status != 'gone'",
                (when, json_list(file_ids)),
            )
    return len(file_ids)


def list_files(
    db: Store,
    *,
    status: str | None = None,
    match: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[LocalFile]:
    """Files ordered by artist, title, path. `status`: ok|unreadable|gone; `match`: a match_status,
    `matched` (owned) or `unmatched`."""
    where, params = _filters(status, match)
    sql = _LIST_FROM + where + _LIST_ORDER + " LIMIT ? OFFSET ?"
    return _records(LocalFile, db.execute(sql, [*params, -1 if limit is None else limit, offset]))


def _filters(status: str | None, match: str | None) -> tuple[str, list[SqlValue]]:
    clauses: list[str] = []
    params: list[SqlValue] = []
    if status:
        clauses.append("f.status = ?")
        params.append(status)
    if match == "matched":
        clauses.append("f.track_id IS NOT NULL AND f.match_status IN " + _OWNED_IN)
    elif match == "unmatched":
        clauses.append("(f.match_status IS NULL OR f.match_status = 'rejected')")
    elif match:
        clauses.append("f.match_status = ?")
        params.append(match)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def list_files_matching(
    db: Store,
    query: str,
    limit: int = 50,
    fold: Callable[[str], str] | None = None,
) -> list[LocalFile]:
    """Files present whose title, artist, album or path contain every word of `query`.

    Case-insensitive; with `fold` (e.g. the matcher's accent folding) both sides are folded first,
    so "tiesto" finds "Tiësto".
    """
    folder = fold or str.casefold
    words = [w for w in folder(query).split() if w]
    if not words:
        raise MinionError(
            "empty search query",
            "give at least one word, e.g. `music-minion library search daft punk`",
        )
    db.create_function("mm_fold", 1, lambda v: folder(v) if v else "", deterministic=True)
    clauses = []
    params: list[SqlValue] = []
    for w in words:
        clauses.append(
            "(mm_fold(f.title) LIKE ? ESCAPE '\\' OR mm_fold(f.artist) LIKE ? ESCAPE '\\' "
            "OR mm_fold(f.album) LIKE ? ESCAPE '\\' OR f.path LIKE ? ESCAPE '\\')"
        )
        params += [like_contains(w)] * 4
    where = " WHERE f.status != 'gone' AND " + " AND ".join(clauses)
    sql = _LIST_FROM + where + _LIST_ORDER + " LIMIT ?"
    return _records(LocalFile, db.execute(sql, [*params, limit]))


def count_files(db: Store) -> LibraryStats:
    """Counts by status, format and match status, plus total duration of the files present."""
    with db.snapshot():
        by_status: dict[str, int] = dict(
            db.execute("SELECT status, count(*) FROM local_files GROUP BY status").fetchall()
        )
        by_format = {
            r[0] or "unknown": r[1]
            for r in db.execute(
                "SELECT format, count(*) FROM local_files WHERE status = 'ok' GROUP BY format "
                "ORDER BY count(*) DESC"
            )
        }
        by_match = {
            r[0] or "unmatched": r[1]
            for r in db.execute(
                "SELECT match_status, count(*) FROM local_files WHERE status = 'ok' "
                "GROUP BY match_status"
            )
        }
        row = db.execute(
            "SELECT count(*), coalesce(sum(duration_ms), 0), coalesce(sum(size), 0), max(scanned_at), "
            "sum(reason IS NOT NULL AND status = 'ok') FROM local_files WHERE status = 'ok'"
        ).fetchone()
        owned = count_owned_tracks(db)
        liked = my_likes.count(db)
    return LibraryStats(
        files=sum(by_status.values()),
        present=row[0],
        unreadable=by_status.get("unreadable", 0),
        gone=by_status.get("gone", 0),
        tagless=row[4] or 0,
        total_duration_s=round(row[1] / 1000),
        total_bytes=row[2],
        last_scan_at=row[3],
        by_format=by_format,
        by_match=by_match,
        owned_tracks=owned,
        liked_tracks=liked,
    )


def count_owned_tracks(db: Store) -> int:
    """Distinct tracks owned as local files (see OWNED_CONDITION)."""
    sql = "SELECT count(DISTINCT track_id) FROM local_files WHERE " + OWNED_CONDITION  # noqa: S608
    count: int = db.execute(sql).fetchone()[0]
    return count


def list_files_to_match(db: Store, *, redo: bool = False) -> list[MatchFile]:
    """Present files whose match is open.

    Open: never matched or no candidate found; with `redo` also automatic links and proposals.
    Exact, accepted and rejected files are settled by the person or the tag and are left alone,
    except that an exact link is re-checked when `redo`.
    """
    if redo:
        sql = _TO_MATCH + "(match_status IS NULL OR match_status IN ('auto', 'review', 'exact'))"
    else:
        sql = _TO_MATCH + "match_status IS NULL"
    return _records(MatchFile, db.execute(sql))


def list_tracks_to_match(db: Store) -> list[MatchTrack]:
    """Every available SoundCloud track."""
    return _records(
        MatchTrack,
        db.execute(
            "SELECT id, urn, title, uploader_name, duration_ms, permalink_url FROM tracks "
            "WHERE status != 'deleted'"
        ),
    )


def save_matches(db: Store, matches: Iterable[FileMatch], when: str) -> None:
    """Store match results in one transaction.

    A row decided by a person (accepted, rejected, manual) is never overwritten here.
    """
    params = [
        (m.track_id, m.status, m.score, when if m.status else None, m.file_id) for m in matches
    ]
    if params:
        with db.atomic():
            db.executemany(
                "UPDATE local_files SET track_id = ?, match_status = ?, match_score = ?, matched_at = ? "  # noqa: S608 - constant states
                "WHERE id = ? AND (match_status IS NULL OR match_status NOT IN "
                + _DECIDED_IN
                + ")",
                params,
            )


def list_proposals(db: Store, limit: int | None = None) -> list[Proposal]:
    """Proposed matches waiting for a decision, best score first, with the proposed track."""
    return _records(Proposal, db.execute(_PROPOSALS, [-1 if limit is None else limit]))


def find_file_id(db: Store, ref: str) -> int:
    """The id of the file named by `ref`: an id as `library list` shows, or its path as scanned."""
    text = ref.strip()
    if text.isdigit():
        row = db.execute("SELECT id FROM local_files WHERE id = ?", (int(text),)).fetchone()
        if row is not None:
            return int(row[0])
    path = os.path.abspath(os.path.expanduser(text))
    row = db.execute(
        "SELECT id FROM local_files WHERE path IN (?, ?) ORDER BY path = ? DESC LIMIT 1",
        (text, path, text),
    ).fetchone()
    if row is None:
        raise MinionError(
            f"no library file {ref!r}",
            "give an id or path as `music-minion library list` shows it (nothing was changed)",
        )
    return int(row[0])


_DECISION = (
    "SELECT f.match_status, f.track_id, f.path, t.urn, t.title, t.uploader_name "
    "FROM local_files f LEFT JOIN tracks t ON t.id = f.track_id WHERE f.id = ?"
)
# What each decision may follow: accept a proposal (or change one's mind); reject any link.
_DECIDABLE = {
    "accepted": ("review", "accepted", "rejected"),
    "rejected": ("review", "accepted", "exact", "auto", "manual"),
}


def decide_reviews(db: Store, file_ids: Sequence[int], accept: bool, when: str) -> list[Decision]:
    """Accept or reject the links of files, all or none (the error names the first bad id).

    Accept takes a proposal (or a rejected one back); reject undoes any link or proposal, automatic
    or not, and remembers the pair so the matcher never links or proposes it again.
    """
    status = "accepted" if accept else "rejected"
    with db.atomic():
        return [_decide(db, file_id, status, None, when) for file_id in file_ids]


def link_file(db: Store, file_id: int, track_id: int, when: str) -> Decision:
    """Link a file to a track by hand (`manual`: owned, kept by re-scans and re-matching)."""
    with db.atomic():
        return _decide(db, file_id, "manual", track_id, when)


def _decide(db: Store, file_id: int, status: str, track_id: int | None, when: str) -> Decision:
    """Set one file's match to a person's decision; `track_id` replaces the linked track."""
    row = db.execute(_DECISION, (file_id,)).fetchone()
    if row is None:
        raise MinionError(f"no local file with id {file_id}", _NOT_DECIDED)
    previous = row[0]
    if track_id is None and (row[1] is None or previous not in _DECIDABLE[status]):
        what = "no proposed match to accept" if status == "accepted" else "no link to undo"
        raise MinionError(f"file {file_id} ({row[2]}) has {what}", _NOT_DECIDED)
    db.execute(
        "UPDATE local_files SET match_status = ?, matched_at = ?, track_id = coalesce(?, track_id), "
        "match_score = CASE WHEN ? IS NULL THEN match_score END WHERE id = ?",
        (status, when, track_id, track_id, file_id),
    )
    row = db.execute(_DECISION, (file_id,)).fetchone()
    return Decision(file_id, row[2], row[1], row[3], row[4], row[5], status, previous)
