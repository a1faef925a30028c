"""The rankings `bench_quality` compares the product's with, on one candidate set.

Each candidate carries its watched supporters (artist id, kind, first seen, position) read from the
store, so every rule sees exactly what the product saw:

- `oracle`: the best N by the true like probability (the ceiling);
- `random`: the expected precision of N drawn at random = the mean over all candidates;
- `count_only`: most distinct supporters first (the seed tool's rule), then most recent;
- `waterfall`: the earlier prototype's slot caps per supporter by hit rate (unrated 3, > 40 % 8,
  20-40 % 4, 5-20 % 2, < 5 % 1), most recent first; a track takes a slot when one of its
  supporters (the most recent first) has a slot left. When every cap is spent the playlist stays
  short, as the prototype's did.

"Most recent" is the latest first-seen time of a track's support, then the smallest position in
that supporter's list (position 0 is the newest item), then the newest track id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Support:
    artist_id: int
    kind: str
    first_seen_at: str
    position: int


@dataclass(frozen=True)
class Candidate:
    track_id: int
    urn: str
    supports: tuple[Support, ...]

    def recency(self) -> tuple[str, int, int]:
        """A key that sorts the most recently surfaced candidate last (sort with reverse=True)."""
        best = max((s.first_seen_at, -s.position) for s in self.supports)
        return best[0], best[1], self.track_id

    def supporters(self) -> set[int]:
        return {s.artist_id for s in self.supports}


def mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


def precision(chosen: Sequence[Candidate], p: dict[str, float]) -> float | None:
    """Expected precision: the mean true like probability of the chosen tracks."""
    return mean(p.get(c.urn, 0.0) for c in chosen)


def oracle(cands: Sequence[Candidate], p: dict[str, float], n: int) -> list[Candidate]:
    return sorted(cands, key=lambda c: (-p.get(c.urn, 0.0), c.track_id))[:n]


def count_only(cands: Sequence[Candidate], n: int) -> list[Candidate]:
    return sorted(cands, key=lambda c: (len(c.supporters()), c.recency()), reverse=True)[:n]


def cap_for(liked: int, dismissed: int) -> int:
    """The prototype's slots per supporter by its hit rate (liked / judged)."""
    judged = liked + dismissed
    if judged == 0:
        return 3
    rate = liked / judged
    return 8 if rate > 0.4 else 4 if rate >= 0.2 else 2 if rate >= 0.05 else 1


def waterfall(
    cands: Sequence[Candidate], hits: dict[int, tuple[int, int]], n: int
) -> list[Candidate]:
    """Slot caps per supporter by hit rate (`hits`: artist id → (liked, dismissed)), recency first."""
    left: dict[int, int] = {}
    chosen: list[Candidate] = []
    for c in sorted(cands, key=Candidate.recency, reverse=True):
        for s in sorted(c.supports, key=lambda s: (s.first_seen_at, -s.position), reverse=True):
            cap = left.setdefault(s.artist_id, cap_for(*hits.get(s.artist_id, (0, 0))))
            if cap > 0:
                left[s.artist_id] = cap - 1
                chosen.append(c)
                break
        if len(chosen) >= n:
            break
    return chosen


def noisy_share(chosen: Sequence[Candidate], noisy: set[int]) -> float | None:
    """The share of slots the noisy curators took: tracks that only noisy curators surfaced (no
    other watched curator vouches for them), as the noisy account that once filled 31 of 100 slots."""
    if not chosen:
        return None
    taken = sum(1 for c in chosen if (who := c.supporters()) and who <= noisy)
    return taken / len(chosen)


def noisy_presence(chosen: Sequence[Candidate], noisy: set[int]) -> float | None:
    """Noisy curators' part of the slots when each slot is split evenly among its supporters (a
    noisy account that also reposted a good track takes part of its slot)."""
    if not chosen:
        return None
    taken = 0.0
    for c in chosen:
        who = c.supporters()
        taken += len(who & noisy) / len(who) if who else 0.0
    return taken / len(chosen)
