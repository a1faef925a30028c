"""A world with taste: built from the model in `taste`, and advanced a simulated week at a time.

`generate_taste(seed, size, options)` builds it deterministically: the listener, the curators
(watched artists, kinds mixed by `mix`), the wider population, every upload in its uploader's style,
every curator's and user's likes and reposts drawn by taste, the listener's own likes (drawn by
their like probability), an empty "Not interested" playlist. `advance(world, weeks)` moves the
clock a week at a time: new uploads, new likes and reposts by every curator and user following its
taste (recent uploads drawn more), and now and then an older repost reposted again.
"""

from __future__ import annotations

import random
from typing import Any

from music_minion.emulator import vocab
from music_minion.emulator import world as base
from music_minion.emulator.taste import (
    KINDS,
    CuratorKind,
    Taste,
    TasteParams,
    TrackTruth,
    params_from,
)
from music_minion.emulator.world import World, WorldSize

WEEK_S = 7 * 86400
RECENT_S = 2 * WEEK_S


def generate_taste(seed: int, size: WorldSize, options: dict[str, Any] | None = None) -> World:
    """The taste world for (seed, size, options: the model's parameters by name, {} for the
    defaults); the same inputs give the same world. The emulator builds it with `taste=`."""
    params = params_from(options)
    rng = random.Random(f"taste:{seed}")
    w = World(seed=seed, size=size)
    w._rng = random.Random(seed * 7919 + 17)
    taste = Taste(params, _listener_taste(params, rng))
    me = w._add_user(f"{rng.choice(vocab.FIRST)} Listener", rng)
    w.me_urn = me.urn
    names = base._artist_names(rng, size.artists + size.other_uploaders)
    curators = [w._add_user(n, rng).urn for n in names[: size.artists]]
    others = [w._add_user(n, rng).urn for n in names[size.artists :]]
    w.artist_urns = curators
    w.followings[me.urn] = list(curators)
    for urn, kind in zip(curators, _kinds(params.mix, len(curators), rng), strict=True):
        taste.kinds[urn] = kind
        taste.tastes[urn] = _curator_taste(params, taste.listener, params.kind(kind), rng)
    for urn in others:
        taste.tastes[urn] = _population_taste(params, taste.listener, rng)
    w.taste = taste
    span = 3 * 365 * 86400
    for urn, n in [(u, size.uploads_per_artist) for u in curators] + [
        (u, size.uploads_per_other) for u in others
    ]:
        times = sorted((base.EPOCH - rng.randint(3600, span) for _ in range(n)), reverse=True)
        w.uploads[urn] = [_upload(w, taste, urn, rng, t) for t in times]
    taste.calibrate(list(w.tracks))
    _starting_picks(w, taste, size, rng)
    w.date_picks(random.Random(f"taste:{seed}:dates"))
    return w


def _starting_picks(w: World, taste: Taste, size: WorldSize, rng: random.Random) -> None:
    """Every curator's and user's likes and reposts, the listener's likes, the counts they make."""
    params = taste.params
    pool = list(w.tracks)
    for urn, kind_name in taste.kinds.items():
        kind = params.kind(kind_name)
        mine = [u for u in pool if w.tracks[u].user_urn != urn]
        picks = taste.draw(urn, kind, mine, round(size.likes_per_artist * kind.volume), rng)
        w.likes[urn] = picks
        reposts = taste.draw(urn, kind, mine, round(size.reposts_per_artist * kind.volume), rng)
        w.reposts[urn] = reposts
    people = [u for u in taste.tastes if u not in taste.kinds]
    for urn in people:
        sample = rng.sample(pool, min(len(pool), params.population_likes * 8))
        w.likes[urn] = taste.draw(
            urn, _population_kind(params), sample, params.population_likes, rng
        )
    w.likes[w.me_urn] = _listener_history(taste, pool, size.me_likes, rng)
    for lists, counter in ((w.likes, "favoritings_count"), (w.reposts, "reposts_count")):
        for urns in lists.values():
            for u in urns:
                track = w.tracks[u]
                setattr(track, counter, getattr(track, counter) + 1)
    w._new_playlist(w.me_urn, params.dismiss_playlist, [], "private", base.EPOCH - 86400 * 20)


def _listener_history(taste: Taste, pool: list[str], n: int, rng: random.Random) -> list[str]:
    """The listener's likes before the story starts: drawn by like probability and popularity."""
    keyed = []
    for urn in pool:
        w = (
            taste.like_probability(urn)
            * taste.tracks[urn].popularity ** taste.params.popularity_power
        )
        keyed.append((rng.random() ** (1.0 / w), urn))
    keyed.sort(reverse=True)
    return [u for _, u in keyed[:n]]


def _upload(w: World, taste: Taste, user: str, rng: random.Random, created_at: int) -> str:
    """A new track by `user` in its style (mostly), with its truth and what SoundCloud shows."""
    params = taste.params
    k = params.styles
    own = max(range(k), key=lambda i: (taste.tastes.get(user, taste.listener)[i], -i))
    style = own if rng.random() < params.own_style_uploads else rng.randrange(k)
    truth = _truth(params, style, rng)
    track = w._new_track(w.users[user], rng, created_at)
    taste.tracks[track.urn] = truth
    track.genre = taste.shown_genre(truth, rng)
    track.tag_list = taste.shown_tags(truth, rng)
    track.playback_count = int(truth.popularity * 200 * (0.5 + truth.quality))
    return track.urn


