"""Judgments: what the user thinks of a track, and the rules when sources disagree.

Priority: manual over liked over not_interested over not_quite. A sync never overwrites a manual
judgment. A learned judgment follows its source (a track taken out of the "not interested" playlist
is no longer not_interested), except `not_quite`, which stays after the track leaves its playlist.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from music_minion import vocab
from music_minion.errors import MinionError, UsageError
from music_minion.store import judgments as store
from music_minion.store import tracks as tracks_store
from music_minion.store.ranking import mark_dirty_tracks
from music_minion.store.session import Store
from music_minion.timeutil import now_iso

VERDICTS = vocab.VERDICTS
VERDICT_ALIASES = {
    "liked": "liked",
    "like": "liked",
    "love": "liked",
    "yes": "liked",
    "not_interested": "not_interested",
    "not-interested": "not_interested",
    "no": "not_interested",
    "dismiss": "not_interested",
    "not_quite": "not_quite",
    "not-quite": "not_quite",
    "meh": "not_quite",
}
SYNCED_SOURCE = {
    "liked": "soundcloud_like",
    "not_interested": "soundcloud_playlist",
    "not_quite": "soundcloud_playlist",
}
_TRACK_URN = re.compile(r"soundcloud:tracks:\d+")


def parse_verdict(text: str) -> str:
    """A verdict from what the user typed (`liked`, `not_interested`, `not_quite`, or an alias)."""
    verdict = VERDICT_ALIASES.get(text.strip().lower())
    if verdict is None:
        raise UsageError(f"unknown verdict {text!r}", "use liked, not_interested or not_quite")
    return verdict


def resolve_track(conn: Store, ref: str) -> sqlite3.Row:
    """The stored track named by a URN, a SoundCloud URL, or a row number of the last `feed`."""
    from music_minion.discovery.feed import row_urn, shown_rows

    text = ref.strip()
    if text.isdigit():
        urn = row_urn(conn, int(text))
        if urn is None and not shown_rows(conn):
            raise MinionError(
                f"no feed has been shown yet, so there is no row {text}",
                "run `music-minion feed` first, then judge a row number it shows",
            )
        if urn is None:
            raise MinionError(
                f"no row {text} in the last feed",
                "run `music-minion feed` and use a row number it shows",
            )
        text = urn
    if _TRACK_URN.fullmatch(text):
        row = tracks_store.get_by_urn(conn, text)
    elif "soundcloud.com/" in text.lower():
        row = tracks_store.get_by_url(conn, text)
    else:
        raise UsageError(
            f"{ref!r} is not a track",
            "give a track URN (soundcloud:tracks:N), its URL, or a feed row number",
        )
    if row is None:
        raise MinionError(
            f"track {text} is not in the index", "run `music-minion sync` first, or check the URL"
        )
    return row


def judge_track(
    conn: Store, track_id: int, verdict: str, *, at: str | None = None
) -> dict[str, Any]:
    """Record a manual judgment (it wins over anything learned). Returns the old and new state."""
    if verdict not in VERDICTS:
        raise UsageError(f"unknown verdict {verdict!r}", "use liked, not_interested or not_quite")
    with conn.atomic():
        before = store.get_verdict(conn, track_id)
        store.put(conn, track_id, verdict, "manual", at or now_iso())
        mark_dirty_tracks(conn, [track_id])
    return {"verdict": verdict, "source": "manual", "previous": before[0] if before else None}


def unjudge_track(conn: Store, track_id: int) -> bool:
    """Forget a track's judgment (any source); True when there was one."""
    with conn.atomic():
        existed = store.delete(conn, track_id)
        if existed:
            mark_dirty_tracks(conn, [track_id])
    return existed


def desired_verdicts(
    liked: set[int], not_interested: set[int], not_quite: set[int]
) -> dict[int, str]:
    """What the SoundCloud sources say now, the stronger source winning a disagreement."""
    out = {tid: "not_quite" for tid in not_quite}
    out.update({tid: "not_interested" for tid in not_interested})
    out.update({tid: "liked" for tid in liked})
    return out


def apply_synced(
    conn: Store,
    desired: dict[int, str],
    *,
    unknown: frozenset[str] = frozenset(),
    at: str | None = None,
) -> dict[str, int]:
    """Make learned judgments follow the sources: manual ones are never touched; a learned one whose
    source no longer holds the track is dropped, unless it is `not_quite` (sticky) or its verdict's
    source could not be read this time (`unknown`: a failed fetch must not wipe judgments)."""
    moment = at or now_iso()
    counts = {"added": 0, "changed": 0, "removed": 0, "kept_manual": 0}
    changed: list[int] = []
    with conn.atomic():
        manual = store.list_manual_ids(conn)
        existing = store.list_synced(conn)
        for tid, verdict in desired.items():
            if tid in manual:
                counts["kept_manual"] += 1
                continue
            old = existing.get(tid)
            if old == verdict:
                continue
            store.put(conn, tid, verdict, SYNCED_SOURCE[verdict], moment)
            counts["added" if old is None else "changed"] += 1
            changed.append(tid)
        for tid, verdict in existing.items():
            if tid in desired or verdict == "not_quite" or verdict in unknown:
                continue
            store.delete(conn, tid)
            counts["removed"] += 1
            changed.append(tid)
        mark_dirty_tracks(conn, changed)
    return counts
