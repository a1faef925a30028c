"""The taste model: what a track is (styles, quality, popularity) and how likely someone likes it.

There are K latent styles on a ring (default 12; neighbours are i-1 and i+1). A track's style
vector puts `purity` on its dominant style, a share `neighbour_share` of the rest on one neighbour
and spreads what is left evenly over all K. A taste is a non-negative vector over the styles; the
affinity of a taste and a track is the cosine of their vectors (0..1).

- **The listener ("me")** has a taste over two or three styles (`listener_weights`: a main
  style, often a neighbour of it, and one more). The probability of liking a heard track is
  `sigmoid(bias + like_affinity * affinity + like_quality * quality)`; `bias` is solved by
  bisection so that the mean probability over the world's starting tracks is `like_share`
  (default 0.20, so roughly 15-25 % of a random pool is liked, whatever the seed).
- **Curators** (the watched artists) are kindred, adjacent or noisy, mixed by `mix`. A kindred
  curator's taste is `kin` of the listener's plus the rest on a style of its own; an adjacent one's
  is mostly another style with a little of the listener's; a noisy one's is random. A curator picks
  (likes, reposts) a track with weight `popularity ** popularity_power * exp(affinity_weight *
  affinity + quality_weight * quality)` (drawn without replacement); noisy curators have small
  weights for both and a large `volume` (how many picks, as a multiple of the world's size).
- **The wider population** (the world's other uploaders) has tastes too: a share
  `population_kindred` is kindred-like, the rest like one or two random styles. They like tracks
  the same way, so favoriters, reposters and related users can be worth finding.
- **What SoundCloud shows** is derived with noise: `genre` is the dominant style's genre with
  probability `genre_true`, a neighbour's with `genre_neighbour`, a generic one with
  `genre_generic`, else empty; tags carry the style's genre word with probability `tag_true`
  (a neighbour's with `tag_neighbour`) besides random tags; play counts follow popularity (a
  Pareto draw, a little raised by quality); like and repost counts follow the world's lists.

The truth (styles, tastes, probabilities) is served only under `/_emulator/taste`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from music_minion.emulator import vocab

KINDS = ("kindred", "adjacent", "noisy")
GENERIC_GENRES = ("Electronic", "Dance & EDM")


@dataclass(frozen=True)
class CuratorKind:
    """How one kind of curator picks: its taste's closeness to the listener's, how much affinity and
    quality steer its picks, and how many picks it makes (multiple of the world's list sizes)."""

    kin: float
    affinity_weight: float
    quality_weight: float
    volume: float


@dataclass(frozen=True)
class TasteParams:
    """Every constant of the model; the defaults are the benchmark's."""

    styles: int = 12
    purity: float = 0.7
    neighbour_share: float = 0.6
    quality_alpha: float = 2.0
    quality_beta: float = 2.5
    popularity_shape: float = 1.2
    popularity_power: float = 0.5
    listener_weights: tuple[float, ...] = (0.55, 0.3, 0.15)
    like_share: float = 0.20
    like_affinity: float = 5.0
    like_quality: float = 3.0
    mix: tuple[float, float, float] = (0.3, 0.5, 0.2)  # kindred, adjacent, noisy
    kindred: CuratorKind = CuratorKind(kin=0.8, affinity_weight=6.0, quality_weight=4.0, volume=1.0)
    adjacent: CuratorKind = CuratorKind(
        kin=0.25, affinity_weight=5.0, quality_weight=2.0, volume=1.0
    )
    noisy: CuratorKind = CuratorKind(kin=0.0, affinity_weight=0.3, quality_weight=0.3, volume=3.0)
    own_style_uploads: float = 0.85  # share of a user's uploads in its own main style
    population_kindred: float = 0.15
    population_likes: int = 30  # starting likes of each user of the wider population
    genre_true: float = 0.75
    genre_neighbour: float = 0.12
    genre_generic: float = 0.06
    tag_true: float = 0.6
    tag_neighbour: float = 0.15
    # one simulated week
    weekly_uploads: float = 0.6  # per curator (a fraction is a chance of one more)
    weekly_uploads_other: float = 0.4  # per user of the wider population
    weekly_likes: float = 6.0  # per curator, times its kind's volume
    weekly_reposts: float = 2.0
    weekly_likes_other: float = 2.0
    recency_boost: float = 4.0  # pick weight of a track uploaded in the last two weeks
    rerepost_chance: float = 0.1  # per curator and week: repost an older repost again
    # the simulated listener
    heard_share: float = 1.0
    dismiss_share: float = 0.5
    dismiss_playlist: str = "Not interested"

    def kind(self, name: str) -> CuratorKind:
        return {"kindred": self.kindred, "adjacent": self.adjacent, "noisy": self.noisy}[name]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def params_from(options: dict[str, Any] | None) -> TasteParams:
    """TasteParams from plain options: any field by name; `mix` as {"kindred": .., "adjacent": ..,
    "noisy": ..} or a triple; a kind as a dict of its fields."""
    options = dict(options or {})
    base = TasteParams()
    mix = options.pop("mix", None)
    if isinstance(mix, dict):
        unknown = set(mix) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown curator kind(s): {', '.join(sorted(unknown))}")
        options["mix"] = tuple(float(mix.get(k, 0.0)) for k in KINDS)
    elif mix is not None:
        options["mix"] = tuple(float(x) for x in mix)
    for name in KINDS:
        if isinstance(options.get(name), dict):
            options[name] = replace(base.kind(name), **options[name])
    if "listener_weights" in options:
        options["listener_weights"] = tuple(float(x) for x in options["listener_weights"])
    unknown = set(options) - set(TasteParams.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown taste parameter(s): {', '.join(sorted(unknown))}")
    params = replace(base, **options)
    if len(params.mix) != 3 or min(params.mix) < 0 or sum(params.mix) <= 0:
        raise ValueError("mix needs three non-negative shares (kindred, adjacent, noisy)")
    if params.styles < 3:
        raise ValueError("a taste world needs at least three styles")
    return params


@dataclass(frozen=True, slots=True)
class TrackTruth:
    """What a track really is: its dominant and neighbouring style, quality, popularity."""

    style: int
    neighbour: int
    quality: float
    popularity: float


@dataclass
class Taste:
    """The truth of a taste world: the model, every track's and user's hidden facts, the week."""

    params: TasteParams
    listener: list[float]
    bias: float = 0.0
    week: int = 0
    tracks: dict[str, TrackTruth] = field(default_factory=dict)
    tastes: dict[str, list[float]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # curator URN → kind
    listens: int = 0
    _listener_scorer: Callable[[str], float] | None = None

    # ---- the geometry --------------------------------------------------------------------
    def _track_norm(self) -> float:
        p, k = self.params, self.params.styles
        q = (1 - p.purity) * p.neighbour_share
        r = (1 - p.purity) * (1 - p.neighbour_share) / k
        return math.sqrt((p.purity + r) ** 2 + (q + r) ** 2 + (k - 2) * r * r)

    def affinity(self, taste: list[float], urn: str) -> float:
        """Cosine of a taste and a track's style vector (0..1)."""
        return self.scorer(taste)(urn)

    def scorer(self, taste: list[float]) -> Callable[[str], float]:
        """`affinity(taste, ·)` with the taste's parts computed once (for many tracks)."""
        p, tracks = self.params, self.tracks
        norm = math.sqrt(sum(x * x for x in taste)) * self._track_norm()
        if not norm:
            return lambda _urn: 0.0
        main = [p.purity * x / norm for x in taste]
        side = [(1 - p.purity) * p.neighbour_share * x / norm for x in taste]
        rest = (1 - p.purity) * (1 - p.neighbour_share) / p.styles * sum(taste) / norm

        def affinity(urn: str) -> float:
            t = tracks[urn]
            return main[t.style] + side[t.neighbour] + rest

        return affinity

    # ---- the listener --------------------------------------------------------------------
    def _logit(self, urn: str) -> float:
        p = self.params
        if self._listener_scorer is None:
            self._listener_scorer = self.scorer(self.listener)
        aff = self._listener_scorer(urn)
        return p.like_affinity * aff + p.like_quality * self.tracks[urn].quality

    def like_probability(self, urn: str) -> float:
        """The listener's true probability of liking the track on hearing it."""
        return _sigmoid(self.bias + self._logit(urn))

    def calibrate(self, urns: list[str]) -> float:
        """Solve `bias` so the mean like probability over `urns` is `like_share`; returns it."""
        logits = [self._logit(u) for u in urns]
        low, high = -30.0, 30.0
        for _ in range(60):
            mid = (low + high) / 2
            mean = sum(_sigmoid(mid + x) for x in logits) / max(1, len(logits))
            low, high = (mid, high) if mean < self.params.like_share else (low, mid)
        self.bias = (low + high) / 2
        return self.bias

    # ---- someone's picks -----------------------------------------------------------------
    def draw(
        self,
        user: str,
        kind: CuratorKind,
        pool: list[str],
        n: int,
        rng: random.Random,
        boost: dict[str, float] | None = None,
    ) -> list[str]:
        """Up to `n` distinct tracks of `pool`, each drawn with weight `popularity ** power *
        exp(affinity_weight * affinity + quality_weight * quality)` (times `boost`), without
        replacement (Efraimidis-Spirakis keys). Returns them strongest key first."""
        if n <= 0:
            return []
        affinity, tracks = self.scorer(self.tastes[user]), self.tracks
        power, boost = self.params.popularity_power, boost or {}
        keyed = []
        for urn in pool:
            t = tracks[urn]
            log_w = (
                power * math.log(t.popularity)
                + kind.affinity_weight * affinity(urn)
                + kind.quality_weight * t.quality
                + math.log(boost.get(urn, 1.0))
            )
            # the key u ** (1 / w) ranks like log(-log u) - log w, smaller first
            keyed.append((math.log(-math.log(rng.random() or 1e-300)) - log_w, urn))
        keyed.sort()
        return [u for _, u in keyed[:n]]

    # ---- what SoundCloud shows -----------------------------------------------------------
    def style_name(self, style: int) -> str:
        genres = vocab.GENRES
        return genres[style] if style < len(genres) else f"Style {style + 1}"

    def shown_genre(self, t: TrackTruth, rng: random.Random) -> str:
        p, roll = self.params, rng.random()
        if roll < p.genre_true:
            return self.style_name(t.style)
        if roll < p.genre_true + p.genre_neighbour:
            return self.style_name(t.neighbour)
        if roll < p.genre_true + p.genre_neighbour + p.genre_generic:
            return rng.choice(GENERIC_GENRES)
        return ""

    def shown_tags(self, t: TrackTruth, rng: random.Random) -> str:
        p = self.params
        words = rng.sample(vocab.TAGS, rng.randint(0, 2))
        if rng.random() < p.tag_true:
            words.append(self.style_name(t.style).lower())
        if rng.random() < p.tag_neighbour:
            words.append(self.style_name(t.neighbour).lower())
        return " ".join(f'"{w}"' if " " in w else w for w in words)

    # ---- the truth, as served ------------------------------------------------------------
    def track_truth(self, urn: str) -> dict[str, Any] | None:
        t = self.tracks.get(urn)
        if t is None:
            return None
        return {
            "p_like": round(self.like_probability(urn), 6),
            "style": self.style_name(t.style),
            "neighbour": self.style_name(t.neighbour),
            "quality": round(t.quality, 4),
            "popularity": round(t.popularity, 4),
            "affinity": round(self.affinity(self.listener, urn), 4),
        }

    def describe(self) -> dict[str, Any]:
        def named(taste: list[float]) -> dict[str, float]:
            return {self.style_name(i): round(x, 4) for i, x in enumerate(taste) if x > 1e-9}

        return {
            "params": self.params.as_dict(),
            "week": self.week,
            "bias": round(self.bias, 6),
            "listener": named(self.listener),
            "curators": {
                u: {"kind": k, "taste": named(self.tastes[u])} for u, k in self.kinds.items()
            },
            "population": {u: named(t) for u, t in self.tastes.items() if u not in self.kinds},
        }


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
