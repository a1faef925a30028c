"""The seeded world: deterministic, realistic, sized, and changeable between syncs."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from music_minion.emulator.world import SIZES, generate, resolve_size


def snapshot(w):
    return (
        [(t.urn, t.title, t.duration_ms, t.access, t.created_at) for t in w.tracks.values()],
        w.likes,
        w.reposts,
        w.uploads,
        [(p.urn, p.title, p.tracks) for p in w.playlists.values()],
    )


def test_same_seed_same_world_other_seed_other_world():
    assert snapshot(generate(5, "small")) == snapshot(generate(5, "small"))
    assert snapshot(generate(5, "small")) != snapshot(generate(6, "small"))


def test_tiny_world_has_what_tests_need():
    w = generate(1, "tiny")
    size = SIZES["tiny"]
    assert len(w.artist_urns) == size.artists
    assert w.followings[w.me_urn] == w.artist_urns
    for a in w.artist_urns:
        assert len(w.likes[a]) == size.likes_per_artist
        assert len(w.uploads[a]) == size.uploads_per_artist
        # uploads newest first, and nobody likes their own uploads
        times = [w.tracks[u].created_at for u in w.uploads[a]]
        assert times == sorted(times, reverse=True)
        assert not set(w.likes[a]) & set(w.uploads[a])
    assert any(w.tracks[u].access == "blocked" for u in w.likes[w.artist_urns[0]])
    titles = {p.title for p in w.playlists.values() if p.user_urn == w.me_urn}
    assert {"Not interested", "Not quite"} <= titles
    for p in w.playlists.values():
        if p.title.startswith("Not"):
            assert len(p.tracks) == size.judgment_playlist_tracks
    assert all(u.startswith("soundcloud:tracks:") for u in w.tracks)


def test_small_world_is_realistic():
    w = generate(2, "small")
    titles = [t.title for t in w.tracks.values()]
    assert (
        any("feat." in t for t in titles)
        and any("Remix" in t for t in titles)
        and any("Extended Mix" in t for t in titles)
    )
    assert any(t.duration_ms > 10 * 60_000 for t in w.tracks.values())
    assert {t.access for t in w.tracks.values()} == {"playable", "preview", "blocked"}
    # overlaps: some tracks are liked or reposted by several watched artists (power-law popularity)
    support = Counter(u for a in w.artist_urns for u in set(w.likes[a]) | set(w.reposts[a]))
    assert max(support.values()) >= 3
    assert sum(1 for n in support.values() if n == 1) > len(support) / 3


def test_explicit_sizes_and_bad_sizes():
    w = generate(1, "tiny", artists=2, likes_per_artist=7)
    assert len(w.artist_urns) == 2 and all(len(w.likes[a]) == 7 for a in w.artist_urns)
    with pytest.raises(ValueError, match="unknown world size"):
        resolve_size("huge")
    with pytest.raises(ValueError, match="unknown world size field"):
        resolve_size("tiny", artistz=3)
    with pytest.raises(ValueError):
        resolve_size("tiny", artists=0)


def test_medium_world_builds_fast():
    t0 = time.process_time()
    w = generate(1, "medium")
    assert time.process_time() - t0 < 2
    assert len(w.artist_urns) == 50 and all(len(w.likes[a]) == 300 for a in w.artist_urns)


@pytest.mark.slow
def test_large_world_builds_in_seconds():
    t0 = time.process_time()  # CPU time: other processes on the machine do not count
    w = generate(1, "large")
    assert time.process_time() - t0 < 5
    assert len(w.artist_urns) == 200 and all(len(w.likes[a]) == 1000 for a in w.artist_urns)


def test_mutate_is_exact_and_deterministic():
    a, b = generate(4, "tiny"), generate(4, "tiny")
    before = {x: list(a.likes[x]) for x in a.artist_urns}
    ra = a.mutate(likes=3, reposts=2, uploads=1, delete=1)
    rb = b.mutate(likes=3, reposts=2, uploads=1, delete=1)
    assert ra == rb and a.version == b.version > 0
    for change in ra["likes"]:
        assert (
            a.likes[change["artist"]][0] == change["track"]
            or change["track"] in a.likes[change["artist"]][:3]
        )
        assert change["track"] not in before[change["artist"]]
    up = ra["uploads"][0]
    assert a.uploads[up["artist"]][0] == up["track"]
    assert a.tracks[up["track"]].created_at > max(
        t.created_at for u, t in a.tracks.items() if u != up["track"]
    )
    gone = ra["deleted"][0]
    assert a.track(gone) is None
    assert all(gone not in a.list_for("likes", x) for x in a.artist_urns)
