"""Listening on the review page: the queue it shows, what it played, and when a sync landed.

The queue is the feed (same ranking, filters and exclusions); a visit of at least
`review.min_listen_seconds` is a listen, and a track with `review.max_unjudged_listens` listens
(since its last `restore`) and no verdict is retired: out of the feed, the playlist push and the
page alike (discovery/retired.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from music_minion.config.schema import RankingSettings, ReviewSettings
from music_minion.store import listens, sync_runs
from music_minion.store import local_files as files_store
from music_minion.store.judgments import get_verdict
from music_minion.store.session import Store
from music_minion.timeutil import now, now_iso


@dataclass(frozen=True)
class QueueFilters:
    """The feed's filters, as `review` takes them."""

    mixes: bool = False
    artist: str | None = None
    since_days: float | None = None
    genre: str | None = None


def load_queue(
    conn: Store,
    rc: RankingSettings,
    review: ReviewSettings,
    f: QueueFilters,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """The page's queue: the feed's first `limit` (default `review.queue_size`) rows in rank
    order, each with what the page shows."""
    from music_minion.discovery.feed import build_feed, refresh_scores
    from music_minion.discovery.retired import RetireRules

    moment = now()
    refresh_scores(conn, rc)
    ranked = build_feed(
        conn,
        rc,
        limit=min(limit or review.queue_size, review.queue_size),
        mixes=f.mixes,
        artist=f.artist,
        since_days=f.since_days,
        genre=f.genre,
        at=moment,
        rules=RetireRules.of(rc, review),
    )
    local = {p.track_id: PurePath(p.path).name for p in files_store.list_proposals(conn)}
    out = []
    for r in ranked:
        d = r.as_dict(moment, rc)
        supporters = [
            {"artist": s["artist"], "kinds": s["kinds"], "hit_rate": s["hit_rate"]}
            for s in d["components"]["supporters"]
        ]
        out.append(
            {
                **{k: d[k] for k in ("rank", "urn", "title", "uploader", "duration_ms", "genre")},
                **{k: d[k] for k in ("score", "why", "link", "first_seen_at")},
                "supporters": supporters,
                "local_file": local.get(r.row.track_id),
                "listens": listens.count_listens(conn, r.row.track_id),
            }
        )
    return out


def queue_version(conn: Store) -> str:
    """Changes when a sync lands (the page then reloads its queue)."""
    runs = sync_runs.list_recent(conn, 1)
    if not runs:
        return "none"
    return f"{runs[0]['id']}:{runs[0].get('finished_at') or ''}"


def record_listen(
    conn: Store, track_id: int, seconds: float, review: ReviewSettings
) -> dict[str, Any]:
    """Record a visit of `seconds`; says whether it counted and whether the track now leaves
    the queue (heard `max_unjudged_listens` times with no verdict)."""
    counted = seconds >= review.min_listen_seconds
    listens.add(conn, track_id, max(0.0, seconds), counted, now_iso())
    heard = listens.count_listens(conn, track_id)
    judged = get_verdict(conn, track_id) is not None
    return {
        "counted": counted,
        "listens": heard,
        "left": not judged and heard >= review.max_unjudged_listens,
    }
