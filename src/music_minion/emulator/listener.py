"""The simulated listener of a taste world: hears the discovery playlist, likes, tidies up.

`listen(world, taste, playlist_urn)` plays the playlist in order (the first `heard_share` of it),
likes each heard track with the listener's true probability, through the same world state the
API's like endpoint writes (so the next sync learns it as a real like); of the rest, a share
`dismiss_share` goes to the front of the "Not interested" playlist (as a user tidying up would),
the others are ignored. Seeded by the world's seed and the number of listens: runs repeat exactly.
"""

from __future__ import annotations

import math
import random
from typing import Any

from music_minion.emulator.taste import Taste
from music_minion.emulator.world import World


def dismiss_playlist(world: World, title: str) -> str:
    """The listener's playlist of that title (created when missing)."""
    for urn in world.user_playlists[world.me_urn]:
        if world.playlists[urn].title == title:
            return urn
    return world.create_playlist(world.me_urn, title, []).urn


def listen(
    world: World,
    taste: Taste,
    playlist_urn: str,
    *,
    heard_share: float | None = None,
    dismiss_share: float | None = None,
) -> dict[str, Any]:
    """One listening session of the playlist; returns every heard track with its fate."""
    if playlist_urn not in world.playlists:
        raise KeyError(f"no playlist {playlist_urn}")
    p = taste.params
    heard_share = p.heard_share if heard_share is None else heard_share
    dismiss_share = p.dismiss_share if dismiss_share is None else dismiss_share
    if not (0 <= heard_share <= 1 and 0 <= dismiss_share <= 1):
        raise ValueError("heard_share and dismiss_share are shares in 0..1")
    taste.listens += 1
    rng = random.Random(f"listen:{world.seed}:{taste.listens}")
    tracks = [u for u in world.playlists[playlist_urn].tracks if world.track(u) is not None]
    heard = tracks[: math.ceil(len(tracks) * heard_share)]
    out: list[dict[str, Any]] = []
    dismissed: list[str] = []
    for urn in heard:
        p_like = taste.like_probability(urn) if urn in taste.tracks else 0.0
        if rng.random() < p_like:
            fate = "liked" if world.add_like(world.me_urn, urn) else "already_liked"
        elif rng.random() < dismiss_share:
            fate = "dismissed"
            dismissed.append(urn)
        else:
            fate = "ignored"
        out.append({"urn": urn, "p_like": round(p_like, 6), "fate": fate})
    if dismissed:
        target = world.playlists[dismiss_playlist(world, p.dismiss_playlist)]
        kept = [u for u in target.tracks if u not in set(dismissed)]
        world.update_playlist(target.urn, tracks=dismissed + kept)
    return {
        "listen": taste.listens,
        "week": taste.week,
        "playlist": playlist_urn,
        "heard": len(heard),
        "liked": sum(t["fate"] == "liked" for t in out),
        "dismissed": len(dismissed),
        "expected_precision": round(sum(t["p_like"] for t in out) / len(out), 6) if out else None,
        "tracks": out,
    }
