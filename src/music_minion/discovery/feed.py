"""The feed: keep the stored ranking keys fresh, then read the best candidates in key order and rank
them (exclusions, mixes, per-artist cap, deterministic ties) with discovery/ranking.py.

Why this is fast on a big index: a track's key is log2 of its score at a fixed epoch, so the order
of keys never changes with the clock. Keys only move when an artist's weight, watch flag or hit rate
changes (then that artist's tracks are recomputed) or when new provenance arrives (then those
tracks are); see `refresh_scores`. The feed itself reads pages of `rank_scores` in index order and stops as soon as
the list is full: every unread track has a key below the last one read, so it cannot enter the list.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby, islice
from operator import itemgetter
from typing import Any

from music_minion.config.schema import RankingSettings
from music_minion.discovery.retired import RetireRules, ignored_by, retired_tracks
from music_minion.discovery.scoring import (
    CandidateRow,
    Ranked,
    Support,
    artist_bits,
    base_rate,
    fingerprint,
    genre_bits,
    genre_key,
    hit_rate,
    key_of,
    kind_log2,
    position_half_lives,
    rank,
    score_sorted,
    seen_half_lives,
    since_iso,
)
from music_minion.store import kv
from music_minion.store import ranking as store
from music_minion.store.session import Store
from music_minion.timeutil import now, now_iso, parse_timestamp, to_iso

STATE_AT = "ranking.refreshed_at"
STATE_FINGERPRINT = "ranking.fingerprint"
STATE_COUNT = "ranking.provenance_count"
STATE_MAX_TRACK = "ranking.max_track_id"
STATE_SEEN_AT = "ranking.provenance_seen_at"
STATE_MARGIN = "ranking.provenance_margin"
STATE_BASE = "ranking.base_rate"
STATE_GENRES = "ranking.genre_bits"
STATE_HEARD = "ranking.heard_at"
HEARD_AT = "learn.heard_at"  # when my likes were last learned: pushes before it were heard
FEED_ROWS = "feed.rows"
FEED_VIEWED = "feed.viewed_at"  # when a feed was last shown (`feed --new`)
COUNT_CAP = 10_000  # a shown feed counts its candidates up to this many (beyond: "10000+")
_WRITE_BATCH = 50_000


def _supports(
    rows: Iterable[sqlite3.Row], stats: dict[int, store.ArtistStats]
) -> dict[int, list[Support]]:
    out: dict[int, list[Support]] = defaultdict(list)
    for track_id, artist_id, kind, first_seen_at, position, _genre in rows:
        a = stats.get(artist_id)
        if a is None or support_gap(a, kind):
            continue
        out[track_id].append(
            Support(
                artist_id,
                a.name,
                kind,
                first_seen_at,
                position,
                a.weight,
                a.liked,
                a.dismissed,
                True,
                a.ignored,
            )
        )
    return out


def support_gap(a: store.ArtistStats | None, kind: str) -> str | None:
    """Why a provenance row of artist `a` and `kind` counts for nothing: "unwatched", or "muted"
    (the kind muted, or the artist weighed 0); None: it counts."""
    if a is None or not a.watched:
        return "unwatched"
    return "muted" if kind in a.muted or a.weight <= 0 else None


def track_keys(
    rows: Iterable[sqlite3.Row],
    stats: dict[int, store.ArtistStats],
    rc: RankingSettings,
    base: float,
    genres: Mapping[str, float],
) -> Iterator[store.KeyRow]:
    """(track_id, key, first_seen_at, supporters) from provenance rows ordered by track: the same
    arithmetic as `scoring.supporters` + `scoring.key_of` (so the same keys), without the objects."""
    klog = kind_log2(rc)
    bits: dict[int, float] = {}
    muted = {aid: a.muted for aid, a in stats.items() if a.muted}
    for aid, a in stats.items():
        b = artist_bits(a.weight, a.liked, a.dismissed, a.ignored, base, rc)
        if a.watched and b is not None:
            bits[aid] = b
    seen: dict[str | None, float | None] = {}
    deep: dict[int, float] = {}
    for track_id, group in groupby(rows, key=itemgetter(0)):
        best: dict[int, tuple[float, float]] = {}
        earliest: str | None = None
        genre: str | None = None
        for _, aid, kind, first_seen_at, position, track_genre in group:
            genre = track_genre
            if aid not in bits or kind not in klog or kind in muted.get(aid, ()):
                continue
            if first_seen_at in seen:
                x = seen[first_seen_at]
            else:
                x = seen[first_seen_at] = seen_half_lives(first_seen_at, rc)
            if x is None:
                continue
            if position not in deep:
                deep[position] = position_half_lives(position, rc)
            recency = x - deep[position]
            if aid not in best or klog[kind] + recency > sum(best[aid]):
                best[aid] = (klog[kind], recency)
            if earliest is None or first_seen_at < earliest:
                earliest = first_seen_at
        key = key_of((kl + bits[aid], r) for aid, (kl, r) in best.items())
        if key is not None and earliest is not None:  # None: no supporter counted
            yield (track_id, key + genres.get(genre_key(genre), 0.0), earliest, len(best))


def _key_fields(a: store.ArtistStats) -> tuple[float, bool, int, int, int, frozenset[str]]:
    return (a.weight, a.watched, a.liked, a.dismissed, a.ignored, a.muted)


def _fingerprint(rc: RankingSettings, base: float) -> str:
    """Changes whenever what every key depends on changes: the settings, or the base rate."""
    return f"{fingerprint(rc)}|{base}"


def outcomes_now(conn: Store, rc: RankingSettings) -> dict[int, str]:
    """How every judged track fared, and which unjudged pushed tracks were ignored: those that
    had a chance to be heard (`retired.chances`) before my likes were last learned."""
    out = store.list_outcomes(conn)
    heard = parse_timestamp(kv.get(conn, HEARD_AT))
    if heard is not None:
        ignored = ignored_by(conn, heard, timedelta(hours=rc.ignored_after_hours))
        out.update({tid: "ignored" for tid in ignored if tid not in out})
    return out


def base_of(outcomes: Mapping[int, str], rc: RankingSettings) -> float:
    """The base rate of these outcomes in steps of 0.02 (so it moves the keys, and forces a full
    refresh, only when it has really moved)."""
    o = store.count_outcomes(outcomes)
    return round(base_rate(o.liked, o.dismissed, o.ignored, rc) * 50) / 50


def artist_hit_rates(conn: Store, rc: RankingSettings) -> dict[int, float]:
    """Each artist's hit rate as ranking measures it now (`artists list`)."""
    outcomes = outcomes_now(conn, rc)
    base, stats = base_of(outcomes, rc), store.list_artist_stats(conn, outcomes)
    return {aid: hit_rate(a.liked, a.dismissed, a.ignored, base, rc) for aid, a in stats.items()}


