"""The concurrent fetch/merge engine of a sync.

Fetch workers (as many as the client's concurrency cap; the client's limiter paces them) walk one
(artist, source) each and put the finished walk on a queue. One writer owns the only write
connection: it takes every result waiting on the queue, merges each (artist, source) atomically
(several may share one commit when they arrive together) in a worker thread, and updates an
artist's schedule in the transaction of its last source. A walk that fails is not merged at all, so
stop_at_known never hides the items a failed walk did not reach; its artist stays due. A walk that
fails for the whole run (not logged in, a misconfigured app) drops the walks not yet started; what
finished is still merged, then that error is raised.

Positions: a row's `position` is its index in the list when first seen (0 = newest). Items that
appear above known ones in a later sync get 0, 1, ... again with a later `first_seen_at`, so
"newest first" is `ORDER BY first_seen_at DESC, position ASC`.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, TypeGuard

from music_minion.discovery import full_pass
from music_minion.discovery import schedule as sched
from music_minion.discovery.sources import ARTIST_SOURCES, ArtistSource, Walk, track_row, walk
from music_minion.discovery.sync_run import RunContext, error_kind
from music_minion.errors import MinionError, reason
from music_minion.soundcloud.errors import ApiError
from music_minion.store import artists as artists_store
from music_minion.store import provenance as prov
from music_minion.store.mutes import list_muted
from music_minion.timeutil import now, parse_timestamp, to_iso

if TYPE_CHECKING:
    from music_minion.soundcloud.models import Track
    from music_minion.store.tracks import TrackRow

log = logging.getLogger(__name__)

MERGE_GROUP = 64  # most finished (artist, source) walks sharing one commit


@dataclass
class Job:
    artist_id: int
    artist_urn: str
    name: str
    source: ArtistSource


@dataclass
class Fetched:
    job: Job
    rows: list[TrackRow] = field(default_factory=list)
    full: bool = False  # the walk reached the end of the list (gone items can be recorded)
    walked_full: bool = False  # the walk did not stop at the first known item
    error: Exception | None = None


@dataclass
class _Artist:
    row: sqlite3.Row
    pending: int
    activity: bool = False
    failed: bool = False


def artist_label(row: sqlite3.Row) -> str:
    label: str = row["username"] or row["permalink"] or row["input"] or row["urn"]
    return label


def _in_short(e: BaseException) -> str:
    """Why a walk failed, in words shared by every walk it hit (counted for the summary)."""
    return e.in_short() if isinstance(e, ApiError) else reason(e)


def ends_the_run(e: BaseException | None) -> TypeGuard[MinionError]:
    """Not logged in any more, or the app is misconfigured: every other walk would fail the same
    way. (An API error is about one walk; a user-fixable problem outside the API is about all.)"""
    return isinstance(e, MinionError) and not isinstance(e, ApiError)


class FetchMerge:
    """Fetch every planned (artist, source) concurrently; one writer merges the results."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.jobs: asyncio.Queue[Job] = asyncio.Queue()
        self.results: asyncio.Queue[Fetched] = asyncio.Queue()
        self.artists: dict[int, _Artist] = {}
        muted = list_muted(ctx.db)
        for r in ctx.planned:  # a muted source is not fetched; an artist muted in all is skipped
            names = [n for n in ctx.sources if ARTIST_SOURCES[n][0] not in muted.get(r["id"], ())]
            if names:
                self.artists[r["id"]] = _Artist(r, pending=len(names))
            for n in names:
                self.jobs.put_nowait(
                    Job(r["id"], r["urn"], artist_label(r), ArtistSource(n, r["urn"]))
                )
        self.expected = self.jobs.qsize()  # results the writer waits for; shrinks on a fatal error
        self.fatal: MinionError | None = None
        self.cache = prov.TrackCache()
        self.merge_s = 0.0

    async def run(self) -> float:
        """Fetch and merge everything; returns the seconds spent merging."""
        self._report()
        n_workers = max(1, min(self.ctx.cfg.soundcloud.max_concurrency, self.expected))
        writer = asyncio.create_task(self._writer())
        workers = [asyncio.create_task(self._worker()) for _ in range(n_workers)]
        try:
            await asyncio.gather(*workers)
            await writer
        except BaseException:
            for t in (*workers, writer):
                t.cancel()
            raise
        if self.fatal is not None:
            raise self.fatal
        return self.merge_s

    async def _worker(self) -> None:
        while self.fatal is None:
            try:
                job = self.jobs.get_nowait()
            except asyncio.QueueEmpty:
                return
            fetched = await self._fetch(job)
            if ends_the_run(fetched.error) and self.fatal is None:
                self.fatal = fetched.error
                while not self.jobs.empty():  # the artists of dropped jobs stay due
                    self.jobs.get_nowait()
                    self.expected -= 1
            await self.results.put(fetched)

    async def _fetch(self, job: Job) -> Fetched:
        client, cfg = self.ctx.client, self.ctx.cfg
        try:
            in_full = self.ctx.opts.full or (job.artist_id, job.source.kind) in self.ctx.full_due
            if in_full:
                repeats = client.stats.cursor_repeats
                item_cap = cfg.discovery.full_max_pages * cfg.soundcloud.page_size
                w: Walk[Track] = await walk(job.source, client, page_cap=None, item_cap=item_cap)
                # A repeating cursor may have cut the list short: then nothing is marked gone.
                complete = w.complete and client.stats.cursor_repeats == repeats
            else:
                w = await walk(
                    job.source, client, page_cap=cfg.discovery.max_pages, known=self._known(job)
                )
                complete = False
            rows = [track_row(t) for t in w.items]
            return Fetched(job, rows, full=complete, walked_full=in_full)
        except Exception as e:  # noqa: BLE001 - one failed walk never sinks the sync
            log.debug("fetch failed for %s %s: %s", job.name, job.source.name, error_kind(e))
            return Fetched(job, error=e)

    def _known(self, job: Job) -> Callable[[str], bool] | None:
        read, aid, kind = self.ctx.reader, job.artist_id, job.source.kind
        if not prov.has_any(read, aid, kind):
            return None
        return lambda urn: prov.is_known(read, aid, kind, urn)

    async def _writer(self) -> None:
        done = 0
        while done < self.expected:
            group = [await self.results.get()]
            while len(group) < MERGE_GROUP and not self.results.empty():
                group.append(self.results.get_nowait())
            t0 = time.monotonic()
            await asyncio.to_thread(self._merge_group, group)
            self.merge_s += time.monotonic() - t0
            done += len(group)
            self._report()

    def _merge_group(self, group: list[Fetched]) -> None:
        stamp = now()
        with self.ctx.db.atomic():
            for f in group:
                self._merge_one(f, stamp)

    def _merge_one(self, f: Fetched, stamp: datetime) -> None:
        totals, a = self.ctx.totals, self.artists[f.job.artist_id]
        a.pending -= 1
        if f.error is not None:
            a.failed = True
            totals.errors[error_kind(f.error)] += 1
            totals.failure_reasons[_in_short(f.error)] += 1
            if a.pending == 0:
                self._failed(a)
            return
        res = prov.merge_source(
            self.ctx.db, f.job.artist_id, f.job.source.kind, f.rows, to_iso(stamp),
            full=f.full, cache=self.cache,
        )  # fmt: skip
        every = self.ctx.cfg.discovery.full_every_days
        full_pass.after_walk(
            self.ctx.db, f.job.artist_id, f.job.source.kind, stamp, every, walked_full=f.walked_full
        )
        totals.full_walks += f.walked_full
        a.activity = a.activity or res.provenance_new > 0
        if a.pending == 0:
            if a.failed:
                self._failed(a)
            else:
                self._reschedule(a, stamp)
                totals.artists_done += 1
        totals.sources_done += 1
        totals.tracks_new += res.tracks_new
        totals.provenance_new += res.provenance_new
        totals.gone += res.gone
        totals.revived += res.revived

    def _failed(self, a: _Artist) -> None:
        """An artist some walk of which failed: counted and named; its schedule stays (still due)."""
        self.ctx.totals.artists_failed += 1
        self.ctx.totals.failed_artists.append(artist_label(a.row))

    def _reschedule(self, a: _Artist, stamp: datetime) -> None:
        d = self.ctx.cfg.discovery
        since = parse_timestamp(a.row["last_activity_at"]) or parse_timestamp(a.row["added_at"])
        s = sched.after_check(since, a.activity, stamp, d.min_interval_hours, d.max_interval_hours)
        artists_store.set_schedule(
            self.ctx.db,
            a.row["id"],
            interval_hours=s.interval_hours,
            checked_at=s.checked_at,
            next_check_at=s.next_check_at,
            activity_at=s.activity_at,
        )

    def _report(self) -> None:
        ctx = self.ctx
        if ctx.progress is None:
            return
        s, t = ctx.client.stats, ctx.totals
        ctx.progress(
            {
                "artists_total": len(self.artists),
                "artists_done": t.artists_done + t.artists_failed,
                "tracks_new": t.tracks_new,
                "requests": s.requests - ctx.requests_before,
                "rate_limited": s.rate_limited,
                "wait_s": round(s.wait_s, 1),
            }
        )
