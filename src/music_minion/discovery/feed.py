"""The feed: keep the stored ranking keys fresh, then read the best candidates in key order and rank
them (exclusions, mixes, per-artist cap, deterministic ties) with discovery/ranking.py.

Why this is fast on a big index: a track's key is log2 of its score at a fixed epoch, so the order
of keys never changes with the clock. Keys only move when an artist's weight, watch flag or hit rate
changes, or when new provenance arrives; then the keys of that artist's tracks are recomputed
(`refresh_scores`). The feed itself reads pages of `rank_scores` in index order and stops as soon as
the list is full: every unread track has a key below the last one read, so it cannot enter the list.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from music_minion.discovery.ranking import CandidateRow, Ranked, RankingConfig, Support, key_of, rank, since_iso, supporters
from music_minion.store import kv
from music_minion.store import ranking as store
from music_minion.store.provenance import write_transaction
from music_minion.timeutil import now, now_iso

STATE_AT = "ranking.refreshed_at"
STATE_FINGERPRINT = "ranking.fingerprint"
STATE_COUNT = "ranking.provenance_count"
FEED_ROWS = "feed.rows"
_WRITE_BATCH = 50_000


def _supports(rows: Iterable[tuple], stats: dict[int, store.ArtistStats]) -> dict[int, list[Support]]:
    out: dict[int, list[Support]] = defaultdict(list)
    for track_id, artist_id, kind, first_seen_at, position in rows:
        a = stats.get(artist_id)
        if a is None or not a.watched:
            continue
        out[track_id].append(Support(artist_id, a.name, kind, first_seen_at, position, a.weight, a.liked, a.dismissed, True))
    return out


def _key_rows(groups: Iterable[tuple[int, list[Support]]], rc: RankingConfig) -> Iterable[tuple]:
    cache: dict = {}
    for track_id, sups in groups:
        ranked = supporters(CandidateRow(track_id, "", supports=tuple(sups)), rc, cache)
        if not ranked:
            continue
        key = key_of(s.log2_term for s in ranked)
        yield (track_id, key, min(s.first_seen_at for s in ranked), ranked[0].artist_id, len(ranked))


def _grouped(rows: Iterable[tuple], stats: dict[int, store.ArtistStats]) -> Iterable[tuple[int, list[Support]]]:
    """Group provenance rows (ordered by track) into (track_id, watched supports)."""
    current: int | None = None
    bucket: list[Support] = []
    for track_id, artist_id, kind, first_seen_at, position in rows:
        if track_id != current:
            if current is not None and bucket:
                yield current, bucket
            current, bucket = track_id, []
        a = stats.get(artist_id)
        if a is not None and a.watched:
            bucket.append(Support(artist_id, a.name, kind, first_seen_at, position, a.weight, a.liked, a.dismissed, True))
    if current is not None and bucket:
        yield current, bucket


def refresh_scores(conn: sqlite3.Connection, cfg: Any, *, full: bool = False) -> dict[str, Any]:
    """Bring `rank_scores` up to date: everything when the ranking settings or the provenance count
    changed (or `full`), else only the tracks of dirty artists. Returns what was done."""
    rc = RankingConfig.from_config(cfg)
    started = now_iso()
    count = store.provenance_count(conn)
    last = kv.get(conn, STATE_AT)
    stale = (
        full
        or last is None
        or kv.get(conn, STATE_FINGERPRINT) != rc.fingerprint()
        or kv.get(conn, STATE_COUNT) != str(count)
    )
    dirty: set[int] = set()
    if not stale:
        dirty = store.dirty_artists(conn, last)  # type: ignore[arg-type]
        if not dirty:
            return {"mode": "fresh", "tracks": 0}
    stats = store.artist_stats(conn)
    with write_transaction(conn):
        if stale:
            store.write_keys(conn, (), replace_ids=None)
            batch: list[tuple] = []
            n = 0
            for row in _key_rows(_grouped(store.provenance_rows(conn), stats), rc):
                batch.append(row)
                if len(batch) >= _WRITE_BATCH:
                    store.write_keys(conn, batch, replace_ids=())
                    n += len(batch)
                    batch = []
            store.write_keys(conn, batch, replace_ids=())
            n += len(batch)
            mode = "full"
        else:
            ids = store.tracks_of_artists(conn, dirty)
            rows = list(_key_rows(_grouped(store.provenance_rows(conn, ids), stats), rc))
            store.write_keys(conn, rows, replace_ids=ids)
            n = len(ids)
            mode = "partial"
        store.clear_dirty(conn)
        kv.put(conn, STATE_AT, started)
        kv.put(conn, STATE_FINGERPRINT, rc.fingerprint())
        kv.put(conn, STATE_COUNT, str(count))
    return {"mode": mode, "tracks": n, "dirty_artists": len(dirty)}


def build_feed(
    conn: sqlite3.Connection,
    cfg: Any,
    *,
    limit: int = 50,
    mixes: bool = False,
    artist: str | None = None,
    since_days: float | None = None,
    genre: str | None = None,
    at: datetime | None = None,
) -> list[Ranked]:
    """The ranked feed: the best `limit` candidates (mixes only when `mixes`), filtered by
    surfacing/uploading artist, days since first seen, and genre or tag substring."""
    rc = RankingConfig.from_config(cfg)
    moment = at or now()
    refresh_scores(conn, rc)
    stats = store.artist_stats(conn)
    artist_id = artist_urn = None
    if artist:
        from music_minion.store import artists as artists_store

        row = artists_store.find(conn, artist)
        artist_id, artist_urn = row["id"], row["urn"]
    f = store.CandidateFilter(
        mixes=mixes,
        mix_ms=int(rc.mix_minutes * 60_000),
        since=since_iso(since_days, moment) if since_days is not None else None,
        genre=genre or None,
        artist_id=artist_id,
        artist_urn=artist_urn,
        max_pushes=rc.max_ignored_pushes,
    )
    rows: dict[int, CandidateRow] = {}
    offset, page = 0, max(limit * 2, 64)
    while True:
        batch = store.candidate_page(conn, f, page, offset)
        _add(conn, rows, batch, stats)
        offset += len(batch)
        if len(batch) < page:
            break
        if len(rank(rows.values(), rc, moment, limit=limit, mixes=mixes)) >= limit:
            _add(conn, rows, store.candidates_with_key(conn, f, batch[-1]["key"]), stats)
            break
        page *= 2
    return rank(rows.values(), rc, moment, limit=limit, mixes=mixes)


def _add(conn: sqlite3.Connection, rows: dict[int, CandidateRow], batch: list[sqlite3.Row], stats: dict) -> None:
    new = [r for r in batch if r["track_id"] not in rows]
    sups = _supports(store.provenance_rows(conn, [r["track_id"] for r in new]), stats)
    for r in new:
        rows[r["track_id"]] = CandidateRow(
            r["track_id"], r["urn"], r["title"], r["uploader_name"], r["uploader_urn"], r["permalink_url"],
            r["duration_ms"], r["genre"], r["status"], r["access"], tuple(sups.get(r["track_id"], ())),
        )


def remember_rows(conn: sqlite3.Connection, ranked: list[Ranked]) -> None:
    """Remember which URN each shown row number stands for (`judge 3 liked`)."""
    kv.put(conn, FEED_ROWS, json.dumps([r.row.urn for r in ranked]))


def row_urn(conn: sqlite3.Connection, number: int) -> str | None:
    """The URN shown as row `number` by the last feed, if any."""
    urns = json.loads(kv.get(conn, FEED_ROWS) or "[]")
    return urns[number - 1] if 1 <= number <= len(urns) else None
