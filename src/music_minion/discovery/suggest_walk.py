"""The walk behind `artists suggest`: favoriters and reposters of my recent likes, related users of
my best curators, each list fetched once into the store's cache and inside a request budget.

A deleted or private track (404, 403) is cached as gone; a 429 that outlasts the retries stops
the walk where it is, with everything fetched so far kept, so a re-run resumes from the cache.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from music_minion.discovery import suggest
from music_minion.errors import MinionError
from music_minion.store import artists as artists_store
from music_minion.store import curators as store
from music_minion.store.session import Store
from music_minion.timeutil import now_iso

if TYPE_CHECKING:
    from music_minion.config import Config
    from music_minion.soundcloud.client import SoundCloudClient
    from music_minion.soundcloud.models import User

Progress = Callable[[int, int], None]


@dataclass
class Walked:
    """What a walk found and what it cost."""

    lists: dict[tuple[str, str], suggest.UserList] = field(default_factory=dict)
    requests: int = 0
    fetched: int = 0
    cached: int = 0
    gone: int = 0
    pending: int = 0  # lists left for a later run (budget spent, or stopped)
    stopped: str | None = None  # why the walk stopped early (rate limited)

    def then(self, more: Walked) -> None:
        """Add a later walk's lists and costs to this one's."""
        self.lists.update(more.lists)
        self.requests += more.requests
        self.fetched, self.cached = self.fetched + more.fetched, self.cached + more.cached
        self.gone, self.pending = self.gone + more.gone, self.pending + more.pending
        self.stopped = self.stopped or more.stopped


def _user(u: User) -> dict[str, Any]:
    return {
        "urn": u.urn,
        "username": u.username,
        "permalink_url": u.permalink_url,
        "likes": u.public_favorites_count,
        "followers": u.followers_count,
    }


def _method(client: SoundCloudClient, endpoint: str) -> Callable[..., AsyncIterator[User]]:
    return {
        "favoriters": client.track_favoriters,
        "reposters": client.track_reposters,
        "related": client.user_related,
    }[endpoint]


async def _fetch(client: SoundCloudClient, endpoint: str, urn: str, pages: int) -> suggest.UserList:
    return [_user(u) async for u in _method(client, endpoint)(urn, page_cap=pages)]


async def walk(
    client: SoundCloudClient,
    conn: Store,
    cfg: Config,
    todo: list[tuple[str, str]],
    progress: Progress | None = None,
    budget: int | None = None,
) -> Walked:
    """Fetch every (endpoint, urn) of `todo` not cached yet, in order, a batch at a time, within
    `budget` requests (`curators.suggest_budget` when None)."""
    from music_minion.soundcloud.errors import ApiError, Forbidden, NotFound, RateLimited

    c, out = cfg.curators, Walked()
    budget = c.suggest_budget if budget is None else budget
    before = client.stats.requests
    missing = []
    for key in todo:
        hit = store.get_cached(conn, *key)
        if hit is None:
            missing.append(key)
            continue
        out.cached += 1
        out.lists[key] = json.loads(hit[1]) if hit[0] == "ok" else []
    width = max(1, cfg.soundcloud.max_concurrency)
    i = 0
    while i < len(missing) and out.stopped is None:
        room = (budget - (client.stats.requests - before)) // c.suggest_pages
        if room <= 0:
            break
        batch = missing[i : i + min(width, room)]
        results = await asyncio.gather(
            *(_fetch(client, e, u, c.suggest_pages) for e, u in batch), return_exceptions=True
        )
        for key, res in zip(batch, results, strict=True):
            if isinstance(res, NotFound | Forbidden):
                store.put_cached(conn, *key, "gone", "[]", now_iso())
                out.lists[key], out.gone = [], out.gone + 1
            elif isinstance(res, RateLimited):
                out.stopped = "rate limited by SoundCloud"
            elif isinstance(res, ApiError):
                out.stopped = out.stopped or res.what
            elif isinstance(res, BaseException):
                raise res
            else:
                store.put_cached(conn, *key, "ok", json.dumps(res), now_iso())
                out.lists[key], out.fetched = res, out.fetched + 1
        i += len(batch)
        if progress is not None:
            progress(out.cached + i, len(todo))
    out.pending = len(todo) - len(out.lists)
    out.requests = client.stats.requests - before
    return out


NO_LIKES = (
    "like a few tracks first (on SoundCloud, or `music-minion judge N liked`), then run `sync`"
)


async def _me(client: SoundCloudClient) -> str | None:
    """My URN when logged in as a user (to leave me out), else None."""
    try:
        return (await client.me()).urn
    except MinionError:
        return None


async def run(
    client: SoundCloudClient,
    conn: Store,
    cfg: Config,
    *,
    limit: int,
    add: int = 0,
    follow: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Walk, score and (with `add`) watch the top `add`, also following them on SoundCloud when
    `follow`; the report `artists suggest` prints: `suggestions` (the first `limit`, all when 0)
    out of `candidates` scored."""
    c, before = cfg.curators, client.stats.requests
    liked = store.list_recent_liked(conn, c.suggest_likes)
    if not liked:
        return _report([], liked, limit, Walked(), message=NO_LIKES)
    curators = store.list_best_curators(conn, c.suggest_related_from)
    todo = [(e, urn) for urn, _ in liked for e in ("favoriters", "reposters")]
    todo += [("related", urn) for urn in curators]
    w = await walk(client, conn, cfg, todo, progress)
    related = [w.lists[("related", u)] for u in curators if ("related", u) in w.lists]
    excluded, order = await _left_out_and_order(client, conn, w, liked)

    def ranking(near: list[suggest.UserList]) -> list[suggest.Suggestion]:
        picked = _picked(w, liked)
        return suggest.rank(liked, picked, related, excluded, c.suggest_like_prior, order, near)

    ranked = ranking([])
    if c.suggest_second_hop and w.stopped is None:
        top = [("related", s.urn) for s in ranked[: c.suggest_second_hop]]
        spent = client.stats.requests - before
        w.then(await walk(client, conn, cfg, top, progress, c.suggest_budget - spent))
        ranked = ranking([w.lists[key] for key in top if key in w.lists])
    added = [_watch(conn, s) for s in ranked[:add]]
    followed, failed = await _follow(client, ranked[:add]) if follow else ([], [])
    w.requests = client.stats.requests - before
    return _report(ranked, liked, limit, w, added=added, followed=followed, follow_failed=failed)


