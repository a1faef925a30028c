"""Candidate and feature SQL for ranking: artist hit-rate counts, provenance of tracks, the stored
ranking keys (`rank_scores`), the dirty-artist queue (`rank_dirty`) and the candidate pages the feed
reads in key order. Scoring itself lives in discovery/ranking.py."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from music_minion.store.local_files import OWNED_CONDITION
from music_minion.store.session import Store
from music_minion.store.sql import SqlValue, json_list, like_contains

# A track is owned when a matched local file or one of my current SoundCloud likes holds it.
OWNED_SQL = (
    "(EXISTS (SELECT 1 FROM my_likes m WHERE m.track_id = t.id AND m.gone_at IS NULL) "  # noqa: S608
    "OR EXISTS (SELECT 1 FROM local_files WHERE local_files.track_id = t.id AND "
    + OWNED_CONDITION
    + "))"
)
JUDGED_SQL = "EXISTS (SELECT 1 FROM judgments j WHERE j.track_id = t.id)"


# A stored ranking key: (track_id, key, first_seen_at, supporters).
KeyRow = tuple[int, float, str | None, int]


@dataclass(frozen=True)
class ArtistStats:
    """What ranking needs to know of an artist: its weight, and how the tracks it surfaced fared."""

    name: str
    weight: float
    watched: bool
    liked: int
    dismissed: int
    ignored: int = (
        0  # pushed, heard (a sync learned after the push) and neither liked nor dismissed
    )
    muted: frozenset[str] = frozenset()  # its muted kinds: their picks count for nothing


@dataclass(frozen=True)
class Outcomes:
    """How every judged or heard track fared: the base rate the curators are measured against."""

    liked: int = 0
    dismissed: int = 0
    ignored: int = 0


_JUDGED = "SELECT j.track_id, CASE WHEN j.verdict = 'liked' THEN 'liked' ELSE 'dismissed' END FROM judgments j"


def list_outcomes(conn: Store) -> dict[int, str]:
    """track_id -> liked | dismissed for every judged track (discovery adds the ignored ones):
    read once per refresh and handed to the counters below."""
    return {tid: o for tid, o in conn.execute(_JUDGED)}


def count_outcomes(outcomes: Mapping[int, str]) -> Outcomes:
    """How many tracks were liked, dismissed and heard-but-ignored, in all."""
    found = list(outcomes.values())
    return Outcomes(found.count("liked"), found.count("dismissed"), found.count("ignored"))


def list_genre_outcomes(
    conn: Store, outcomes: Mapping[int, str]
) -> dict[str, tuple[int, int, int]]:
    """Per genre (trimmed, lower case; empty left out): how many of its tracks were liked,
    dismissed, or heard and ignored."""
    counts: dict[str, list[int]] = {}
    slot = {"liked": 0, "dismissed": 1, "ignored": 2}
    for tid, genre in conn.execute(
        "SELECT id, lower(trim(genre)) FROM tracks WHERE id IN (SELECT value FROM json_each(?)) "
        "AND coalesce(trim(genre), '') != ''",
        (json_list(sorted(outcomes)),),
    ):
        counts.setdefault(genre, [0, 0, 0])[slot[outcomes[tid]]] += 1
    return {g: (c[0], c[1], c[2]) for g, c in counts.items()}


def list_tracks_with_genres(conn: Store, genres: Iterable[str]) -> list[int]:
    """Ids of the tracks whose genre (trimmed, lower case) is one of `genres`."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT id FROM tracks WHERE lower(trim(genre)) IN (SELECT value FROM json_each(?))",
            (json_list(sorted(set(genres))),),
        )
    ]