def saved_genres(conn: Store) -> dict[str, float]:
    """What each genre added to the stored keys."""
    saved: dict[str, float] = json.loads(kv.get(conn, STATE_GENRES) or "{}")
    return saved


def _changed(now: Mapping[str, float], before: Mapping[str, float]) -> set[str]:
    return {g for g in now.keys() | before.keys() if now.get(g, 0.0) != before.get(g, 0.0)}


def saved_base(conn: Store) -> float:
    """The base rate the stored keys were computed with."""
    return float(kv.get(conn, STATE_BASE) or 0.5)


def refresh_scores(conn: Store, rc: RankingSettings, *, full: bool = False) -> dict[str, Any]:
    """Bring `rank_scores` up to date and return what was done (`mode`: fresh, partial or full).

    A cheap check first: nothing queued by a judgment, no artist changed, no new track and the
    same provenance count mean the keys are fresh (no lock taken). Otherwise, in one write
    transaction: the artists whose weight, watch flag or judged counts (hit rate) differ from what
    the keys were computed with are found, and only their tracks, tracks added since, and tracks
    with provenance first seen since the last look are recomputed. Everything is recomputed when
    asked (`full`), the first time, when a ranking setting changed, when over a fifth of the
    artists changed, or when provenance grew by rows that were not first seen since the last look
    (an import of old rows, say).
    """
    last = kv.get(conn, STATE_AT)
    # The saved base rate: it can only have moved with a judgment (a dirty artist) or a new
    # `learn.heard_at`, both checked below, so `feed` never recounts the outcomes here.
    fresh_inputs = kv.get(conn, STATE_FINGERPRINT) == _fingerprint(rc, saved_base(conn))
    if not full and last is not None and fresh_inputs:
        if (
            (kv.get(conn, STATE_HEARD) or "") == (kv.get(conn, HEARD_AT) or "")
            and not store.list_dirty_artists(conn, last)
            and store.get_max_track_id(conn) == int(kv.get(conn, STATE_MAX_TRACK) or 0)
            and store.count_provenance(conn) == int(kv.get(conn, STATE_COUNT) or 0)
        ):
            return {"mode": "fresh", "tracks": 0, "changed_artists": 0}
    with conn.atomic():
        result = _refresh_locked(conn, rc, full=full)
    if result["mode"] == "full":
        conn.checkpoint(truncate=True)
    return result


