"""`artists report`: each watched curator's share of the candidates and of the recent pushes, how
its picks fared, and the Pareto line (how few curators surface most of the feed)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from music_minion.config.schema import RankingSettings
from music_minion.discovery.feed import base_of, outcomes_now
from music_minion.discovery.scoring import hit_rate
from music_minion.store import curators as store
from music_minion.store import ranking as ranking_store
from music_minion.store.session import Store
from music_minion.timeutil import to_iso
from music_minion.words import plural

PARETO_SHARE = 0.8


def _by_artist(
    rows: Iterable[tuple[int, str, int]], muted: dict[int, frozenset[str]]
) -> dict[int, set[int]]:
    """artist_id -> the tracks it supports through a source that is not muted."""
    out: dict[int, set[int]] = defaultdict(set)
    for aid, kind, tid in rows:
        if kind not in muted.get(aid, ()):
            out[aid].add(tid)
    return out


def pareto(sets: dict[int, set[int]], share: float = PARETO_SHARE) -> tuple[int, int]:
    """(k, total): the fewest curators, taken greedily by size, whose tracks cover `share` of all."""
    everything = set().union(*sets.values()) if sets else set()
    covered: set[int] = set()
    k = 0
    for aid in sorted(sets, key=lambda a: (-len(sets[a]), a)):
        if len(covered) >= share * len(everything):
            break
        covered |= sets[aid]
        k += 1
    return k, len(everything)


def build(conn: Store, rc: RankingSettings, since_days: float, now: datetime) -> dict[str, Any]:
    """The report: one row per watched curator (noisiest first) and the Pareto line."""
    from music_minion.store.mutes import list_muted

    muted = list_muted(conn)
    outcomes = outcomes_now(conn, rc)
    stats, base = ranking_store.list_artist_stats(conn, outcomes), base_of(outcomes, rc)
    cands = _by_artist(store.iter_candidate_support(conn), muted)
    since = to_iso(now - timedelta(days=since_days))
    pushes = _by_artist(store.list_push_support(conn, since), muted)
    n_cands = len(set().union(*cands.values())) if cands else 0
    n_pushed = len(store.list_pushed_since(conn, since))
    rows: list[dict[str, Any]] = []
    for aid, a in stats.items():
        if not a.watched:
            continue
        hr = hit_rate(a.liked, a.dismissed, a.ignored, base, rc)
        cshare = len(cands.get(aid, ())) / n_cands if n_cands else 0.0
        pshare = len(pushes.get(aid, ())) / n_pushed if n_pushed else 0.0
        rows.append(
            {
                "artist_id": aid,
                "artist": a.name,
                "candidates": len(cands.get(aid, ())),
                "candidate_share": round(cshare, 4),
                "pushed": len(pushes.get(aid, ())),
                "push_share": round(pshare, 4),
                "liked": a.liked,
                "dismissed": a.dismissed,
                "ignored": a.ignored,
                "hit_rate": round(hr, 4),
                "muted": sorted(a.muted),
                # feed taken up, weighted by how rarely it lands: the noisiest stand out on top
                "noise": round(max(cshare, pshare) * (1 - hr), 6),
            }
        )
    rows.sort(key=lambda r: (-r["noise"], -r["candidates"], r["artist"].lower()))
    k, total = pareto(cands)
    return {
        "since_days": since_days,
        "base_rate": base,
        "candidates": n_cands,
        "pushed": n_pushed,
        "pareto": {"curators": k, "of": len(rows), "share": PARETO_SHARE, "tracks": total},
        "curators": rows,
    }


def pareto_line(report: dict[str, Any]) -> str:
    """E.g. "5 of 120 curators surface 80 % of your feed (3210 candidates)"."""
    p = report["pareto"]
    if not p["tracks"]:
        return f"no candidates yet from {plural(p['of'], 'curator')}: run `music-minion sync`"
    return (
        f"{p['curators']} of {plural(p['of'], 'curator')} surface {round(p['share'] * 100)} % of your feed "
        f"({plural(p['tracks'], 'candidate')})"
    )