def list_artist_stats(
    conn: Store, outcomes: Mapping[int, str] | None = None
) -> dict[int, ArtistStats]:
    """Every artist with its weight, watched flag and how many of the tracks it surfaced fared
    each way in `outcomes` (`list_outcomes`; default: the judged tracks alone), distinct tracks."""
    outcomes = list_outcomes(conn) if outcomes is None else outcomes
    counts: dict[int, dict[str, int]] = {}
    for aid, tid in conn.execute(
        "SELECT DISTINCT p.artist_id, p.track_id FROM provenance p "
        "WHERE p.track_id IN (SELECT value FROM json_each(?))",
        (json_list(sorted(outcomes)),),
    ):
        c = counts.setdefault(aid, {"liked": 0, "dismissed": 0, "ignored": 0})
        c[outcomes[tid]] += 1
    from music_minion.store.mutes import list_muted

    muted = list_muted(conn)
    out = {}
    for aid, name, weight, watched in conn.execute(
        "SELECT id, coalesce(username, permalink, input, urn), weight, watched FROM artists"
    ):
        c = counts.get(aid, {})
        out[aid] = ArtistStats(
            name or f"artist {aid}",
            float(weight),
            bool(watched),
            c.get("liked", 0),
            c.get("dismissed", 0),
            c.get("ignored", 0),
            muted.get(aid, frozenset()),
        )
    return out


def save_artist_stats(conn: Store, stats: dict[int, ArtistStats]) -> None:
    """Keep the stats the keys were computed with (`rank_artists`)."""
    conn.execute("DELETE FROM rank_artists")
    conn.executemany(
        "INSERT INTO rank_artists (artist_id, name, weight, watched, liked, dismissed, ignored, muted) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                aid,
                a.name,
                a.weight,
                int(a.watched),
                a.liked,
                a.dismissed,
                a.ignored,
                ",".join(sorted(a.muted)),
            )
            for aid, a in stats.items()
        ],  # fmt: skip
    )


def list_saved_artist_stats(conn: Store) -> dict[int, ArtistStats]:
    return {
        r[0]: ArtistStats(
            r[1],
            float(r[2]),
            bool(r[3]),
            r[4],
            r[5],
            r[6],
            frozenset(filter(None, r[7].split(","))),
        )
        for r in conn.execute(
            "SELECT artist_id, name, weight, watched, liked, dismissed, ignored, muted FROM rank_artists"
        )
    }


_PROVENANCE_ROWS = (
    "SELECT p.track_id, p.artist_id, p.kind, p.first_seen_at, p.position, t.genre "
    "FROM provenance p JOIN tracks t ON t.id = p.track_id"
)
_PROVENANCE_ALL = _PROVENANCE_ROWS + " ORDER BY p.track_id"
_PROVENANCE_OF = (
    _PROVENANCE_ROWS  # noqa: S608 - constant text only
    + " WHERE p.track_id IN (SELECT value FROM json_each(?)) ORDER BY p.track_id"
)


def iter_provenance_rows(
    conn: Store, track_ids: Sequence[int] | None = None
) -> Iterator[sqlite3.Row]:
    """(track_id, artist_id, kind, first_seen_at, position, genre) ordered by track; all rows
    when `track_ids` is None (streamed in primary-key order, no sort)."""
    if track_ids is None:
        yield from conn.execute(_PROVENANCE_ALL)
        return
    yield from conn.execute(_PROVENANCE_OF, (json_list(sorted(set(track_ids))),))


def list_tracks_of_artists(conn: Store, artist_ids: Iterable[int]) -> list[int]:
    """Ids of every track surfaced by any of these artists."""
    rows = conn.execute(
        "SELECT DISTINCT track_id FROM provenance WHERE artist_id IN (SELECT value FROM json_each(?))",
        (json_list(sorted(set(artist_ids))),),
    )
    return sorted(r[0] for r in rows)


def mark_dirty_tracks(conn: Store, track_ids: Iterable[int]) -> None:
    """Queue the supporters of these tracks: their hit rates (so their tracks' keys) changed."""
    conn.execute(
        "INSERT OR IGNORE INTO rank_dirty (artist_id) SELECT DISTINCT artist_id FROM provenance "
        "WHERE track_id IN (SELECT value FROM json_each(?))",
        (json_list(sorted(set(track_ids))),),
    )


def list_dirty_artists(conn: Store, changed_since: str) -> set[int]:
    """Queued artists plus artists changed (weight, watch, a check) at or after `changed_since`."""
    out = {r[0] for r in conn.execute("SELECT artist_id FROM rank_dirty")}
    out.update(
        r[0] for r in conn.execute("SELECT id FROM artists WHERE updated_at >= ?", (changed_since,))
    )
    return out


