"""Judgments: what the user thinks of a track, and the rules when sources disagree.

Priority: manual over liked over not_interested over not_quite. A sync never overwrites a manual
judgment. A learned judgment follows its source (a track taken out of the "not interested" playlist
is no longer not_interested), except `not_quite`, which stays after the track leaves its playlist.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from music_minion import vocab
from music_minion.errors import MinionError, UsageError
from music_minion.store import batches
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
    text, row = find_track(conn, ref)
    if row is None:
        raise MinionError(
            f"track {text} is not in the index", "run `music-minion sync` first, or check the URL"
        )
    return row


def find_track(conn: Store, ref: str) -> tuple[str, sqlite3.Row | None]:
    """(the URN or URL `ref` stands for, its stored track or None when the index does not have it).
    A row number must be one the last `feed` showed; anything else is a usage error."""
    from music_minion.discovery.feed import row_urn, shown_rows

    text = ref.strip()
    if text.isdigit():
        urn = row_urn(conn, int(text))
        shown = shown_rows(conn)
        if urn is None and shown is None:
            raise MinionError(
                f"no feed has been shown yet, so there is no row {text}",
                "run `music-minion feed` first, then judge a row number it shows",
            )
        if urn is None:
            rows = "showed no rows" if shown == 0 else f"showed rows 1–{shown}"
            raise MinionError(
                f"no row {text}: the last list {rows}",
                "run `music-minion feed` and use a row number it shows",
            )
        text = urn
    if _TRACK_URN.fullmatch(text):
        return text, tracks_store.get_by_urn(conn, text)
    if "soundcloud.com/" in text.lower():
        return text, tracks_store.get_by_url(conn, text)
    raise UsageError(
        f"{ref!r} is not a track",
        "give a track URN (soundcloud:tracks:N), its URL, or a feed row number",
    )


def judge_track(
    conn: Store, track_id: int, verdict: str, *, at: str | None = None
) -> dict[str, Any]:
    """Record a manual judgment (it wins over anything learned). Returns the old and new state."""
    done = judge_tracks(conn, [track_id], verdict, at=at)
    return {
        "verdict": verdict,
        "source": "manual",
        "previous": done["previous"][0],
        "batch": done["batch"],
    }


def judge_tracks(
    conn: Store, track_ids: Sequence[int], verdict: str, *, at: str | None = None
) -> dict[str, Any]:
    """Judge several tracks by hand in one batch (`undo` reverts them together). Returns the batch
    id and each track's previous verdict, in order."""
    if verdict not in VERDICTS:
        raise UsageError(f"unknown verdict {verdict!r}", "use liked, not_interested or not_quite")
    moment = at or now_iso()
    ids = list(dict.fromkeys(track_ids))
    with conn.atomic():
        changes = []
        for tid in ids:
            before = store.get_verdict(conn, tid)
            store.put(conn, tid, verdict, "manual", moment)
            changes.append(batches.Change(tid, before, (verdict, "manual", moment)))
        batch = batches.add_batch(conn, "manual", "made with `judge`", moment, changes)
        mark_dirty_tracks(conn, ids)
    return {"batch": batch, "previous": [c.before[0] if c.before else None for c in changes]}


def unjudge_track(conn: Store, track_id: int) -> bool:
    """Forget a track's judgment (any source); True when there was one."""
    return bool(unjudge_tracks(conn, [track_id])["removed"][0])


def unjudge_tracks(
    conn: Store, track_ids: Sequence[int], *, at: str | None = None
) -> dict[str, Any]:
    """Forget the judgments of several tracks in one batch (when any existed). Returns the batch id
    (None: nothing to forget) and, per track in order, whether it had a judgment."""
    ids = list(dict.fromkeys(track_ids))
    with conn.atomic():
        found = {tid: store.get_verdict(conn, tid) for tid in ids}
        changes = [batches.Change(tid, j, None) for tid, j in found.items() if j is not None]
        for c in changes:
            store.delete(conn, c.track_id)
        batch = None
        if changes:
            batch = batches.add_batch(
                conn, "manual", "made with `unjudge`", at or now_iso(), changes
            )
            mark_dirty_tracks(conn, [c.track_id for c in changes])
    return {"batch": batch, "removed": [found[tid] is not None for tid in track_ids]}