def _truth(params: TasteParams, style: int, rng: random.Random) -> TrackTruth:
    k = params.styles
    neighbour = (style + rng.choice((-1, 1))) % k
    quality = rng.betavariate(params.quality_alpha, params.quality_beta)
    return TrackTruth(style, neighbour, quality, rng.paretovariate(params.popularity_shape))


def _kinds(mix: tuple[float, float, float], n: int, rng: random.Random) -> list[str]:
    """`n` kinds in the shares of `mix` (largest remainder), in a seeded order."""
    total = sum(mix)
    exact = [n * s / total for s in mix]
    counts = [int(x) for x in exact]
    by_rest = sorted(range(3), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in by_rest[: n - sum(counts)]:
        counts[i] += 1
    kinds = [k for k, c in zip(KINDS, counts, strict=True) for _ in range(c)]
    rng.shuffle(kinds)
    return kinds


def _listener_taste(params: TasteParams, rng: random.Random) -> list[float]:
    k = params.styles
    main = rng.randrange(k)
    chosen = [main]
    while len(chosen) < min(len(params.listener_weights), k):
        near = (chosen[-1] + rng.choice((-1, 1))) % k
        style = near if rng.random() < 0.5 and near not in chosen else rng.randrange(k)
        if style not in chosen:
            chosen.append(style)
    taste = [0.0] * k
    for style, weight in zip(chosen, params.listener_weights, strict=False):
        taste[style] = weight
    return _normalised(taste)


def _curator_taste(
    params: TasteParams, listener: list[float], kind: CuratorKind, rng: random.Random
) -> list[float]:
    """`kin` of the listener's taste, the rest on a style of its own (outside the listener's for
    a curator of little kin; noisy curators: random over all styles)."""
    k = params.styles
    if kind.kin <= 0:
        return _normalised([rng.random() for _ in range(k)])
    liked = {i for i, x in enumerate(listener) if x > 0}
    others = [i for i in range(k) if i not in liked] if kind.kin < 0.5 else list(range(k))
    own = [0.0] * k
    own[rng.choice(others or list(range(k)))] = 1.0
    return _normalised(
        [kind.kin * a + (1 - kind.kin) * b for a, b in zip(listener, own, strict=True)]
    )


def _population_taste(
    params: TasteParams, listener: list[float], rng: random.Random
) -> list[float]:
    k = params.styles
    if rng.random() < params.population_kindred:
        return _curator_taste(params, listener, params.kindred, rng)
    taste = [0.0] * k
    for style in rng.sample(range(k), rng.choice((1, 2))):
        taste[style] = rng.uniform(0.4, 1.0)
    return _normalised(taste)


def _population_kind(params: TasteParams) -> CuratorKind:
    return CuratorKind(kin=0.0, affinity_weight=5.0, quality_weight=3.0, volume=1.0)


def _normalised(v: list[float]) -> list[float]:
    total = sum(v)
    return [x / total for x in v] if total else v


def advance(w: World, taste: Taste, weeks: int = 1) -> dict[str, Any]:
    """Move the world `weeks` simulated weeks on; returns what happened and the new clock."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    out = {"uploads": 0, "likes": 0, "reposts": 0, "rereposts": 0}
    for _ in range(weeks):
        taste.week += 1
        w.clock = max(w.clock, base.EPOCH + taste.week * WEEK_S)
        rng = random.Random(f"taste:{w.seed}:week:{taste.week}")
        _new_uploads(w, taste, rng, out)
        _new_picks(w, taste, rng, out)
    return {**out, "week": taste.week, "clock": w.clock, "version": w.version}


def _count(rate: float, rng: random.Random) -> int:
    """`rate` as a whole count: its integer part plus one more with the fraction's chance."""
    whole = int(rate)
    return whole + (1 if rng.random() < rate - whole else 0)


def _new_uploads(w: World, taste: Taste, rng: random.Random, out: dict[str, int]) -> None:
    p = taste.params
    for user in taste.tastes:
        rate = p.weekly_uploads if user in taste.kinds else p.weekly_uploads_other
        for _ in range(_count(rate, rng)):
            w._touch()
            w.uploads[user].insert(0, _upload(w, taste, user, rng, w.clock))
            out["uploads"] += 1


def _new_picks(w: World, taste: Taste, rng: random.Random, out: dict[str, int]) -> None:
    """This week's likes and reposts of curators and people; recent uploads are drawn more."""
    p = taste.params
    live = [u for u in w.tracks if u not in w.deleted]
    boost = {u: p.recency_boost for u in live if w.tracks[u].created_at >= w.clock - RECENT_S}
    for user, kind_name in taste.kinds.items():
        kind = p.kind(kind_name)
        for lists, rate, add, key in (
            (w.likes, p.weekly_likes, w.add_like, "likes"),
            (w.reposts, p.weekly_reposts, w.add_repost, "reposts"),
        ):
            have = set(lists[user])
            pool = [u for u in live if u not in have and w.tracks[u].user_urn != user]
            for urn in reversed(
                taste.draw(user, kind, pool, _count(rate * kind.volume, rng), rng, boost)
            ):
                out[key] += add(user, urn)
        older = w.reposts[user][3:]
        if older and rng.random() < p.rerepost_chance:
            w.repost_again(user, rng.choice(older))
            out["rereposts"] += 1
    people = _population_kind(p)
    fresh = list(boost)
    for user in taste.tastes:
        if user in taste.kinds:
            continue
        have = set(w.likes[user])
        sample = [u for u in fresh + rng.sample(live, min(len(live), 200)) if u not in have]
        n = _count(p.weekly_likes_other, rng)
        for urn in reversed(taste.draw(user, people, list(dict.fromkeys(sample)), n, rng, boost)):
            out["likes"] += w.add_like(user, urn)
