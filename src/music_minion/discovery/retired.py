"""Retired tracks: pushed or played long enough without a verdict, so out of the feed until restored.

A track is retired when, since its last `restore`, either
- it sat in the discovery playlist unjudged through `ranking.max_ignored_pushes` chances: a push
  counts as a chance once the track has stayed in the playlist for `ranking.ignored_after_hours`
  after it, and pushes within that long of the last counted one count once (so pushes seconds
  apart are one chance, and a track a later replace left out after an hour had none); or
- the review page played it `review.max_unjudged_listens` times without a verdict.

How long a track stayed is read from the push records: a replace push holds the whole playlist,
so a track it leaves out left the playlist then; an append push adds on top, removing nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from music_minion.config.schema import RankingSettings, ReviewSettings
from music_minion.store import listens, restores
from music_minion.store import pushes as pushes_store
from music_minion.store import tracks as tracks_store
from music_minion.store.pushes import OkPush
from music_minion.store.session import Store
from music_minion.timeutil import now, parse_timestamp, to_iso
from music_minion.words import plural


@dataclass(frozen=True)
class RetireRules:
    """When a track is retired: the settings that decide it."""

    ignored_after_hours: float = 24.0
    max_ignored_pushes: int = 2
    max_unjudged_listens: int = 3

    @classmethod
    def of(cls, rc: RankingSettings, review: ReviewSettings) -> RetireRules:
        return cls(rc.ignored_after_hours, rc.max_ignored_pushes, review.max_unjudged_listens)

    @property
    def window(self) -> timedelta:
        return timedelta(hours=self.ignored_after_hours)


@dataclass(frozen=True)
class Stay:
    """One push of a track, and until when the track then stayed in the playlist."""

    pushed_at: datetime
    until: datetime


@dataclass(frozen=True)
class Retired:
    """A retired track: why, since when, and what counted."""

    track_id: int
    reason: str
    since: str
    pushes: int
    listens: int


def stays(
    pushes: Iterable[OkPush], tracks: Iterable[tuple[int, int, int]], at: datetime
) -> dict[int, list[Stay]]:
    """track_id -> each push of it (finished by `at`) with the end of the stay it began or
    continued: the next replace of that playlist that left the track out, else `at`."""
    by_push: dict[int, set[int]] = defaultdict(set)
    for push_id, track_id, _pos in tracks:
        by_push[push_id].add(track_id)
    out: dict[int, list[Stay]] = defaultdict(list)
    pending: dict[str | None, dict[int, list[datetime]]] = defaultdict(dict)
    for p in pushes:
        when = parse_timestamp(p.finished_at)
        if when is None or when > at:
            continue
        inside, held = pending[p.playlist_urn], by_push.get(p.id, set())
        if p.replaced:
            for tid in [t for t in inside if t not in held]:
                out[tid] += [Stay(start, when) for start in inside.pop(tid)]
        for tid in held:
            inside.setdefault(tid, []).append(when)
    for inside in pending.values():
        for tid, starts in inside.items():
            out[tid] += [Stay(start, at) for start in starts]
    return {tid: sorted(s, key=lambda x: x.pushed_at) for tid, s in out.items()}


def chances(track_stays: Iterable[Stay], window: timedelta) -> list[Stay]:
    """The pushes that count as a chance to be heard: the track stayed `window` after each, and
    each comes at least `window` after the previous counted one."""
    out: list[Stay] = []
    for s in sorted(track_stays, key=lambda x: x.pushed_at):
        if s.until - s.pushed_at >= window and (
            not out or s.pushed_at - out[-1].pushed_at >= window
        ):
            out.append(s)
    return out


def unjudged_stays(conn: Store, at: datetime) -> dict[int, list[Stay]]:
    """`stays` of every unjudged pushed track, from the push records."""
    tracks = pushes_store.list_ok_push_tracks(conn, unjudged=True)
    return stays(pushes_store.list_ok_pushes(conn), tracks, at)


def ignored_by(conn: Store, at: datetime, window: timedelta) -> set[int]:
    """Unjudged tracks that had a chance to be heard in the playlist by `at` (ranking counts
    them as ignored; restores do not undo that)."""
    return {tid for tid, s in unjudged_stays(conn, at).items() if chances(s, window)}


def _span(first: datetime, last: datetime) -> str:
    hours = (last - first).total_seconds() / 3600
    return f"{hours:.0f} hours" if hours < 48 else f"{hours / 24:.0f} days"


def _by_pushes(track_stays: list[Stay], rules: RetireRules) -> tuple[str, str] | None:
    """(reason, since) when these stays retire a track."""
    counted = chances(track_stays, rules.window)
    if len(counted) < rules.max_ignored_pushes:
        return None
    span = _span(track_stays[0].pushed_at, max(s.until for s in track_stays))
    since = counted[rules.max_ignored_pushes - 1].pushed_at + rules.window
    return f"pushed {plural(len(track_stays), 'time')} over {span}, never judged", to_iso(since)


def _by_listens(heard: list[str], rules: RetireRules) -> tuple[str, str] | None:
    """(reason, since) when these counted listens (oldest first) retire a track."""
    n = rules.max_unjudged_listens
    if len(heard) < n:
        return None
    return f"heard {plural(len(heard), 'time')} in review, never judged", heard[n - 1]


def retired_tracks(
    conn: Store, rules: RetireRules, at: datetime | None = None
) -> dict[int, Retired]:
    """Every retired track (unjudged) at `at` (default now), newest retirement first."""
    moment = at or now()
    marks = {tid: parse_timestamp(m) for tid, m in restores.list_marks(conn).items()}

    def after_mark(tid: int, when: datetime | None) -> bool:
        mark = marks.get(tid)
        return when is not None and (mark is None or when > mark)

    all_stays = unjudged_stays(conn, moment)
    pushed = {t: [s for s in ss if after_mark(t, s.pushed_at)] for t, ss in all_stays.items()}
    heard: dict[int, list[str]] = defaultdict(list)
    for tid, heard_at in listens.list_unjudged_listens(conn):
        when = parse_timestamp(heard_at)
        if after_mark(tid, when) and when is not None and when <= moment:
            heard[tid].append(heard_at)
    out = [
        _retired(tid, pushed.get(tid, []), heard.get(tid, []), rules)
        for tid in pushed.keys() | heard.keys()
    ]
    found = sorted(
        (r for r in out if r is not None), key=lambda r: (r.since, r.track_id), reverse=True
    )
    return {r.track_id: r for r in found}


def _retired(
    tid: int, track_stays: list[Stay], heard: list[str], rules: RetireRules
) -> Retired | None:
    why = [w for w in (_by_pushes(track_stays, rules), _by_listens(heard, rules)) if w is not None]
    if not why:
        return None
    return Retired(
        tid, "; ".join(r for r, _ in why), min(s for _, s in why), len(track_stays), len(heard)
    )


def retired_reason(conn: Store, urn: str, rules: RetireRules) -> str | None:
    """Why the track `urn` is retired ("pushed 3 times over 5 days, never judged"), or None."""
    found = tracks_store.get_by_urn(conn, urn)
    retired = retired_tracks(conn, rules).get(found["id"]) if found is not None else None
    return retired.reason if retired is not None else None


def described(conn: Store, retired: Mapping[int, Retired]) -> list[dict[str, object]]:
    """Retired tracks with their URN, title, uploader and link, in the order given."""
    refs = tracks_store.list_track_refs(conn, retired)
    return [
        {**refs.get(tid, {"urn": None}), "reason": r.reason, "retired_at": r.since,
         "pushes": r.pushes, "listens": r.listens}
        for tid, r in retired.items()
    ]  # fmt: skip


def restore(conn: Store, track_ids: Iterable[int], at: datetime | None = None) -> None:
    """Bring tracks back into the feed: their pushes and listens so far no longer count."""
    restores.mark(conn, track_ids, to_iso(at or now()))
