"""`/tracks/{urn}/favoriters` and `/tracks/{urn}/reposters`: paged, consistent with the world."""

from __future__ import annotations

from tests.emulator.helpers import http, walk


def test_favoriters_are_exactly_the_users_who_like_the_track(emu, token) -> None:
    w = emu.world
    t = w.likes[w.artist_urns[0]][0]
    users, pages = walk(emu, f"/tracks/{t}/favoriters", token, limit=1)
    urns = [u["urn"] for u in users]
    assert sorted(urns) == sorted(u for u, lk in w.likes.items() if t in lk)
    assert pages >= len(urns) and all(u["username"] for u in users)


def test_reposters_are_exactly_the_users_who_repost_the_track(emu, token) -> None:
    w = emu.world
    t = w.reposts[w.artist_urns[1]][0]
    users, _ = walk(emu, f"/tracks/{t}/reposters", token, limit=2)
    assert sorted(u["urn"] for u in users) == sorted(u for u, rp in w.reposts.items() if t in rp)


def test_unknown_track_is_404(emu, token) -> None:
    for path in ("favoriters", "reposters"):
        r = http(f"{emu.api_base}/tracks/soundcloud:tracks:1/{path}", token=token)
        assert r.status == 404
