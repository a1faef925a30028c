"""The discovery steps of a sync, each a small unit with a declared failure policy.

    resolve → plan → fetch+merge → gone-check → [match] → learn → rank → push → [digest]

`pipeline.py` composes these with the library's match and the digest and runs them in order; this
module holds the steps that belong to discovery and the runner that applies their policies:

- `fatal`: the error ends the run (it is counted, the run is recorded as failed, and it is raised);
- `partial`: the error is counted under `<step>:<kind>`, the step's result says it was skipped and
  why, and the run ends `partial` (or `failed` when no artist was checked);
- `skip`: the error is noted in the step's result and nothing else changes.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from music_minion.discovery.fetch_merge import FetchMerge, artist_label
from music_minion.discovery.sources import ARTIST_SOURCES
from music_minion.discovery.sync_run import RunContext, SyncOptions, error_kind
from music_minion.errors import MinionError, UsageError, reason
from music_minion.soundcloud.errors import NotLoggedIn
from music_minion.store import artists as artists_store
from music_minion.store import provenance as prov
from music_minion.store.session import Store
from music_minion.timeutil import now, now_iso

Policy = Literal["fatal", "partial", "skip"]


@dataclass(frozen=True)
class Step:
    """A named unit of a sync: `run(ctx)` returns what goes into the summary under `name`."""

    name: str
    run: Callable[[RunContext], Awaitable[object]]
    policy: Policy
    when: Callable[[RunContext], bool] = lambda _ctx: True


async def run_steps(ctx: RunContext, steps: list[Step]) -> None:
    """Run `steps` in order under their policies; results land in `ctx.results`."""
    for step in steps:
        if not step.when(ctx):
            continue
        t0 = time.monotonic()
        try:
            result = await step.run(ctx)
        except Exception as e:
            if step.policy == "fatal":
                raise
            result = _failed(ctx, step, e)
        if result is not None:
            ctx.results[step.name] = result
        ctx.durations_s[step.name] = round(time.monotonic() - t0, 3)


def _failed(ctx: RunContext, step: Step, e: Exception) -> dict[str, Any]:
    kind = error_kind(e)
    if step.policy == "skip":
        return {"error": kind}
    ctx.totals.errors[f"{step.name}:{kind}"] += 1
    return {"skipped": True, "reason": reason(e) if isinstance(e, MinionError) else kind}


def plan(db: Store, opts: SyncOptions) -> list[sqlite3.Row]:
    """The watched, resolved artists a sync checks: named ones, all (--all/--full) or the due ones."""
    if not opts.artists:
        return artists_store.list_due(db, now_iso(), everyone=opts.everyone or opts.full)
    rows: list[sqlite3.Row] = []
    seen: set[int] = set()
    for ref in opts.artists:
        row = artists_store.get_by_ref(db, ref)
        if row["urn"] is None or row["resolve_status"] != "ok":
            raise UsageError(
                f"{ref!r} is not resolved yet ({row['resolve_status']})",
                "run `music-minion sync` to retry, or `artists remove` it",
            )
        if row["id"] not in seen:
            seen.add(row["id"])
            rows.append(row)
    return rows


def dry_run(db: Store, opts: SyncOptions, sources: list[str]) -> dict[str, Any]:
    """What a sync would check, without a request or a write."""
    rows = plan(db, opts)
    return {
        "dry_run": True,
        "sources": sources,
        "artists_planned": len(rows),
        "resolutions_to_retry": len(artists_store.list_to_retry(db)),
        "artists": [
            {
                "id": r["id"],
                "urn": r["urn"],
                "artist": artist_label(r),
                "next_check_at": r["next_check_at"],
                "check_interval_hours": r["check_interval_hours"],
            }
            for r in rows
        ],
    }


async def resolve_step(ctx: RunContext) -> dict[str, int]:
    """Resolve again the artist inputs whose earlier failure was transient."""
    from music_minion.discovery.watchlist import retry_pending

    if ctx.opts.artists:  # a sync of named artists resolves nothing else
        return {"retried": 0}
    return await retry_pending(ctx.client, ctx.db)


async def plan_step(ctx: RunContext) -> dict[str, Any] | None:
    """The artists to check, and the (artist, source) pairs whose periodic full walk is due; when
    nobody is due, when the next check will be."""
    ctx.planned = plan(ctx.db, ctx.opts)
    if not ctx.opts.full:
        _add_full_walks(ctx)
    if ctx.planned:
        return None
    return {"due": 0, "next_check_at": artists_store.get_next_check_at(ctx.db)}


def _add_full_walks(ctx: RunContext) -> None:
    from music_minion.discovery.full_pass import due

    kinds = [ARTIST_SOURCES[s][0] for s in ctx.sources]
    planned = {r["id"] for r in ctx.planned}
    ctx.full_due = due(ctx.db, now(), ctx.cfg.discovery.full_every_days, list(planned), kinds)
    if ctx.opts.artists:  # a sync of named artists walks only theirs
        ctx.full_due = {p for p in ctx.full_due if p[0] in planned}
        return
    extra = {aid for aid, _ in ctx.full_due} - planned  # checked even when not due otherwise
    everyone = artists_store.list_due(ctx.db, now_iso(), everyone=True)
    ctx.planned += [r for r in everyone if r["id"] in extra]


async def fetch_merge_step(ctx: RunContext) -> None:
    t0 = time.monotonic()
    merge_s = await FetchMerge(ctx).run()
    ctx.durations_s["merge"] = round(merge_s, 3)
    ctx.durations_s["fetch_merge"] = round(time.monotonic() - t0, 3)


async def gone_check_step(ctx: RunContext) -> None:
    """After a full pass: look up tracks no list shows any more; those SoundCloud lacks are deleted."""
    from music_minion.store import tracks as tracks_store

    urns = prov.list_gone_track_urns(ctx.db)
    if not urns:
        return
    try:
        found = {t.urn for t in await ctx.client.tracks(urns)}
    except Exception as e:  # noqa: BLE001 - a failed lookup leaves statuses as they were
        ctx.totals.errors[error_kind(e)] += 1
        return
    with ctx.db.atomic():
        missing = [u for u in urns if u not in found]
        ctx.totals.tracks_deleted = tracks_store.set_status(ctx.db, missing, "deleted", now_iso())


async def learn_step(ctx: RunContext) -> dict[str, Any]:
    """My likes and judgment playlists become judgments; logged out, that cannot happen, and the
    run is partial (the walks of public lists still worked), as it is when a source cannot be read."""
    from music_minion.discovery.learn import learn_from_soundcloud

    j = ctx.cfg.judgments
    wanted = j.learn_likes or j.not_interested_playlist or j.not_quite_playlist
    if wanted and ctx.client.token_kind != "user":
        raise NotLoggedIn("not logged in: your likes and judgment playlists were not read")

    result = await learn_from_soundcloud(ctx.client, ctx.db, ctx.cfg)
    for source in result["errors"]:
        ctx.totals.errors[f"learn:{source}"] += 1
    return result


async def rank_step(ctx: RunContext) -> dict[str, Any]:
    """Bring the ranking keys up to date once, after everything that moves them."""
    from music_minion.discovery.feed import refresh_scores

    return refresh_scores(ctx.db, ctx.cfg.ranking)


async def push_step(ctx: RunContext) -> dict[str, Any]:
    from music_minion.discovery.push import push_all

    return await push_all(ctx.client, ctx.db, ctx.cfg, size=None, dry_run=False)


RESOLVE = Step("resolution", resolve_step, "skip")
PLAN = Step("plan", plan_step, "fatal")
FETCH_MERGE = Step("fetch_merge", fetch_merge_step, "fatal")
GONE_CHECK = Step(
    "gone_check",
    gone_check_step,
    "partial",
    when=lambda ctx: ctx.opts.full or ctx.totals.full_walks > 0,
)
LEARN = Step("learn", learn_step, "partial", when=lambda ctx: ctx.opts.learn)
RANK = Step("ranking", rank_step, "partial")
PUSH = Step("push", push_step, "partial", when=lambda ctx: ctx.opts.push)
