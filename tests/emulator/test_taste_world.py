"""The taste world: deterministic, calibrated to the listener, curators that pick by kind, weeks that
add activity, what SoundCloud shows derived with noise, and the truth kept out of the API."""

from __future__ import annotations

from statistics import mean

import pytest

from music_minion.emulator.taste import params_from
from music_minion.emulator.taste_world import advance, generate_taste
from music_minion.emulator.world import generate, resolve_size


def taste_world(seed, size, options):
    return generate_taste(seed, resolve_size(size), options)


def fingerprint(w):
    return (
        [(t.urn, t.genre, t.tag_list, t.playback_count) for t in w.tracks.values()],
        {u: list(v) for u, v in w.likes.items()},
        {u: list(v) for u, v in w.reposts.items()},
        dict(w.taste.kinds),
    )


def test_the_same_seed_gives_the_same_world_and_weeks():
    a, b = taste_world(5, "small", {}), taste_world(5, "small", {})
    assert fingerprint(a) == fingerprint(b)
    assert advance(a, a.taste, 2) == advance(b, b.taste, 2)
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(taste_world(6, "small", {})) != fingerprint(a)


def test_the_default_world_has_no_taste():
    assert generate(1, "tiny").taste is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_random_pool_is_liked_fifteen_to_twenty_five_percent(seed):
    w = taste_world(seed, "small", {})
    assert mean(w.taste.like_probability(u) for u in w.tracks) == pytest.approx(0.20, abs=1e-6)
    advance(w, w.taste, 4)  # new uploads keep the same model
    share = mean(w.taste.like_probability(u) for u in w.tracks)
    assert 0.15 <= share <= 0.25


def test_curators_are_mixed_by_shares_and_pick_by_kind():
    w = taste_world(2, "medium", {"mix": {"kindred": 0.3, "adjacent": 0.5, "noisy": 0.2}})
    t = w.taste
    kinds = list(t.kinds.values())
    assert (kinds.count("kindred"), kinds.count("adjacent"), kinds.count("noisy")) == (15, 25, 10)

    def hit(kind):
        return mean(
            t.like_probability(x) for u, k in t.kinds.items() if k == kind for x in w.likes[u]
        )

    pool = mean(t.like_probability(u) for u in w.tracks)
    assert hit("kindred") > 2.5 * pool
    assert abs(hit("noisy") - pool) < 0.06  # near random
    noisy = [u for u, k in t.kinds.items() if k == "noisy"]
    kindred = [u for u, k in t.kinds.items() if k == "kindred"]
    assert mean(len(w.likes[u]) for u in noisy) > 2 * mean(len(w.likes[u]) for u in kindred)
    # Uploads are in the uploader's own style, mostly.
    for urn in kindred[:3]:
        main = max(range(t.params.styles), key=lambda i: t.tastes[urn][i])
        styles = [t.tracks[x].style for x in w.uploads[urn]]
        assert styles.count(main) >= len(styles) / 2


def test_mixes_without_a_kind_and_unknown_parameters():
    w = taste_world(1, "small", {"mix": {"kindred": 1.0}})
    assert set(w.taste.kinds.values()) == {"kindred"}
    with pytest.raises(ValueError, match="unknown taste parameter"):
        params_from({"purity_typo": 1})
    with pytest.raises(ValueError, match="unknown curator kind"):
        params_from({"mix": {"noisey": 1}})


def test_shown_genre_follows_the_style_with_noise():
    w = taste_world(3, "medium", {})
    t = w.taste
    same = [w.tracks[u].genre == t.style_name(tr.style) for u, tr in t.tracks.items()]
    share = sum(same) / len(same)
    assert t.params.genre_true - 0.05 < share < t.params.genre_true + 0.05
    assert any(w.tracks[u].genre == "" for u in t.tracks)


def test_a_week_adds_uploads_picks_and_moves_the_clock():
    w = taste_world(4, "small", {})
    before = {u: list(w.likes[u]) for u in w.artist_urns}
    clock = w.clock
    out = advance(w, w.taste, 1)
    assert out["week"] == 1 and out["clock"] >= clock + 7 * 86400 - 3600
    assert out["uploads"] > 0 and out["likes"] > 0 and out["reposts"] > 0
    grew = [u for u in w.artist_urns if w.likes[u][len(w.likes[u]) - len(before[u]) :] == before[u]]
    assert len(grew) == len(w.artist_urns)  # new likes go to the front, the old keep their order
    new = [x for u in w.artist_urns for x in w.likes[u][: len(w.likes[u]) - len(before[u])]]
    assert any(w.tracks[x].created_at >= clock for x in new)  # this week's uploads get picked
    with pytest.raises(ValueError):
        advance(w, w.taste, 0)