def _report(
    ranked: list[suggest.Suggestion],
    liked: list[tuple[str, str | None]],
    limit: int,
    w: Walked,
    message: str | None = None,
    **acted: list[dict[str, Any]],
) -> dict[str, Any]:
    """Every key always there: the suggestions shown, how many were scored, what was done."""
    return {
        "suggestions": [s.as_dict(len(liked)) for s in ranked[: limit or None]],
        "candidates": len(ranked),
        "added": acted.get("added", []),
        "followed": acted.get("followed", []),
        "follow_failed": acted.get("follow_failed", []),
        "window": len(liked),
        "requests": w.requests,
        "lists": {"fetched": w.fetched, "cached": w.cached, "gone": w.gone, "pending": w.pending},
        "stopped": w.stopped,
        "message": message,
    }


def _picked(w: Walked, liked: list[tuple[str, str | None]]) -> dict[str, suggest.UserList]:
    """Each liked track's favoriters and reposters, as fetched."""
    return {
        u: w.lists.get(("favoriters", u), []) + w.lists.get(("reposters", u), []) for u, _ in liked
    }


async def _left_out_and_order(
    client: SoundCloudClient, conn: Store, w: Walked, liked: list[tuple[str, str | None]]
) -> tuple[set[str], dict[str, tuple[set[str], set[str]]]]:
    """The accounts suggestions leave out (me among them), and who liked each track before me."""
    excluded = store.list_excluded_urns(conn)
    me = await _me(client)
    if me is not None:
        excluded.add(me)
    order = {u: suggest.order_against(w.lists.get(("favoriters", u), []), me) for u, _ in liked}
    return excluded, order


async def _follow(
    client: SoundCloudClient, chosen: list[suggest.Suggestion]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Follow each chosen account on SoundCloud: (followed, failed with the reason)."""
    from music_minion.soundcloud.errors import ApiError

    followed, failed = [], []
    for s in chosen:
        who = {"urn": s.urn, "artist": s.username}
        try:
            await client.follow(s.urn)
        except ApiError as e:
            status = f"HTTP {e.status}: " if e.status else ""
            failed.append({**who, "error": f"{status}{e.message}"})
        else:
            followed.append(who)
    return followed, failed


def _watch(conn: Store, s: suggest.Suggestion) -> dict[str, Any]:
    aid, _ = artists_store.upsert_resolved(
        conn, artists_store.Resolved(s.urn, s.username, None, s.link), watched=True
    )
    return {"id": aid, "urn": s.urn, "artist": s.username}
