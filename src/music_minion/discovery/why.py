"""Why a track is, or is not, in the feed: its rank and score, or every reason that keeps it out.

The reasons come from the feed's own rules: the named exclusions of its SQL (store.ranking), the
provenance rows that count (feed.support_gap) and the per-artist cap (scoring.place)."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

from music_minion.config.schema import RankingSettings
from music_minion.discovery.feed import candidates_from, feed_filter, support_gap
from music_minion.discovery.retired import RetireRules, retired_tracks
from music_minion.discovery.scoring import Capped, Ranked, place
from music_minion.store import judgments as judgments_store
from music_minion.store import ranking as store
from music_minion.store.session import Store

UNKNOWN = "not in the index — it came from no watched artist"
_SOURCES = {
    "manual": "by hand",
    "soundcloud_like": "learned from your SoundCloud likes",
    "soundcloud_playlist": "learned from a judgment playlist",
}


def reason(name: str, text: str, **details: Any) -> dict[str, Any]:
    return {"reason": name, "text": text, **details}


def unknown(ref: str) -> dict[str, Any]:
    """The answer for a track the index does not hold."""
    return {"urn": ref, "in_feed": False, "rank": None, "reasons": [reason("unknown", UNKNOWN)]}


def explain(
    conn: Store, rc: RankingSettings, track: sqlite3.Row, *, at: datetime, rules: RetireRules
) -> dict[str, Any]:
    """Where `track` stands: {"in_feed", "feed" (tracks or mixes), "rank", "reasons", "ranked"}.
    Reads the stored keys as they are (run `refresh_scores` first, as the feed does)."""
    tid = track["id"]
    f = feed_filter(conn, rc, rules=rules, at=at)
    names = store.list_exclusions(conn, tid, f)
    reasons = []
    if "mix" in names:  # then it is judged as a mix, among the mixes
        reasons.append(
            reason("mix", "a mix (over ranking.mix_minutes): ranked apart, in `feed --mixes`")
        )
        f = dataclasses.replace(f, mixes=True)
        names = store.list_exclusions(conn, tid, f)
    out = {"feed": "mixes" if f.mixes else "tracks", "rank": None, "ranked": None}
    details = {**_DETAILS, "retired": _retired(rules, at)}
    reasons += [details.get(n, _simple(n, n))(conn, tid, rc, f) for n in names]
    key = store.get_key(conn, tid)
    if key is None:
        reasons.append(_no_support(conn, tid))
    if names or key is None:
        return {**out, "in_feed": False, "reasons": reasons}
    placed, capped = place(candidates_from(conn, rc, f, key, at), rc)
    mine = next((r for r in placed if r.row.track_id == tid), None)
    if mine is not None:
        return {
            **out,
            "in_feed": not reasons,
            "rank": mine.rank,
            "ranked": mine,
            "reasons": reasons,
        }
    cap = next((c for c in capped if c.ranked.row.track_id == tid), None)
    if cap is None:  # its key moved since the last refresh: it sits below the candidates read
        return {**out, "in_feed": False, "reasons": [*reasons, _stale()]}
    return {**out, "in_feed": False, "ranked": cap.ranked, "reasons": [*reasons, _capped(cap, rc)]}


def _judged(conn: Store, tid: int, rc: RankingSettings, f: store.CandidateFilter) -> dict[str, Any]:
    found = judgments_store.get_verdict(conn, tid)
    verdict, source, when = found or ("?", "manual", "?")
    text = f"judged {verdict} {_SOURCES.get(source, source)} at {when}"
    return reason("judged", text, verdict=verdict, source=source, judged_at=when)


def _owned(conn: Store, tid: int, rc: RankingSettings, f: store.CandidateFilter) -> dict[str, Any]:
    by = store.list_owned_by(conn, tid)
    files = [b for b in by if b != "your SoundCloud likes"]
    text = "owned: " + "; ".join(
        ["in your SoundCloud likes"] * (len(by) > len(files))
        + [f"local file {p} matched" for p in files]
    )
    return reason("owned", text, by=by)


Detail = Callable[[Store, int, RankingSettings, store.CandidateFilter], dict[str, Any]]


def _retired(rules: RetireRules, at: datetime) -> Detail:
    """The retired reason as discovery/retired.py gives it (`restore` brings the track back)."""

    def detail(
        conn: Store, tid: int, _rc: RankingSettings, _f: store.CandidateFilter
    ) -> dict[str, Any]:
        found = retired_tracks(conn, rules, at).get(tid)
        why = found.reason if found is not None else "pushed or heard without a verdict"
        text = f"retired: {why} (`music-minion restore` brings it back)"
        counts = {"pushes": found.pushes, "listens": found.listens} if found else {}
        return reason("retired", text, **counts)

    return detail


def _simple(name: str, text: str) -> Detail:
    """A reason that needs no look-up."""

    def detail(
        _c: Store, _t: int, _rc: RankingSettings, _f: store.CandidateFilter
    ) -> dict[str, Any]:
        return reason(name, text)

    return detail


_DETAILS: dict[str, Detail] = {
    "unavailable": _simple("unavailable", "unavailable: deleted or no longer on SoundCloud"),
    "blocked": _simple("blocked", "blocked: SoundCloud does not let it play here"),
    "judged": _judged,
    "owned": _owned,
    "not_mix": _simple("not_mix", "not a mix"),
}


def _no_support(conn: Store, tid: int) -> dict[str, Any]:
    """Why a track has no ranking key: no watched artist surfaced it, or only muted sources did."""
    stats = store.list_saved_artist_stats(conn)
    gaps: dict[str, list[str]] = {}
    for _, aid, kind, _seen, _pos, _genre in store.iter_provenance_rows(conn, [tid]):
        a = stats.get(aid)
        gap = support_gap(a, kind) or "uncounted"
        gaps.setdefault(gap, []).append(f"{a.name if a else f'artist {aid}'}'s {kind}")
    if not gaps:
        return reason("unindexed", "it came from no watched artist (no provenance)")
    if "uncounted" in gaps:
        return reason(
            "uncounted",
            "its support does not count: no usable first-seen time, or a kind weighted 0",
        )
    if "muted" in gaps:
        sources = ", ".join(gaps["muted"])
        return reason(
            "muted", f"muted source only: {sources} (`artists unmute`)", sources=gaps["muted"]
        )
    return reason(
        "unwatched", f"surfaced only by artists you do not watch: {', '.join(gaps['unwatched'])}"
    )


def _capped(cap: Capped, rc: RankingSettings) -> dict[str, Any]:
    text = (
        f"capped: {cap.artist} already has {_tracks(rc.per_artist_cap)} above it "
        f"(ranking.per_artist_cap); it is {cap.artist}'s #{cap.place}"
    )
    return reason("capped", text, artist=cap.artist, place=cap.place)


def _tracks(n: int) -> str:
    return f"{n} track" + "s" * (n != 1)


def _stale() -> dict[str, Any]:
    return reason("stale", "its score changed since the last refresh: run `music-minion feed`")


def as_dict(e: dict[str, Any], at: datetime, rc: RankingSettings) -> dict[str, Any]:
    """The explanation as JSON data (the score's components when it was ranked)."""
    ranked: Ranked | None = e.get("ranked")
    out = {k: v for k, v in e.items() if k != "ranked"}
    if ranked is not None:
        d = ranked.as_dict(at, rc)
        out.update(score=d["score"], why=d["why"], components=d["components"])
    return out
