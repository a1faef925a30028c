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


def test_favoriters_list_the_latest_like_first() -> None:
    from music_minion.emulator.testing import start_emulator
    from tests.emulator.helpers import login

    with start_emulator(seed=4, size="tiny") as emu:
        token = login(emu)["access_token"]
        w = emu.world
        t = w.likes[w.artist_urns[0]][0]
        before = [u["urn"] for u in walk(emu, f"/tracks/{t}/favoriters", token, limit=2)[0]]
        times = [w.liked_at[u, t] for u in before]
        assert times == sorted(times, reverse=True)  # dated at generation, latest first
        assert http(f"{emu.api_base}/likes/tracks/{t}", "POST", token=token).status == 200
        late = w.artist_urns[-1]
        assert t not in w.likes[late] and emu.call(w.add_like, late, t)
        after = [u["urn"] for u in walk(emu, f"/tracks/{t}/favoriters", token, limit=2)[0]]
        assert after == [late, w.me_urn, *before]


def test_reposting_again_moves_the_reposter_first() -> None:
    from music_minion.emulator.testing import start_emulator
    from tests.emulator.helpers import login

    with start_emulator(seed=4, size="tiny") as emu:
        token = login(emu)["access_token"]
        w = emu.world
        t = next(t for t in w.tracks if len(w.reposters(t)) >= 2)
        last = w.reposters(t)[-1]
        emu.call(w.repost_again, last, t)
        users, _ = walk(emu, f"/tracks/{t}/reposters", token, limit=1)
        assert users[0]["urn"] == last