def clear_dirty(conn: Store) -> None:
    conn.execute("DELETE FROM rank_dirty")


def count_provenance(conn: Store) -> int:
    return int(conn.execute("SELECT count(*) FROM provenance").fetchone()[0])


def list_rows_seen_since(conn: Store, moment: str) -> list[tuple[int, str]]:
    """(track_id, first_seen_at) of every provenance row first seen at or after `moment` (one scan)."""
    return [
        tuple(r)
        for r in conn.execute(
            "SELECT track_id, first_seen_at FROM provenance WHERE first_seen_at >= ?", (moment,)
        )
    ]


def get_max_track_id(conn: Store) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM tracks").fetchone()[0])


def list_track_ids_above(conn: Store, track_id: int) -> list[int]:
    """Tracks added since the track id `track_id` was the largest."""
    return [r[0] for r in conn.execute("SELECT id FROM tracks WHERE id > ?", (track_id,))]


def rebuild_keys(conn: Store, batches: Iterable[list[KeyRow]]) -> int:
    """Replace every stored key with `batches` of (track_id, key, first_seen_at, supporters) rows.
    The key index is dropped and built again once at the end (far cheaper than a million random
    index inserts). Returns how many rows were written; call inside a transaction."""
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rank_scores' AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')  # names come from sqlite_master, never from input
    conn.execute("DELETE FROM rank_scores")
    n = 0
    for batch in batches:
        conn.executemany(
            "INSERT INTO rank_scores (track_id, key, first_seen_at, supporters) VALUES (?, ?, ?, ?)",
            batch,
        )
        n += len(batch)
    for _, sql in indexes:
        conn.execute(sql)
    return n


def write_keys(conn: Store, rows: Sequence[KeyRow], track_ids: Sequence[int]) -> None:
    """Store the recomputed (track_id, key, first_seen_at, supporters) rows of `track_ids`: changed
    keys are updated in place, tracks without support any more lose their key."""
    keep = {r[0] for r in rows}
    conn.executemany(
        "DELETE FROM rank_scores WHERE track_id = ?", [(i,) for i in track_ids if i not in keep]
    )
    conn.executemany(
        "INSERT INTO rank_scores (track_id, key, first_seen_at, supporters) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (track_id) DO UPDATE SET key = excluded.key, first_seen_at = excluded.first_seen_at, "
        "supporters = excluded.supporters WHERE key IS NOT excluded.key OR first_seen_at IS NOT excluded.first_seen_at "
        "OR supporters IS NOT excluded.supporters",
        rows,
    )


@dataclass(frozen=True)
class CandidateFilter:
    """Feed filters applied in SQL."""

    mixes: bool = False
    mix_ms: int = 600_000
    since: str | None = None  # ISO: first seen at or after
    genre: str | None = None  # substring of genre or tags, case-insensitive
    artist_id: int | None = None  # surfaced or uploaded by this artist
    artist_urn: str | None = None
    retired: frozenset[int] = frozenset()  # track ids out of the feed until restored


_CANDIDATE_COLUMNS = (
    "r.track_id, r.key, t.urn, t.title, t.uploader_name, t.uploader_urn, t.permalink_url, t.duration_ms, "
    "t.genre, t.status, t.access"
)


# A named feed exclusion: (reason, SQL true when it keeps the track `t` out, its parameters).
Exclusion = tuple[str, str, list[SqlValue]]


def retired_sql(f: CandidateFilter) -> tuple[str, list[SqlValue]]:
    """True for a retired track (`f.retired`, decided by discovery/retired.py)."""
    return "t.id IN (SELECT value FROM json_each(?))", [json_list(sorted(f.retired))]


def exclusions(f: CandidateFilter) -> list[Exclusion]:
    """Everything that keeps a scored track out of a feed, in the order `why` reports it; the feed's
    WHERE is their negation, so both say the same."""
    mix = "coalesce(t.duration_ms, 0) > ?"
    return [
        ("unavailable", "coalesce(t.status, '') != 'ok'", []),
        ("blocked", "coalesce(t.access, '') = 'blocked'", []),
        ("judged", JUDGED_SQL, []),
        ("owned", OWNED_SQL, []),
        ("retired", *retired_sql(f)),
        ("not_mix", f"NOT ({mix})", [f.mix_ms]) if f.mixes else ("mix", mix, [f.mix_ms]),
    ]