@dataclass(frozen=True)
class _Partial:
    """What a partial refresh recomputes: the changed artists, the tracks whose keys are due, and
    the provenance look-back it leaves behind (`seen_at`, `margin`)."""

    changed: set[int]
    ids: set[int]
    seen_at: str
    margin: int
    possible: bool  # False: too much changed (or rows were not placed) for a partial refresh


def _refresh_locked(conn: Store, rc: RankingSettings, *, full: bool) -> dict[str, Any]:
    started = now_iso()
    count = store.count_provenance(conn)
    top_id = store.get_max_track_id(conn)
    heard, outcomes = kv.get(conn, HEARD_AT), outcomes_now(conn, rc)
    base, stats = base_of(outcomes, rc), store.list_artist_stats(conn, outcomes)
    genres = genre_bits(store.list_genre_outcomes(conn, outcomes), base, rc)
    plan = (
        None if full else _plan_partial(conn, _fingerprint(rc, base), stats, started, count, top_id)
    )
    if plan is not None and plan.possible:
        mode, seen_at, margin = "partial", plan.seen_at, plan.margin
        moved = _changed(genres, saved_genres(conn))
        ordered = sorted(plan.ids | set(store.list_tracks_with_genres(conn, moved)))
        rows = store.iter_provenance_rows(conn, ordered)
        store.write_keys(conn, list(track_keys(rows, stats, rc, base, genres)), ordered)
        n = len(ordered)
    else:
        mode, seen_at = "full", started
        n, margin = _rebuild_all(conn, stats, rc, base, genres, started)
    store.save_artist_stats(conn, stats)
    store.clear_dirty(conn)
    for key, value in (
        (STATE_AT, started),
        (STATE_FINGERPRINT, _fingerprint(rc, base)),
        (STATE_BASE, str(base)),
        (STATE_GENRES, json.dumps(genres, sort_keys=True)),
        (STATE_HEARD, heard or ""),
        (STATE_COUNT, str(count)),
        (STATE_MAX_TRACK, str(top_id)),
        (STATE_SEEN_AT, seen_at),
        (STATE_MARGIN, str(margin)),
    ):
        kv.put(conn, key, value)
    changed = plan.changed if plan is not None else set()
    return {"mode": mode, "tracks": n, "changed_artists": len(changed)}