def undo_batch(
    conn: Store, batch_id: int | None = None, *, at: str | None = None
) -> dict[str, Any]:
    """Put back what batch `batch_id` (default: the newest not undone) replaced. A track judged
    again since keeps its newer judgment. Undone learned judgments are suppressed, so the next sync
    does not learn them again while their source still holds the track."""
    moment = at or now_iso()
    with conn.atomic():
        batch = batches.get_batch(conn, batch_id)
        if batch is None:
            raise MinionError(
                "nothing to undo" if batch_id is None else f"no judgment batch {batch_id}",
                "`music-minion undo --list` shows the batches",
            )
        if batch.undone_at:
            raise MinionError(f"batch {batch.id} was already undone at {batch.undone_at}")
        reverted, kept = [], 0
        for c in batches.list_changes(conn, batch.id):
            if store.get_verdict(conn, c.track_id) != c.after:
                kept += 1
                continue
            _restore(conn, c.track_id, c.before)
            reverted.append(c)
        if batch.kind == "learned":
            batches.suppress(conn, _suppressions(reverted), batch.id)
        batches.mark_undone(conn, batch.id, moment)
        mark_dirty_tracks(conn, [c.track_id for c in reverted])
    undone: dict[str, int] = {}
    for c in reverted:
        what = c.after[0] if c.after else "removed"
        undone[what] = undone.get(what, 0) + 1
    return {**batch._asdict(), "undone_at": moment, "reverted": undone, "kept_newer": kept}


def _suppressions(changes: Iterable[batches.Change]) -> list[batches.Suppression]:
    return [(c.track_id, c.after[0], c.learned_from) for c in changes if c.after and c.learned_from]


def _restore(conn: Store, track_id: int, judgment: batches.Judgment) -> None:
    if judgment is None:
        store.delete(conn, track_id)
    else:
        store.put(conn, track_id, *judgment)


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
    sources: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Make learned judgments follow the sources: manual ones are never touched; a learned one whose
    source no longer holds the track is dropped, unless it is `not_quite` (sticky) or its verdict's
    source could not be read this time (`unknown`: a failed fetch must not wipe judgments). A
    suppressed (undone) judgment is not learned again; its suppression lifts once its source no
    longer holds the track. The changes form one batch, labelled by `sources` (verdict -> where it
    was learned from), so `undo` can revert them."""
    moment = at or now_iso()
    origin: dict[str, str] = {v: (sources or {}).get(v, "SoundCloud") for v in VERDICTS}
    counts = {"added": 0, "changed": 0, "removed": 0, "kept_manual": 0, "suppressed": 0}
    with conn.atomic():
        suppressed = batches.list_suppressed(conn)
        changes = _follow(conn, desired, unknown, moment, origin, suppressed, counts)
        held = {(tid, v, origin[v]) for tid, v in desired.items()}
        batches.lift(conn, [s for s in suppressed if s[1] not in unknown and s not in held])
        if changes:
            batches.add_batch(conn, "learned", learned_label(changes), moment, changes)
        mark_dirty_tracks(conn, [c.track_id for c in changes])
    return counts


def _follow(
    conn: Store,
    desired: dict[int, str],
    unknown: frozenset[str],
    moment: str,
    origin: Mapping[str, str],
    suppressed: set[batches.Suppression],
    counts: dict[str, int],
) -> list[batches.Change]:
    """Write what `apply_synced` decides, counting it; returns the changes made."""
    manual = store.list_manual_ids(conn)
    existing = store.list_synced(conn)
    changes: list[batches.Change] = []
    for tid, verdict in desired.items():
        if tid in manual:
            counts["kept_manual"] += 1
            continue
        if (tid, verdict, origin[verdict]) in suppressed:
            counts["suppressed"] += 1
            continue
        old = existing.get(tid)
        if old == verdict:
            continue
        before = store.get_verdict(conn, tid)
        after = (verdict, SYNCED_SOURCE[verdict], moment)
        store.put(conn, tid, *after)
        counts["added" if old is None else "changed"] += 1
        changes.append(batches.Change(tid, before, after, origin[verdict]))
    for tid, verdict in existing.items():
        if tid in desired or verdict == "not_quite" or verdict in unknown:
            continue
        changes.append(batches.Change(tid, store.get_verdict(conn, tid), None, origin[verdict]))
        store.delete(conn, tid)
        counts["removed"] += 1
    return changes


def learned_label(changes: Sequence[batches.Change]) -> str:
    """ "learned from playlist X" / "learned from your SoundCloud likes and playlist X": the sources
    of what a learn run changed."""
    names = dict.fromkeys(c.learned_from or "SoundCloud" for c in changes)
    return "learned from " + " and ".join(names)