def list_exclusions(conn: Store, track_id: int, f: CandidateFilter) -> list[str]:
    """The names of the exclusions that keep this track out of the feed `f` (none: it is in)."""
    found = exclusions(f)
    cases = ", ".join(f"CASE WHEN {sql} THEN 1 ELSE 0 END" for _, sql, _ in found)
    params = [p for _, _, ps in found for p in ps]
    row = conn.execute(f"SELECT {cases} FROM tracks t WHERE t.id = ?", [*params, track_id])  # noqa: S608
    flags = row.fetchone() or ()
    return [name for (name, _, _), flag in zip(found, flags, strict=False) if flag]


def _where(f: CandidateFilter) -> tuple[str, list[SqlValue]]:
    found = exclusions(f)
    clauses = [f"NOT ({sql})" for _, sql, _ in found]
    params: list[SqlValue] = [p for _, _, ps in found for p in ps]
    if f.since:
        clauses.append("r.first_seen_at >= ?")
        params.append(f.since)
    if f.genre:
        clauses.append(
            "(lower(coalesce(t.genre, '')) LIKE ? ESCAPE '\\' OR lower(coalesce(t.tags, '')) LIKE ? ESCAPE '\\')"
        )
        pattern = like_contains(f.genre.lower())
        params += [pattern, pattern]
    if f.artist_id is not None:
        clauses.append(
            "(EXISTS (SELECT 1 FROM provenance p WHERE p.track_id = t.id AND p.artist_id = ?) OR t.uploader_urn = ?)"
        )
        params += [f.artist_id, f.artist_urn]
    return " AND ".join(clauses), params


def get_key(conn: Store, track_id: int) -> float | None:
    """The stored ranking key of a track (None: no counted support)."""
    row = conn.execute("SELECT key FROM rank_scores WHERE track_id = ?", (track_id,)).fetchone()
    return None if row is None else float(row[0])


def list_owned_by(conn: Store, track_id: int) -> list[str]:
    """What makes a track owned: "your SoundCloud likes" and the paths of matched local files."""
    liked = conn.execute(
        "SELECT 1 FROM my_likes WHERE track_id = ? AND gone_at IS NULL", (track_id,)
    ).fetchone()
    files = conn.execute(
        "SELECT path FROM local_files WHERE track_id = ? AND " + OWNED_CONDITION + " ORDER BY path",  # noqa: S608
        (track_id,),
    )
    return (["your SoundCloud likes"] if liked else []) + [r[0] for r in files]


def list_candidates(conn: Store, f: CandidateFilter, limit: int, offset: int) -> list[sqlite3.Row]:
    """Candidates in key order (best first), exclusions already applied."""
    where, params = _where(f)
    sql = (
        f"SELECT {_CANDIDATE_COLUMNS} FROM rank_scores r JOIN tracks t ON t.id = r.track_id "  # noqa: S608
        f"WHERE {where} ORDER BY r.key DESC, r.track_id DESC LIMIT ? OFFSET ?"
    )
    return conn.execute(sql, [*params, limit, offset]).fetchall()


def list_candidates_with_key(
    conn: Store, f: CandidateFilter, low: float, high: float
) -> list[sqlite3.Row]:
    """Every candidate whose key is in [low, high] (to finish a tie group cut by a page boundary)."""
    where, params = _where(f)
    sql = f"SELECT {_CANDIDATE_COLUMNS} FROM rank_scores r JOIN tracks t ON t.id = r.track_id WHERE r.key BETWEEN ? AND ? AND {where}"  # noqa: S608
    return conn.execute(sql, [low, high, *params]).fetchall()


def count_candidates(conn: Store, f: CandidateFilter) -> int:
    """How many candidates the feed has (exclusions applied)."""
    where, params = _where(f)
    sql = f"SELECT count(*) FROM rank_scores r JOIN tracks t ON t.id = r.track_id WHERE {where}"  # noqa: S608
    n: int = conn.execute(sql, params).fetchone()[0]
    return n
