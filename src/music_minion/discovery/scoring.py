"""Ranking: a pure function of candidate rows (tracks with their provenance) and what judgments taught.

A track's key is the evidence (in bits) that I will like it, plus how recent that evidence is:
    key = Σ over its distinct supporting (watched) artists of (artist bits + kind bits)
          + the newest support's time, in half-lives
An artist's bits are `ranking.pick_bits` (what one pick by an artist I have not judged yet is worth)
plus the log2 odds ratio of its hit rate against the base rate: of the tracks it surfaced that I
heard, how many I liked, against how many I liked of all I heard (dismissals count fully, pushed
tracks heard and ignored count `ranking.ignored_weight`), smoothed by `ranking.hit_rate_prior`.
So a curator whose picks I keep adds more than a pick, one whose picks I dismiss subtracts: a track
pushed by a noisy account is worse off for it. Kind bits are log2 of `ranking.weight_<kind>`; the
artist's own weight adds log2(weight) (0 mutes it). An artist who surfaced a track in several ways
counts once, with its strongest row.

Recency: the age of a provenance row is measured from its `first_seen_at`, pushed back by
`position × ranking.position_hours` (a row deep in an artist's list when first seen was already old
then: a backfill is not news). A track's upload date (`created_at`) plays no part, and a row
without a usable `first_seen_at` never counts. The score at a moment is 2^(key − half-lives since
the epoch), so the order of two tracks never changes with the clock: `track_key()` is
time-independent, the store keeps it in an index and the feed reads the top without scanning every
candidate.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from music_minion.config.schema import RankingSettings
from music_minion.timeutil import parse_timestamp, to_iso

EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
KIND_VERBS = {"repost": "reposted", "like": "liked", "upload": "uploaded"}


def kind_weight(rc: RankingSettings, kind: str) -> float:
    """The weight of a provenance kind (repost, like, upload)."""
    return {
        "repost": rc.weight_repost,
        "like": rc.weight_like,
        "upload": rc.weight_upload,
    }.get(kind, 0.0)


def fingerprint(rc: RankingSettings) -> str:
    """Changes whenever a ranking setting changes: every one of them, so a setting added later
    cannot leave stale keys behind (a change of one read only when the feed is built, such as
    `per_artist_cap`, costs one needless full refresh)."""
    import msgspec

    return repr(sorted(msgspec.structs.asdict(rc).items()))


@dataclass(frozen=True)
class Support:
    """One provenance row of a track, with what ranking needs to know about its artist."""

    artist_id: int
    artist_name: str
    kind: str
    first_seen_at: str | None
    position: int = 0
    weight: float = 1.0
    liked: int = 0
    dismissed: int = 0
    watched: bool = True
    ignored: int = 0
    muted: bool = False  # this (artist, kind) is muted: it counts for nothing


@dataclass
class CandidateRow:
    """A track as the store hands it to ranking."""

    track_id: int
    urn: str
    title: str | None = None
    uploader_name: str | None = None
    uploader_urn: str | None = None
    permalink_url: str | None = None
    duration_ms: int | None = None
    genre: str | None = None
    status: str = "ok"
    access: str | None = None
    supports: tuple[Support, ...] = ()
    judged: bool = False
    owned: bool = False
    retired: bool = False  # pushed or heard without a verdict (discovery/retired.py)


@dataclass
class Supporter:
    """One distinct supporting artist of a ranked track and what it contributes."""

    artist_id: int
    name: str
    kinds: tuple[str, ...]
    kind: str
    weight: float
    hit_rate: float
    kind_weight: float
    first_seen_at: str
    position: int
    bits: float  # evidence: the artist's bits plus the counted kind's
    recency: float  # half-lives from the epoch to the counted row, less its position's
    earliest: str = ""  # the earliest first_seen_at of this artist's counted rows

    @property
    def log2_term(self) -> float:
        """Strength of this supporter alone (for ordering supporters and the per-artist cap)."""
        return self.bits + self.recency


@dataclass
class Ranked:
    """A ranked track: its place, score, supporters and the reason it is there."""

    rank: int
    row: CandidateRow
    key: float
    score: float
    first_seen_at: str
    supporters: list[Supporter] = field(default_factory=list)
    is_mix: bool = False
    genre_bits: float = 0.0  # what the track's genre adds (learned from my judgments)

    @property
    def lead_artist_id(self) -> int:
        return self.supporters[0].artist_id

    def why(self, now: datetime, max_names: int | None = None) -> str:
        """E.g. "reposted by A, B; liked by C · first seen 3d ago". With `max_names`, each kind
        names its strongest supporters and counts the rest ("liked by C, D, E +4")."""
        parts = []
        for kind in ("repost", "like", "upload"):
            names = [s.name for s in self.supporters if kind in s.kinds]
            if names:
                shown = names if max_names is None else names[:max_names]
                more = f" +{len(names) - len(shown)}" if len(names) > len(shown) else ""
                parts.append(f"{KIND_VERBS[kind]} by {', '.join(shown)}{more}")
        taste = ""
        if self.genre_bits >= 0.5:
            taste = f" · you like {genre_key(self.row.genre)}"
        elif self.genre_bits <= -0.5:
            taste = f" · you often skip {genre_key(self.row.genre)}"
        return f"{'; '.join(parts)}{taste} · first seen {age_text(self.first_seen_at, now)}"

    def reason(self, max_names: int = 2) -> str:
        """The short why of a table row: "3 reposts, 12 likes · Bex, Elif +4" (supporters per
        kind, then the strongest supporters' names)."""
        counts = []
        for kind in ("repost", "like", "upload"):
            n = sum(1 for s in self.supporters if kind in s.kinds)
            if n:
                counts.append(f"{n} {kind}{'' if n == 1 else 's'}")
        names = [s.name for s in self.supporters]
        more = f" +{len(names) - max_names}" if len(names) > max_names else ""
        return f"{', '.join(counts)} · {', '.join(names[:max_names])}{more}"

    def as_dict(self, now: datetime, rc: RankingSettings) -> dict[str, Any]:
        r = self.row
        return {
            "rank": self.rank,
            "urn": r.urn,
            "title": r.title,
            "uploader": r.uploader_name,
            "uploader_urn": r.uploader_urn,
            "duration_ms": r.duration_ms,
            "genre": r.genre,
            "score": round(self.score, 6),
            "why": self.why(now),
            "reason": self.reason(),
            "link": r.permalink_url,
            "first_seen_at": self.first_seen_at,
            "mix": self.is_mix,
            "components": {
                "key": self.key,
                "half_life_days": rc.half_life_days,
                "bits": round(sum(s.bits for s in self.supporters), 6),
                "genre_bits": self.genre_bits,
                # minus the newest support's age now, in half-lives: score = 2^(bits + this)
                "recency_half_lives": round(
                    max(s.recency for s in self.supporters) - half_lives(now, rc), 6
                ),
                "supporters": [
                    {
                        "artist_id": s.artist_id,
                        "artist": s.name,
                        "kinds": list(s.kinds),
                        "counted_kind": s.kind,
                        "artist_weight": s.weight,
                        "hit_rate": round(s.hit_rate, 6),
                        "kind_weight": s.kind_weight,
                        "bits": round(s.bits, 6),
                        "first_seen_at": s.first_seen_at,
                        "position": s.position,
                    }
                    for s in self.supporters
                ],
            },
        }


def base_rate(liked: int, dismissed: int, ignored: int, rc: RankingSettings) -> float:
    """The share of all heard tracks that I liked (Laplace-smoothed): what a curator is measured against."""
    return (liked + 1) / (liked + dismissed + rc.ignored_weight * ignored + 2)


def hit_rate(liked: int, dismissed: int, ignored: int, base: float, rc: RankingSettings) -> float:
    """The share of an artist's heard picks that I liked, pulled toward `base` by
    `ranking.hit_rate_prior` pseudo-picks, so a new artist is neither hero nor zero."""
    heard = liked + dismissed + rc.ignored_weight * ignored + rc.hit_rate_prior
    return (liked + rc.hit_rate_prior * base) / heard if heard > 0 else base


def artist_bits(
    weight: float, liked: int, dismissed: int, ignored: int, base: float, rc: RankingSettings
) -> float | None:
    """What one pick by this artist is worth, in bits (None: weight 0, the artist is muted)."""
    if weight <= 0:
        return None
    hr = hit_rate(liked, dismissed, ignored, base, rc)
    return rc.pick_bits + _log2_odds(hr) - _log2_odds(base) + math.log2(weight)


def genre_key(genre: str | None) -> str:
    """How genres are compared: trimmed, lower case (empty: no genre)."""
    return (genre or "").strip().lower()


def genre_bits(
    outcomes: Mapping[str, tuple[int, int, int]], base: float, rc: RankingSettings
) -> dict[str, float]:
    """Per genre, what being of that genre is worth, in bits: `ranking.genre_weight` × the log2
    odds ratio of its hit rate (smoothed like an artist's) against the base rate. Rounded to
    1/20 bit, so a judgment moves the keys only when it moves a genre."""
    if rc.genre_weight <= 0:
        return {}
    out = {}
    for genre, (liked, dismissed, ignored) in outcomes.items():
        hr = hit_rate(liked, dismissed, ignored, base, rc)
        bits = round(rc.genre_weight * (_log2_odds(hr) - _log2_odds(base)) * 20) / 20
        if bits:
            out[genre] = bits
    return out


def _log2_odds(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log2(p / (1 - p))


def half_lives(moment: datetime, rc: RankingSettings) -> float:
    """Half-lives from EPOCH to `moment`."""
    return (moment - EPOCH).total_seconds() / 86400.0 / rc.half_life_days


# Half-lives from EPOCH per first_seen_at text, shared by the rows of one ranking pass.
SeenCache = dict[str | None, float | None]


def seen_half_lives(first_seen_at: str | None, rc: RankingSettings) -> float | None:
    """Half-lives from EPOCH to a `first_seen_at`; None when it is missing or not a time."""
    seen = parse_timestamp(first_seen_at)
    return None if seen is None else half_lives(seen, rc)


def position_half_lives(position: int, rc: RankingSettings) -> float:
    """How much older a row deep in an artist's list is, in half-lives."""
    return max(position, 0) * rc.position_hours / 24.0 / rc.half_life_days


def kind_log2(rc: RankingSettings) -> dict[str, float]:
    """log2 of each kind's weight; kinds weighted 0 are left out (they contribute nothing)."""
    return {k: math.log2(w) for k in ("repost", "like", "upload") if (w := kind_weight(rc, k)) > 0}


def supporters(
    row: CandidateRow,
    rc: RankingSettings,
    base: float = 0.5,
    _cache: dict[str | None, float | None] | None = None,
) -> list[Supporter]:
    """Distinct supporting watched artists of `row`, strongest first (one entry per artist, counted
    with its strongest provenance row). Rows without a time, muted artists and kinds weighted 0
    contribute nothing."""
    cache = _cache if _cache is not None else {}
    klog = kind_log2(rc)
    best: dict[int, tuple[float, Support]] = {}
    earliest: dict[int, str] = {}
    kinds: dict[int, list[str]] = {}
    for s in row.supports:
        if not s.watched or s.muted:
            continue
        kinds.setdefault(s.artist_id, [])
        if s.kind not in kinds[s.artist_id]:
            kinds[s.artist_id].append(s.kind)
        kl = klog.get(s.kind)
        x = (
            cache[s.first_seen_at]
            if s.first_seen_at in cache
            else seen_half_lives(s.first_seen_at, rc)
        )
        cache[s.first_seen_at] = x
        if kl is None or x is None or s.first_seen_at is None:
            continue
        term = kl + (x - position_half_lives(s.position, rc))
        if s.artist_id not in best or term > best[s.artist_id][0]:
            best[s.artist_id] = (term, s)
        if s.artist_id not in earliest or s.first_seen_at < earliest[s.artist_id]:
            earliest[s.artist_id] = s.first_seen_at
    out = [
        sup
        for artist_id, (term, s) in best.items()
        if (sup := _supporter(s, term, tuple(kinds[artist_id]), earliest[artist_id], base, rc))
    ]
    out.sort(key=lambda p: (-p.log2_term, p.name.lower(), p.artist_id))
    return out


def _supporter(
    s: Support, term: float, kinds: tuple[str, ...], earliest: str, base: float, rc: RankingSettings
) -> Supporter | None:
    bits = artist_bits(s.weight, s.liked, s.dismissed, s.ignored, base, rc)
    if bits is None:
        return None
    kl = math.log2(kind_weight(rc, s.kind))
    return Supporter(
        s.artist_id,
        s.artist_name,
        tuple(sorted(kinds, key=("repost", "like", "upload").index)),
        s.kind,
        s.weight,
        hit_rate(s.liked, s.dismissed, s.ignored, base, rc),
        kind_weight(rc, s.kind),
        s.first_seen_at or "",
        s.position,
        bits + kl,
        term - kl,
        earliest,
    )


def key_of(terms: Iterable[tuple[float, float]]) -> float | None:
    """The key of a track from its supporters' (bits, recency): all the evidence, plus the newest
    support's time. None for no supporter."""
    terms = list(terms)
    if not terms:
        return None
    return math.fsum(b for b, _ in terms) + max(r for _, r in terms)


def track_key(
    row: CandidateRow,
    rc: RankingSettings,
    base: float = 0.5,
    genres: Mapping[str, float] | None = None,
) -> float | None:
    """The time-independent ranking key of a track (None: no support)."""
    key = key_of((s.bits, s.recency) for s in supporters(row, rc, base))
    return None if key is None else key + (genres or {}).get(genre_key(row.genre), 0.0)


def score_at(key: float, now: datetime, rc: RankingSettings) -> float:
    """The score at `now` of a track with ranking key `key`."""
    value: float = 2.0 ** (key - half_lives(now, rc))
    return value


def is_mix(row: CandidateRow, rc: RankingSettings) -> bool:
    return row.duration_ms is not None and row.duration_ms > rc.mix_minutes * 60_000


def excluded_because(row: CandidateRow, rc: RankingSettings) -> str | None:
    """Why a row is not a candidate (None: it is one)."""
    if row.judged:
        return "judged"
    if row.owned:
        return "owned"
    if row.status != "ok":
        return row.status
    if row.access == "blocked":
        return "blocked"
    if row.retired:
        return "retired"
    return None


def rank(
    rows: Iterable[CandidateRow],
    rc: RankingSettings,
    now: datetime,
    *,
    limit: int | None = None,
    mixes: bool = False,
    base: float = 0.5,
    genres: Mapping[str, float] | None = None,
) -> list[Ranked]:
    """Rank candidates: exclusions dropped, mixes kept apart (only mixes when `mixes`, else none),
    ordered by score desc, then first seen desc, then URN, with the per-artist cap applied."""
    ordered = score_sorted(rows, rc, now, mixes=mixes, base=base, genres=genres)
    return place(ordered, rc, limit=limit)[0]


def score_sorted(
    rows: Iterable[CandidateRow],
    rc: RankingSettings,
    now: datetime,
    *,
    mixes: bool = False,
    base: float = 0.5,
    genres: Mapping[str, float] | None = None,
) -> list[Ranked]:
    """The candidates among `rows`, scored and in feed order (not numbered, no cap yet)."""
    cache: SeenCache = {}
    scored: list[Ranked] = []
    for row in rows:
        if excluded_because(row, rc) or is_mix(row, rc) != mixes:
            continue
        sups = supporters(row, rc, base, cache)
        key = key_of((s.bits, s.recency) for s in sups)
        if key is None:
            continue
        g_bits = (genres or {}).get(genre_key(row.genre), 0.0)
        key += g_bits
        first = min(s.earliest for s in sups)
        ranked = Ranked(0, row, key, score_at(key, now, rc), first, sups, is_mix(row, rc), g_bits)
        scored.append(ranked)
    scored.sort(key=_order)
    return scored


@dataclass(frozen=True)
class Capped:
    """A candidate the per-artist cap kept out of the list."""

    ranked: Ranked
    artist: str  # the uploader or the strongest supporter whose share was full
    place: int  # the candidate's place among that artist's, best first (over the cap)


def place(
    ordered: Iterable[Ranked], rc: RankingSettings, *, limit: int | None = None
) -> tuple[list[Ranked], list[Capped]]:
    """Number candidates in feed order under the per-artist cap: neither one prolific uploader nor
    one prolific reposter (the strongest supporter) puts more than `per_artist_cap` tracks in the
    list. Returns the list and the candidates the cap kept out before it was full."""
    out: list[Ranked] = []
    capped: list[Capped] = []
    shown: dict[tuple[str, object], int] = {}
    seen: dict[tuple[str, object], int] = {}
    for r in ordered:
        if limit is not None and len(out) >= limit:
            break
        shares = (("uploader", r.row.uploader_urn or r.row.uploader_name or r.row.urn),
                  ("lead", r.lead_artist_id))  # fmt: skip
        for k in shares:
            seen[k] = seen.get(k, 0) + 1
        full = next((k for k in shares if shown.get(k, 0) >= rc.per_artist_cap), None)
        if full is not None:
            who = (
                r.row.uploader_name or str(full[1])
                if full[0] == "uploader"
                else r.supporters[0].name
            )
            capped.append(Capped(r, who, seen[full]))
            continue
        for k in shares:
            shown[k] = shown.get(k, 0) + 1
        r.rank = len(out) + 1
        out.append(r)
    return out, capped


def _order(r: Ranked) -> tuple[float, tuple[int, ...], str]:
    # first_seen desc: ISO text sorts like time, so invert it character-wise.
    return (-r.key, _desc(r.first_seen_at), r.row.urn)


def _desc(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text)


def age_text(first_seen_at: str, now: datetime) -> str:
    """ "3d ago", "5h ago", "2mo ago", "1y ago"."""
    seen = parse_timestamp(first_seen_at)
    if seen is None:
        return "at an unknown time"
    hours = max((now - seen).total_seconds() / 3600, 0)
    if hours < 1:
        return "just now"
    if hours < 48:
        return f"{int(hours)}h ago"
    days = hours / 24
    if days < 60:
        return f"{int(days)}d ago"
    if days < 365:
        return f"{int(days / 30)}mo ago"
    return f"{int(days / 365)}y ago"


def since_iso(days: float, now: datetime) -> str:
    """The ISO time `days` before `now` (for `feed --since`)."""
    return to_iso(now - timedelta(days=days))
