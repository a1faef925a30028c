"""The periodic full pass: each (artist, source) is walked in full every `full_every_days`.

An incremental walk stops at the first known item or at the page cap, so it cannot see more new
items than the cap, nor an old track liked again below the known ones. A full walk sees them and
records what left the list. Each (artist, kind) gets its first full walk at a fixed phase within
the period (from a hash of the pair), so full walks spread over runs instead of landing together;
after a full walk the next is due one period later, so the spread persists.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta

from music_minion.store import full_walks
from music_minion.store.session import Store
from music_minion.timeutil import to_iso


def phase(artist_id: int, kind: str, every_days: float) -> timedelta:
    """Where in the period (artist, kind) has its first full walk: stable, evenly spread."""
    fraction = zlib.crc32(f"{artist_id}:{kind}".encode()) / 2**32
    return timedelta(days=every_days * fraction)


def due(
    db: Store, now: datetime, every_days: float, planned: list[int], kinds: list[str]
) -> set[tuple[int, str]]:
    """The (artist id, kind) pairs a sync at `now` walks in full (all planned ones when the
    period is 0)."""
    if every_days == 0:
        return {(aid, kind) for aid in planned for kind in kinds}
    stale = to_iso(now - timedelta(days=every_days))
    return full_walks.list_due(db, to_iso(now), stale)


def after_walk(
    db: Store, artist_id: int, kind: str, stamp: datetime, every_days: float, *, walked_full: bool
) -> None:
    """Reschedule (artist, kind) after a walk: one period after a full walk, else its first date."""
    if walked_full:
        nxt = stamp + timedelta(days=every_days)
        full_walks.record_full(db, artist_id, kind, to_iso(stamp), to_iso(nxt))
    else:
        full_walks.ensure(db, artist_id, kind, to_iso(stamp + phase(artist_id, kind, every_days)))
