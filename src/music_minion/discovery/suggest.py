"""Curator suggestions, scored: who shares my taste, damped by how much they like in general and
by how few of my liked tracks they found before me.

Each account found in the favoriters or reposters of my recent likes (and in the related users of
my best curators) is scored like a cosine between its likes and mine: the tracks of mine it liked or
reposted (a related listing counts half), over the square root of how much it likes in all (plus
`curators.suggest_like_prior`, so a fresh account with two likes is not a hero). An account that
likes everything shares a lot of my likes and still scores low.

"Damped by how many of my liked tracks they would have found before me" is read as: a curator is
worth watching for what it would have surfaced to me, so a shared track it liked *before* me counts
in full, and one it liked only *after* me (it may have followed me, or just got there later) counts
`LATE`. SoundCloud gives no time of a like, but `/tracks/{urn}/favoriters` lists the latest like
first: whoever comes after me in that list liked the track before me. When I am not in the list
(a like by judgment only, or past the page cap), the order says nothing and the track counts in full.
"""

from __future__ import annotations

import math
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from music_minion.words import plural

# A fetched list of users: one dict per user (urn, username, permalink_url, likes, followers).
UserList = list[dict[str, Any]]

LATE = 0.5  # weight of a shared track the account liked only after me


@dataclass
class Suggestion:
    """One account worth watching, and why."""

    urn: str
    username: str
    link: str | None
    likes: int | None
    followers: int | None
    shared: list[str] = field(default_factory=list)  # titles of my liked tracks it picked
    related_to: int = 0  # how many of my best curators list it as related
    near: int = 0  # how many of the strongest first-pass suggestions list it as related
    ahead: int = 0  # shared tracks it liked before me
    behind: int = 0  # shared tracks it liked after me
    score: float = 0.0

    def why(self, window: int) -> str:
        """E.g. "liked 7 of your last 50 likes: A, B, C… · before you on 5 (after on 1) ·
        related to 2 of your curators"."""
        parts = []
        if self.shared:
            names = ", ".join(self.shared[:3]) + ("…" if len(self.shared) > 3 else "")
            parts.append(f"liked {len(self.shared)} of your last {plural(window, 'like')}: {names}")
        if self.ahead or self.behind:
            parts.append(f"before you on {self.ahead} (after on {self.behind})")
        if self.related_to:
            parts.append(f"related to {self.related_to} of your best curators")
        if self.near:
            parts.append(f"related to {self.near} of the top suggestions")
        return " · ".join(parts)

    def activity(self) -> str:
        likes = "?" if self.likes is None else f"{self.likes:,}"
        followers = "?" if self.followers is None else f"{self.followers:,}"
        return f"{likes} likes, {followers} followers"

    def as_dict(self, window: int) -> dict[str, Any]:
        return {
            "urn": self.urn,
            "artist": self.username,
            "link": self.link,
            "score": round(self.score, 6),
            "shared": len(self.shared),
            "shared_titles": self.shared,
            "related_to": self.related_to,
            "near": self.near,
            "ahead": self.ahead,
            "behind": self.behind,
            "likes": self.likes,
            "followers": self.followers,
            "why": self.why(window),
            "activity": self.activity(),
        }


def order_against(favoriters: UserList, me: str | None) -> tuple[set[str], set[str]]:
    """(liked before me, liked after me) from a track's favoriters, latest first; both empty when
    I am not among them."""
    urns = [u["urn"] for u in favoriters]
    if me is None or me not in urns:
        return set(), set()
    i = urns.index(me)
    return set(urns[i + 1 :]), set(urns[:i])


def rank(
    liked: Sequence[tuple[str, str | None]],
    picked_by: Mapping[str, UserList],
    related: Sequence[UserList],
    excluded: Container[str],
    prior: float,
    order: Mapping[str, tuple[set[str], set[str]]] | None = None,
    near: Sequence[UserList] = (),
) -> list[Suggestion]:
    """Suggestions best first: `picked_by` maps each of my liked tracks (urn) to the users who liked
    or reposted it; `related` holds the related users of my best curators; `order` maps a liked
    track to (who liked it before me, who after), from `order_against`; `near` holds the related
    users of the strongest suggestions of a first pass (the second hop)."""
    order = order or {}
    found: dict[str, Suggestion] = {}

    def entry(u: dict[str, Any]) -> Suggestion | None:
        if u["urn"] in excluded:
            return None
        if u["urn"] not in found:
            found[u["urn"]] = Suggestion(
                u["urn"], u.get("username") or u["urn"], u.get("permalink_url"),
                u.get("likes"), u.get("followers"),
            )  # fmt: skip
        return found[u["urn"]]

    for urn, title in liked:
        before, after = order.get(urn, (set(), set()))
        for u in picked_by.get(urn, ()):
            s = entry(u)
            if s is not None and (title or urn) not in s.shared:
                s.shared.append(title or urn)
                s.ahead += u["urn"] in before
                s.behind += u["urn"] in after
    for users in related:
        for u in users:
            if (s := entry(u)) is not None:
                s.related_to += 1
    for users in near:
        for u in users:
            if (s := entry(u)) is not None:
                s.near += 1
    for s in found.values():
        evidence = len(s.shared) - (1 - LATE) * s.behind + 0.5 * (s.related_to + s.near)
        activity = max(s.likes or 0, len(s.shared))
        s.score = evidence / math.sqrt(activity + prior)
    return sorted(found.values(), key=lambda s: (-s.score, -len(s.shared), s.urn))
