"""Sync: plan the due artists, fetch their sources concurrently, merge each result with one writer.

Fetch workers (as many as the client's concurrency cap; the client's limiter paces them) walk one
(artist, source) each and put the finished walk on a queue. One writer owns the only write
connection: it takes every result waiting on the queue, merges each (artist, source) atomically
(several may share one commit when they arrive together) in a worker thread, and updates an
artist's schedule in the transaction of its last source. A walk that fails is not merged at all, so
stop_at_known never hides the items a failed walk did not reach; its artist stays due.

Positions: a row's `position` is its index in the list when first seen (0 = newest). Items that
appear above known ones in a later sync get 0, 1, ... again with a later `first_seen_at`, so
"newest first" is `ORDER BY first_seen_at DESC, position ASC`.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from music_minion.discovery import schedule as sched
from music_minion.discovery.sources import ArtistSource, Walk, configured_sources, track_row, walk
from music_minion.errors import UserError
from music_minion.store import artists as artists_store
from music_minion.store import provenance as prov
from music_minion.store import sync_runs
from music_minion.timeutil import now, now_iso, to_iso

log = logging.getLogger(__name__)

MERGE_GROUP = 64  # most finished (artist, source) walks sharing one commit


@dataclass
class SyncOptions:
    """The flags of one sync."""

    artists: tuple[str, ...] = ()
    everyone: bool = False
    full: bool = False
    dry_run: bool = False
    push: bool = False
    learn: bool = True


@dataclass
class Job:
    artist_id: int
    artist_urn: str
    name: str
    source: ArtistSource


@dataclass
class Fetched:
    job: Job
    rows: list[tuple] = field(default_factory=list)
    full: bool = False
    error: Exception | None = None
    seconds: float = 0.0


@dataclass
class _Artist:
    row: sqlite3.Row
    pending: int
    activity: bool = False
    failed: bool = False


@dataclass
class Totals:
    artists_done: int = 0
    artists_failed: int = 0
    sources_done: int = 0
    tracks_new: int = 0
    provenance_new: int = 0
    gone: int = 0
    revived: int = 0
    tracks_deleted: int = 0
    errors: Counter[str] = field(default_factory=Counter)


Progress = Callable[[dict[str, Any]], None]


def plan(conn: sqlite3.Connection, opts: SyncOptions) -> list[sqlite3.Row]:
    """The watched, resolved artists this sync checks: named ones, all (--all/--full) or the due ones."""
    if opts.artists:
        rows, seen = [], set()
        for ref in opts.artists:
            row = artists_store.find(conn, ref)
            if row["urn"] is None or row["resolve_status"] != "ok":
                from music_minion.errors import UserError

                raise UserError(
                    f"{ref!r} is not resolved yet ({row['resolve_status']})",
                    "run `music-minion sync` to retry, or `artists remove` it",
                )
            if row["id"] not in seen:
                seen.add(row["id"])
                rows.append(row)
        return rows
    return artists_store.due(conn, now_iso(), everyone=opts.everyone or opts.full)


def _label(row: sqlite3.Row) -> str:
    return row["username"] or row["permalink"] or row["input"] or row["urn"]


def run(
    cfg: Any, opts: SyncOptions, *, wait: bool = False, progress: Progress | None = None
) -> dict[str, Any]:
    """Run one sync under the process lock (exits at once if another runs, unless `wait`)."""
    from music_minion.store import open_store
    from music_minion.store.lock import process_lock

    names = configured_sources(cfg.discovery.sources)
    if opts.artists and not opts.dry_run:
        conn = open_store(cfg.data_dir)
        try:
            plan(conn, opts)  # an unknown --artist is a one-line error before anything is recorded
        finally:
            conn.close()
    if opts.dry_run:
        conn = open_store(cfg.data_dir)
        try:
            rows = plan(conn, opts)
            pending = len(artists_store.to_retry(conn))
        finally:
            conn.close()
        return {
            "dry_run": True,
            "sources": names,
            "artists_planned": len(rows),
            "resolutions_to_retry": pending,
            "artists": [
                {
                    "id": r["id"],
                    "urn": r["urn"],
                    "name": _label(r),
                    "next_check_at": r["next_check_at"],
                    "check_interval_hours": r["check_interval_hours"],
                }
                for r in rows
            ],
        }
    with process_lock(cfg.data_dir, wait=wait):
        return asyncio.run(run_async(cfg, opts, progress=progress))


async def run_async(
    cfg: Any, opts: SyncOptions, *, client: Any = None, progress: Progress | None = None
) -> dict[str, Any]:
    """The sync itself (call with the process lock held). Returns the run summary."""
    from music_minion.store import open_store

    names = configured_sources(cfg.discovery.sources)
    started = time.monotonic()
    own_client = client is None
    if own_client:
        from music_minion.soundcloud.client import SoundCloudClient

        client = SoundCloudClient.from_config(
            cfg
        )  # a config mistake stops here, before any run is recorded
    conn = open_store(cfg.data_dir)
    conn.tune_writer()
    read = open_store(cfg.data_dir)
    interrupted = sync_runs.mark_interrupted(conn)
    options = {**asdict(opts), "artists": list(opts.artists), "sources": names}
    run_id = sync_runs.start(conn, options)
    totals = Totals()
    summary: dict[str, Any] = {
        "run_id": run_id,
        "interrupted_before": interrupted,
        "sources": names,
    }
    status = "failed"
    stats0: dict[str, Any] = {}
    entered = False
    try:
        if own_client:
            await client.__aenter__()
            entered = True
        stats0 = client.stats.as_dict()
        resolution: dict[str, Any] = {"retried": 0}
        if not opts.artists:
            from music_minion.discovery.artists import retry_pending

            try:
                resolution = await retry_pending(client, conn)
            except Exception as e:  # noqa: BLE001 - resolution trouble never stops the sync
                resolution = {"error": _err_kind(e)}
        summary["resolution"] = resolution
        rows = plan(conn, opts)
        sync_runs.update(conn, run_id, artists_planned=len(rows))
        t_fetch = time.monotonic()
        merge_s = await _fetch_and_merge(
            cfg, opts, client, conn, read, rows, names, totals, progress, stats0
        )
        summary["durations_s"] = {
            "fetch_merge": round(time.monotonic() - t_fetch, 3),
            "merge": round(merge_s, 3),
        }
        if opts.full:
            totals.tracks_deleted = await _check_gone_tracks(client, conn, totals)
        summary["artists_planned"] = len(rows)
        if totals.tracks_new:
            summary["library"] = _match_new_tracks(conn, cfg, totals)
        if opts.learn:
            summary["learn"] = await _call_part("learn", client, conn, cfg, totals)
        if opts.push:
            summary["push"] = await _call_part("push", client, conn, cfg, totals)
        status = "ok" if not totals.errors else ("partial" if totals.artists_done else "failed")
    except (KeyboardInterrupt, asyncio.CancelledError):
        status = "interrupted"
        raise
    except BaseException as e:
        totals.errors[_err_kind(e)] += 1
        raise
    finally:
        if entered:
            await client.__aexit__(None, None, None)
        stats = _stats_delta(client.stats.as_dict(), stats0) if client is not None else {}
        summary.update(
            {
                "status": status,
                "artists_done": totals.artists_done,
                "artists_failed": totals.artists_failed,
                "sources_done": totals.sources_done,
                "tracks_new": totals.tracks_new,
                "provenance_new": totals.provenance_new,
                "provenance_gone": totals.gone,
                "provenance_back": totals.revived,
                "tracks_deleted": totals.tracks_deleted,
                "errors": dict(totals.errors),
                "requests": stats.get("requests", 0),
                "client": stats,
            }
        )
        summary.setdefault("durations_s", {})["total"] = round(time.monotonic() - started, 3)
        summary.setdefault("artists_planned", 0)
        try:
            sync_runs.finish(
                conn,
                run_id,
                status,
                {
                    k: summary[k]
                    for k in (
                        "client",
                        "errors",
                        "durations_s",
                        "resolution",
                        "library",
                        "learn",
                        "push",
                        "provenance_gone",
                        "tracks_deleted",
                        "artists_failed",
                    )
                    if k in summary
                },
                artists_done=totals.artists_done,
                tracks_new=totals.tracks_new,
                provenance_new=totals.provenance_new,
                requests=summary["requests"],
            )
        finally:
            read.close()
            try:
                conn.checkpoint()
            finally:
                conn.close()
    return summary


def _err_kind(e: BaseException) -> str:
    kind = getattr(e, "kind", None)
    return kind if isinstance(kind, str) else type(e).__name__


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


async def _fetch_and_merge(
    cfg: Any,
    opts: SyncOptions,
    client: Any,
    conn: sqlite3.Connection,
    read: sqlite3.Connection,
    rows: list[sqlite3.Row],
    names: list[str],
    totals: Totals,
    progress: Progress | None,
    stats0: dict[str, Any],
) -> float:
    """Fetch every (artist, source) concurrently; one writer merges the results. Returns merge seconds."""
    jobs: asyncio.Queue[Job] = asyncio.Queue()
    artists: dict[int, _Artist] = {}
    for r in rows:
        artists[r["id"]] = _Artist(r, pending=len(names))
        for n in names:
            jobs.put_nowait(Job(r["id"], r["urn"], _label(r), ArtistSource(n, r["urn"])))
    n_jobs = jobs.qsize()
    results: asyncio.Queue[Fetched] = asyncio.Queue()
    max_pages = int(cfg.discovery.max_pages)
    item_cap = int(cfg.discovery.full_max_pages) * int(cfg.soundcloud.page_size)

    async def fetch(job: Job) -> Fetched:
        t0 = time.monotonic()
        try:
            if opts.full:
                repeats = client.stats.cursor_repeats
                w: Walk = await walk(job.source, client, page_cap=None, item_cap=item_cap)
                # A repeating cursor may have cut the list short: then nothing is marked gone.
                complete = w.complete and client.stats.cursor_repeats == repeats
            else:
                aid, kind = job.artist_id, job.source.kind
                known = (
                    (lambda urn: prov.is_known(read, aid, kind, urn))
                    if prov.has_any(read, aid, kind)
                    else None
                )
                w = await walk(job.source, client, page_cap=max_pages, known=known)
                complete = False
            return Fetched(
                job, [track_row(t) for t in w.items], full=complete, seconds=time.monotonic() - t0
            )
        except Exception as e:  # noqa: BLE001 - one failed walk never sinks the sync
            log.debug("fetch failed for %s %s: %s", job.name, job.source.name, _err_kind(e))
            return Fetched(job, error=e, seconds=time.monotonic() - t0)

    expected = [n_jobs]  # results the writer waits for; shrinks when a fatal error drops the rest
    fatal: list[UserError] = []

    async def worker() -> None:
        while not fatal:
            try:
                job = jobs.get_nowait()
            except asyncio.QueueEmpty:
                return
            fetched = await fetch(job)
            if isinstance(fetched.error, UserError) and not fatal:
                # Not logged in any more, or the app is misconfigured: every other walk would fail the
                # same way. Drop the jobs not started (their artists stay due); merge what finished.
                fatal.append(fetched.error)
                while not jobs.empty():
                    jobs.get_nowait()
                    expected[0] -= 1
            await results.put(fetched)

    cache = prov.TrackCache()
    min_h = float(cfg.discovery.min_interval_hours)
    max_h = float(cfg.discovery.max_interval_hours)

    def merge_group(group: list[Fetched]) -> None:
        stamp = now()
        now_text = to_iso(stamp)
        with conn.atomic():
            for f in group:
                a = artists[f.job.artist_id]
                a.pending -= 1
                if f.error is not None:
                    a.failed = True
                    totals.errors[_err_kind(f.error)] += 1
                    if a.pending == 0:
                        totals.artists_failed += 1
                    continue
                also = None
                res = prov.merge_source(
                    conn,
                    f.job.artist_id,
                    f.job.source.kind,
                    f.rows,
                    now_text,
                    full=f.full,
                    cache=cache,
                )
                a.activity = a.activity or res.provenance_new > 0
                if a.pending == 0:
                    if a.failed:
                        totals.artists_failed += 1
                    else:
                        prior = a.row["check_interval_hours"] if a.row["last_checked_at"] else None
                        s = sched.after_check(prior, a.activity, stamp, min_h, max_h)
                        also = s
                        totals.artists_done += 1
                if also is not None:
                    artists_store.set_schedule(
                        conn,
                        f.job.artist_id,
                        interval_hours=also.interval_hours,
                        checked_at=also.checked_at,
                        next_check_at=also.next_check_at,
                        activity_at=also.activity_at,
                    )
                totals.sources_done += 1
                totals.tracks_new += res.tracks_new
                totals.provenance_new += res.provenance_new
                totals.gone += res.gone
                totals.revived += res.revived

    def report() -> None:
        if progress is not None:
            s = client.stats
            progress(
                {
                    "artists_total": len(rows),
                    "artists_done": totals.artists_done + totals.artists_failed,
                    "tracks_new": totals.tracks_new,
                    "requests": s.requests - stats0.get("requests", 0),
                    "rate_limited": s.rate_limited,
                    "wait_s": round(s.wait_s, 1),
                }
            )

    async def writer() -> float:
        spent = 0.0
        done = 0
        while done < expected[0]:
            group = [await results.get()]
            while len(group) < MERGE_GROUP and not results.empty():
                group.append(results.get_nowait())
            t0 = time.monotonic()
            await asyncio.to_thread(merge_group, group)
            spent += time.monotonic() - t0
            done += len(group)
            report()
        return spent

    report()
    n_workers = max(1, min(int(cfg.soundcloud.max_concurrency), n_jobs))
    writer_task = asyncio.create_task(writer())
    workers = [asyncio.create_task(worker()) for _ in range(n_workers)]
    try:
        await asyncio.gather(*workers)
        spent = await writer_task
    except BaseException:
        for t in (*workers, writer_task):
            t.cancel()
        raise
    if fatal:
        raise fatal[0]
    return spent


async def _check_gone_tracks(client: Any, conn: sqlite3.Connection, totals: Totals) -> int:
    """After a full pass: look up tracks no list shows any more; the ones SoundCloud lacks become deleted."""
    from music_minion.store import tracks as tracks_store

    urns = prov.gone_track_urns(conn)
    if not urns:
        return 0
    try:
        found = {t.urn for t in await client.tracks(urns)}
    except Exception as e:  # noqa: BLE001 - a failed lookup leaves statuses as they were
        totals.errors[_err_kind(e)] += 1
        return 0
    missing = [u for u in urns if u not in found]
    with conn.atomic():
        return tracks_store.set_status(conn, missing, "deleted", now_iso())


def _match_new_tracks(conn: sqlite3.Connection, cfg: Any, totals: Totals) -> dict[str, Any]:
    """Give local files without a match a try against the tracks this sync added (owned → off the feed)."""
    from music_minion.library.match import match_from_config

    try:
        return match_from_config(conn, cfg)
    except Exception as e:  # noqa: BLE001 - matching trouble never undoes the merges
        totals.errors[f"library:{_err_kind(e)}"] += 1
        return {"skipped": True, "reason": _err_kind(e)}


async def _call_part(
    part: str, client: Any, conn: sqlite3.Connection, cfg: Any, totals: Totals
) -> dict[str, Any]:
    """Run the curate step (`learn` or `push`) after the merges; its failure is reported, not raised."""
    from music_minion.discovery.learn import learn_from_soundcloud
    from music_minion.discovery.push import push_playlist

    try:
        if part == "learn":
            return await learn_from_soundcloud(client, conn, cfg)
        return await push_playlist(client, conn, cfg, size=None, dry_run=False)
    except Exception as e:  # noqa: BLE001 - learning/pushing never undoes the merges
        kind = _err_kind(e)
        if not (part == "learn" and kind == "NotLoggedIn"):
            totals.errors[f"{part}:{kind}"] += 1
        reason = e.line() if isinstance(e, UserError) else kind
        return {"skipped": True, "reason": reason}
