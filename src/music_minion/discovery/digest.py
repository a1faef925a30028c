"""The digest: what is new since a moment — the top new candidates with why, and the figures of
the period (curators checked, new picks, liked, dismissed). `digest_render` writes it as Markdown,
HTML or Atom."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from music_minion.config import Config
from music_minion.discovery.feed import build_feed
from music_minion.discovery.retired import RetireRules
from music_minion.store import judgments, kv, sync_runs
from music_minion.store.session import Store
from music_minion.timeutil import parse_timestamp, to_iso

TOP = 20
LAST_KEY = "digest.last_at"


@dataclass(frozen=True)
class Pick:
    urn: str
    title: str
    artist: str
    link: str
    why: str
    first_seen_at: str


@dataclass(frozen=True)
class Digest:
    since: str
    at: str
    picks: list[Pick] = field(default_factory=list)
    figures: dict[str, int] = field(default_factory=dict)


def build(db: Store, cfg: Config, since: datetime, at: datetime) -> Digest:
    """The top new candidates first seen since `since`, and the period's figures."""
    ranked = build_feed(
        db,
        cfg.ranking,
        limit=TOP,
        seen_since=since,
        at=at,
        rules=RetireRules.of(cfg.ranking, cfg.review),
    )
    picks = [
        Pick(
            r.row.urn,
            r.row.title or r.row.urn,
            r.row.uploader_name or "",
            r.row.permalink_url or "",
            r.why(at, max_names=3),
            r.first_seen_at,
        )
        for r in ranked
    ]
    since_iso = to_iso(since)
    verdicts = judgments.count_by_verdict_since(db, since_iso)
    runs = sync_runs.count_since(db, since_iso)
    figures = {
        "curators_checked": runs["curators_checked"],
        "new_picks": runs["new_picks"],
        "liked": verdicts.get("liked", 0),
        "dismissed": verdicts.get("not_interested", 0) + verdicts.get("not_quite", 0),
    }
    return Digest(since_iso, to_iso(at), picks, figures)


def last_digest_at(db: Store) -> datetime | None:
    """When the previous digest was written after a sync."""
    return parse_timestamp(kv.get(db, LAST_KEY))


def mark_written(db: Store, at: datetime) -> None:
    kv.put(db, LAST_KEY, to_iso(at))
