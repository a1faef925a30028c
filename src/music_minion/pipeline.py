"""A sync, composed: the one place that says which steps run, in what order.

    resolve → plan → fetch+merge → gone-check → match → learn → rank → push → digest

Discovery owns most steps (`discovery/sync.py`); matching local files against the tracks a sync
found belongs to the library, so it is composed here, where both can be seen. `run` takes the
process lock and an event loop; `run_async` opens the client and the two store connections with
one `AsyncExitStack`, records the run in `sync_runs` and returns a typed `SyncSummary`.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import AsyncExitStack, closing
from dataclasses import asdict
from typing import Any

from music_minion.config import Config
from music_minion.discovery import sync as steps
from music_minion.discovery.sources import configured_sources
from music_minion.discovery.sync_run import Progress, RunContext, SyncOptions, SyncSummary
from music_minion.discovery.sync_run import error_kind as _kind
from music_minion.soundcloud.client import SoundCloudClient
from music_minion.store import open_store, sync_runs
from music_minion.store.lock import process_lock


async def match_step(ctx: RunContext) -> dict[str, Any]:
    """Give local files without a match a try against the new tracks (owned → off the feed)."""
    from music_minion.library.match import match_from_config

    return match_from_config(ctx.db, ctx.cfg)


MATCH = steps.Step("library", match_step, "partial", when=lambda ctx: ctx.totals.tracks_new > 0)


async def digest_step(ctx: RunContext) -> dict[str, Any]:
    """Write the Atom feed and the HTML page of what is new since the previous digest."""
    from music_minion.discovery.digest_files import write_after_sync

    return write_after_sync(ctx.db, ctx.cfg)


DIGEST = steps.Step("digest", digest_step, "skip")

SYNC_STEPS = [
    steps.RESOLVE,
    steps.PLAN,
    steps.FETCH_MERGE,
    steps.GONE_CHECK,
    MATCH,
    steps.LEARN,
    steps.RANK,
    steps.PUSH,
    DIGEST,
]


def dry_run(cfg: Config, opts: SyncOptions) -> dict[str, Any]:
    """What a sync would check: no request, no write."""
    with closing(open_store(cfg.data_dir)) as db:
        return steps.dry_run(db, opts, configured_sources(cfg.discovery.sources))


def run(
    cfg: Config, opts: SyncOptions, *, wait: bool = False, progress: Progress | None = None
) -> SyncSummary:
    """Run one sync under the process lock (exits at once if another runs, unless `wait`)."""
    if opts.artists:
        dry_run(cfg, opts)  # an unknown --artist is a one-line error before anything is recorded
    with process_lock(cfg.data_dir, wait=wait):
        return asyncio.run(run_async(cfg, opts, progress=progress))


async def run_async(
    cfg: Config,
    opts: SyncOptions,
    *,
    client: SoundCloudClient | None = None,
    progress: Progress | None = None,
) -> SyncSummary:
    """The sync itself (call with the process lock held)."""
    sources = configured_sources(cfg.discovery.sources)
    started = time.monotonic()
    async with AsyncExitStack() as stack:
        if client is None:  # a config mistake stops here, before any run is recorded
            client = await stack.enter_async_context(SoundCloudClient.from_config(cfg))
        db = open_store(cfg.data_dir)
        stack.callback(db.close)
        stack.callback(db.checkpoint)
        db.tune_writer()
        reader = open_store(cfg.data_dir)
        stack.callback(reader.close)
        ctx = RunContext(cfg, opts, client, db, reader, sources, progress)
        ctx.requests_before = client.stats.requests
        summary = _open_run(ctx)
        before = client.stats.as_dict()
        try:
            await steps.run_steps(ctx, SYNC_STEPS)
            summary.status = _status(ctx)
        except (KeyboardInterrupt, asyncio.CancelledError):
            summary.status = "interrupted"
            raise
        except BaseException as e:
            ctx.totals.errors[_kind(e)] += 1
            raise
        finally:
            _close_run(ctx, summary, _stats_delta(client.stats.as_dict(), before), started)
    return summary


def _status(ctx: RunContext) -> str:
    """ok without errors; failed when every artist checked failed; else partial."""
    t = ctx.totals
    if not t.errors:
        return "ok"
    return "failed" if t.artists_failed and not t.artists_done else "partial"


def _open_run(ctx: RunContext) -> SyncSummary:
    interrupted = sync_runs.mark_interrupted(ctx.db)
    options = {**asdict(ctx.opts), "artists": list(ctx.opts.artists), "sources": ctx.sources}
    run_id = sync_runs.start(ctx.db, options)
    return SyncSummary(run_id, interrupted, ctx.sources, totals=ctx.totals, results=ctx.results)


def _close_run(
    ctx: RunContext, summary: SyncSummary, client: dict[str, Any], started: float
) -> None:
    summary.client = client
    summary.artists_planned = len(ctx.planned)
    summary.durations_s = {**ctx.durations_s, "total": round(time.monotonic() - started, 3)}
    t = ctx.totals
    sync_runs.finish(
        ctx.db,
        summary.run_id,
        summary.status,
        summary.recorded(),
        artists_planned=summary.artists_planned,
        artists_done=t.artists_done,
        tracks_new=t.tracks_new,
        provenance_new=t.provenance_new,
        requests=summary.requests,
    )


def _stats_delta(after: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    """What the client did during this run (a client passed in may have worked before)."""
    out: dict[str, Any] = {}
    for key, value in after.items():
        old = before.get(key)
        if isinstance(value, dict):
            old = old or {}
            out[key] = {k: v - old.get(k, 0) for k, v in value.items() if v - old.get(k, 0)}
        elif isinstance(value, int | float) and isinstance(old, int | float):
            out[key] = round(value - old, 3) if isinstance(value, float) else value - old
        else:
            out[key] = value
    return out