def _plan_partial(
    conn: Store,
    fp: str,
    stats: dict[int, store.ArtistStats],
    started: str,
    count: int,
    top_id: int,
) -> _Partial | None:
    """The partial refresh the stored state allows; None when there is nothing to compare with
    (the first time, or a ranking setting changed)."""
    last = kv.get(conn, STATE_AT)
    seen_at = kv.get(conn, STATE_SEEN_AT)
    margin = int(kv.get(conn, STATE_MARGIN) or 0)
    if last is None or seen_at is None or kv.get(conn, STATE_FINGERPRINT) != fp:
        return None
    saved = store.list_saved_artist_stats(conn)
    changed = {
        aid
        for aid, a in stats.items()
        if aid not in saved or _key_fields(a) != _key_fields(saved[aid])
    }
    changed |= saved.keys() - stats.keys()
    old_top = int(kv.get(conn, STATE_MAX_TRACK) or 0)
    ids = set(store.list_track_ids_above(conn, old_top)) if top_id > old_top else set()
    placed = True
    old_count = int(kv.get(conn, STATE_COUNT) or 0)
    if count != old_count:
        recent = store.list_rows_seen_since(conn, seen_at)
        ids |= {tid for tid, _ in recent}
        # Rows at or after `seen_at` already counted last time form the margin; every new row must be among the rest.
        placed = len(recent) - margin == count - old_count
        seen_at, margin = started, sum(1 for _, fs in recent if fs >= started)
    possible = placed and len(changed) <= max(10, len(stats) // 5)
    if possible:
        ids |= set(store.list_tracks_of_artists(conn, changed))
    return _Partial(changed, ids, seen_at, margin, possible)


def _rebuild_all(
    conn: Store,
    stats: dict[int, store.ArtistStats],
    rc: RankingSettings,
    base: float,
    genres: Mapping[str, float],
    started: str,
) -> tuple[int, int]:
    """Recompute every key; returns (rows written, provenance rows first seen at or after
    `started`: the margin of the next look-back)."""
    margin = 0

    def counted(rows: Iterable[sqlite3.Row]) -> Iterator[sqlite3.Row]:
        nonlocal margin
        for r in rows:
            if r[3] >= started:
                margin += 1
            yield r

    keyed = track_keys(counted(store.iter_provenance_rows(conn)), stats, rc, base, genres)
    n = store.rebuild_keys(conn, iter(lambda: list(islice(keyed, _WRITE_BATCH)), []))
    return n, margin


def _since(seen_since: datetime | None, days: float | None, moment: datetime) -> str | None:
    """The first-seen bound of a feed: a moment, or `days` before `moment`, or none."""
    if seen_since is not None:
        return to_iso(seen_since)
    return since_iso(days, moment) if days is not None else None


def feed_filter(
    conn: Store,
    rc: RankingSettings,
    *,
    mixes: bool = False,
    artist: str | None = None,
    since_days: float | None = None,
    seen_since: datetime | None = None,
    genre: str | None = None,
    rules: RetireRules,
    at: datetime | None = None,
) -> store.CandidateFilter:
    """The candidate filter of a feed at `at` (default now): its exclusions
    (store.ranking.exclusions, the tracks `rules` retire among them) and filters (surfacing or
    uploading artist, first seen since a moment or in the last days, genre or tag substring)."""
    moment = at or now()
    artist_id = artist_urn = None
    if artist:
        from music_minion.store import artists as artists_store

        row = artists_store.get_by_ref(conn, artist)
        artist_id, artist_urn = row["id"], row["urn"]
    return store.CandidateFilter(
        mixes=mixes,
        mix_ms=int(rc.mix_minutes * 60_000),
        since=_since(seen_since, since_days, moment),
        genre=genre or None,
        artist_id=artist_id,
        artist_urn=artist_urn,
        retired=frozenset(retired_tracks(conn, rules, moment)),
    )


def count_feed(conn: Store, f: store.CandidateFilter, cap: int | None = None) -> int:
    """How many candidates the feed `f` chooses from, counted up to `cap` (over a million
    candidates a full count takes seconds; a capped one, milliseconds)."""
    return store.count_candidates(conn, f, cap)


def build_feed(
    conn: Store, rc: RankingSettings, *, limit: int = 50, at: datetime | None = None, **filters: Any
) -> list[Ranked]:
    """The ranked feed: the best `limit` candidates of the feed `feed_filter(**filters)` (mixes
    only when `mixes`; tracks retired by `rules` are out)."""
    moment = at or now()
    return rank_feed(conn, rc, feed_filter(conn, rc, at=moment, **filters), limit=limit, at=moment)


def rank_feed(
    conn: Store, rc: RankingSettings, f: store.CandidateFilter, *, limit: int, at: datetime
) -> list[Ranked]:
    """The best `limit` candidates of the feed `f`, ranked. Reads the stored keys as they are:
    whoever shows or pushes a feed runs `refresh_scores` first."""
    stats, base = store.list_saved_artist_stats(conn), saved_base(conn)
    genres = saved_genres(conn)
    rows: dict[int, CandidateRow] = {}
    offset, page = 0, max(limit * 2, 64)

    def ranked() -> list[Ranked]:
        return rank(rows.values(), rc, at, limit=limit, mixes=f.mixes, base=base, genres=genres)

    while True:
        batch = store.list_candidates(conn, f, page, offset)
        _add(conn, rows, batch, stats)
        offset += len(batch)
        if len(batch) < page:
            break
        if len(ranked()) >= limit:
            last = batch[-1][
                "key"
            ]  # finish the tie group (float noise tolerated) cut by the page end
            _add(
                conn, rows, store.list_candidates_with_key(conn, f, last - 1e-9, last + 1e-9), stats
            )
            break
        page *= 2
    return ranked()


def candidates_from(
    conn: Store, rc: RankingSettings, f: store.CandidateFilter, key: float, at: datetime
) -> list[Ranked]:
    """Every candidate of the feed `f` whose key is at least `key` (float noise tolerated), scored
    and in feed order without the cap: what decides the place of a track of that key."""
    stats = store.list_saved_artist_stats(conn)
    rows: dict[int, CandidateRow] = {}
    _add(conn, rows, store.list_candidates_with_key(conn, f, key - 1e-9, math.inf), stats)
    base, genres = saved_base(conn), saved_genres(conn)
    return score_sorted(rows.values(), rc, at, mixes=f.mixes, base=base, genres=genres)


def _add(
    conn: Store,
    rows: dict[int, CandidateRow],
    batch: list[sqlite3.Row],
    stats: dict[int, store.ArtistStats],
) -> None:
    new = [r for r in batch if r["track_id"] not in rows]
    sups = _supports(store.iter_provenance_rows(conn, [r["track_id"] for r in new]), stats)
    for r in new:
        rows[r["track_id"]] = CandidateRow(
            r["track_id"],
            r["urn"],
            r["title"],
            r["uploader_name"],
            r["uploader_urn"],
            r["permalink_url"],
            r["duration_ms"],
            r["genre"],
            r["status"],
            r["access"],
            tuple(sups.get(r["track_id"], ())),
        )


def remember_rows(conn: Store, urns: list[str]) -> None:
    """Remember which URN each shown row number stands for (`judge 3 liked`, `restore 3`)."""
    kv.put(conn, FEED_ROWS, json.dumps(urns))


def mark_viewed(conn: Store, at: datetime) -> None:
    """Remember that a feed was shown at `at`."""
    kv.put(conn, FEED_VIEWED, to_iso(at))


def last_viewed(conn: Store) -> datetime | None:
    """When a feed was last shown (None: never)."""
    return parse_timestamp(kv.get(conn, FEED_VIEWED))


def shown_rows(conn: Store) -> int | None:
    """How many rows the last list showed (None: no list shown yet)."""
    remembered = kv.get(conn, FEED_ROWS)
    return None if remembered is None else len(json.loads(remembered))


def row_urn(conn: Store, number: int) -> str | None:
    """The URN shown as row `number` by the last feed, if any."""
    urns = json.loads(kv.get(conn, FEED_ROWS) or "[]")
    return urns[number - 1] if 1 <= number <= len(urns) else None
