"""Curator SQL: which watched artists support the current candidates and the recent pushes (for
`artists report`), and which accounts suggestions must leave out."""

from __future__ import annotations

from collections.abc import Iterator

from music_minion.store.ranking import JUDGED_SQL, OWNED_SQL
from music_minion.store.session import Store, writer

_CANDIDATE_SUPPORT = (
    "SELECT p.artist_id, p.kind, p.track_id FROM rank_scores r JOIN tracks t ON t.id = r.track_id "  # noqa: S608
    "JOIN provenance p ON p.track_id = t.id JOIN artists a ON a.id = p.artist_id AND a.watched = 1 "
    "WHERE t.status = 'ok' AND NOT " + JUDGED_SQL + " AND NOT " + OWNED_SQL
)


def iter_candidate_support(conn: Store) -> Iterator[tuple[int, str, int]]:
    """(artist_id, kind, track_id) for every watched artist's provenance of a ranked, unjudged,
    unowned track (the candidates the feed chooses from)."""
    for aid, kind, tid in conn.execute(_CANDIDATE_SUPPORT):
        yield int(aid), str(kind), int(tid)


def list_pushed_since(conn: Store, since: str) -> list[int]:
    """Distinct tracks an ok push put in the playlist at or after `since`."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT pt.track_id FROM playlist_push_tracks pt JOIN playlist_pushes pp "
            "ON pp.id = pt.push_id WHERE pp.status = 'ok' AND pp.finished_at >= ?",
            (since,),
        )
    ]


def list_push_support(conn: Store, since: str) -> list[tuple[int, str, int]]:
    """(artist_id, kind, track_id) for watched artists' provenance of tracks pushed since `since`."""
    return [
        (int(r[0]), str(r[1]), int(r[2]))
        for r in conn.execute(
            "SELECT p.artist_id, p.kind, p.track_id FROM provenance p JOIN artists a ON a.id = p.artist_id "
            "WHERE a.watched = 1 AND p.track_id IN (SELECT DISTINCT pt.track_id FROM playlist_push_tracks pt "
            "JOIN playlist_pushes pp ON pp.id = pt.push_id WHERE pp.status = 'ok' AND pp.finished_at >= ?)",
            (since,),
        )
    ]


def list_excluded_urns(conn: Store) -> set[str]:
    """URNs suggestions leave out: watched, muted (any source) and removed accounts."""
    return {
        r[0]
        for r in conn.execute(
            "SELECT urn FROM artists WHERE urn IS NOT NULL AND (watched = 1 OR removed_at IS NOT NULL "
            "OR EXISTS (SELECT 1 FROM artist_mutes m WHERE m.artist_id = artists.id))"
        )
    }


@writer
def set_removed(conn: Store, artist_id: int, at: str) -> None:
    """Remember that `artists remove` stopped watching this artist."""
    conn.execute("UPDATE artists SET removed_at = ? WHERE id = ?", (at, artist_id))


def list_recent_liked(conn: Store, limit: int) -> list[tuple[str, str | None]]:
    """(urn, title) of my most recent likes: current SoundCloud likes and `liked` judgments,
    newest first, each track once."""
    rows = conn.execute(
        "SELECT t.urn, t.title, max(x.at) AS at FROM ("
        "  SELECT track_id, first_seen_at || printf('%08d', 99999999 - position) AS at FROM my_likes "
        "  WHERE gone_at IS NULL"
        "  UNION ALL SELECT track_id, judged_at || '99999999' FROM judgments WHERE verdict = 'liked'"
        ") x JOIN tracks t ON t.id = x.track_id WHERE t.status = 'ok' "
        "GROUP BY t.id ORDER BY at DESC, t.id DESC LIMIT ?",
        (limit,),
    )
    return [(r[0], r[1]) for r in rows]


def get_cached(conn: Store, endpoint: str, urn: str) -> tuple[str, str] | None:
    """(status, users JSON) of a cached list, if fetched before."""
    row = conn.execute(
        "SELECT status, users FROM suggest_cache WHERE endpoint = ? AND urn = ?", (endpoint, urn)
    ).fetchone()
    return None if row is None else (row[0], row[1])


@writer
def put_cached(conn: Store, endpoint: str, urn: str, status: str, users: str, at: str) -> None:
    """Keep a fetched list (one statement: atomic on its own)."""
    conn.execute(
        "INSERT INTO suggest_cache (endpoint, urn, status, users, fetched_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (endpoint, urn) DO UPDATE SET status = excluded.status, users = excluded.users, "
        "fetched_at = excluded.fetched_at",
        (endpoint, urn, status, users, at),
    )


def list_best_curators(conn: Store, limit: int) -> list[str]:
    """URNs of watched curators whose picks I liked most (liked judgments of their tracks)."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT a.urn FROM artists a JOIN provenance p ON p.artist_id = a.id "
            "JOIN judgments j ON j.track_id = p.track_id AND j.verdict = 'liked' "
            "WHERE a.watched = 1 AND a.urn IS NOT NULL "
            "GROUP BY a.id ORDER BY count(DISTINCT p.track_id) DESC, a.id LIMIT ?",
            (limit,),
        )
    ]


def list_cached_urns(conn: Store, endpoint: str) -> set[str]:
    """Every user URN in the cached lists of one endpoint (favoriters, reposters or related)."""
    return {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT json_extract(u.value, '$.urn') FROM suggest_cache c, json_each(c.users) u "
            "WHERE c.endpoint = ? AND c.status = 'ok'",
            (endpoint,),
        )
    }
