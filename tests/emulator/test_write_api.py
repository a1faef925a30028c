"""Writes (playlists, likes), world mutation between syncs and the /_emulator/ introspection."""

from __future__ import annotations

import pytest

from music_minion.emulator.testing import start_emulator
from tests.emulator.helpers import http, login, walk


@pytest.fixture
def fresh():
    with start_emulator(seed=9, size="tiny") as e:
        yield e, login(e)["access_token"]


def test_playlist_lifecycle(fresh):
    emu, token = fresh
    w = emu.world
    tracks = w.likes[w.artist_urns[0]][:5]
    body = {
        "playlist": {
            "title": "Discoveries",
            "sharing": "private",
            "tracks": [{"urn": u} for u in tracks],
        }
    }
    r = http(f"{emu.api_base}/playlists", "POST", token=token, json_body=body)
    assert r.status == 201
    pl = r.json()
    assert (
        pl["title"] == "Discoveries"
        and pl["sharing"] == "private"
        and [t["urn"] for t in pl["tracks"]] == tracks
    )
    urn = pl["urn"]
    assert urn in w.user_playlists[w.me_urn]
    got = http(f"{emu.api_base}/playlists/{urn}", token=token).json()
    assert [t["urn"] for t in got["tracks"]] == tracks
    # PUT replaces the whole list
    new = w.likes[w.artist_urns[1]][:3]
    r = http(
        f"{emu.api_base}/playlists/{urn}",
        "PUT",
        token=token,
        json_body={"playlist": {"tracks": [{"urn": u} for u in new]}},
    )
    assert (
        r.status == 200
        and [t["urn"] for t in r.json()["tracks"]] == new
        and r.json()["title"] == "Discoveries"
    )
    items, _ = walk(
        emu, f"/playlists/{urn}/tracks", token, limit=2, access="playable,preview,blocked"
    )
    assert [t["urn"] for t in items] == new
    mine, _ = walk(emu, "/me/playlists", token)
    assert urn in [p["urn"] for p in mine]
    assert http(f"{emu.api_base}/playlists/{urn}", "DELETE", token=token).status == 200
    assert http(f"{emu.api_base}/playlists/{urn}", token=token).status == 404
    assert urn not in w.playlists


def test_playlist_cap_and_bad_bodies(fresh):
    emu, token = fresh
    w = emu.world
    urn = next(p for p in w.user_playlists[w.me_urn] if w.playlists[p].title == "Not quite")
    before = list(w.playlists[urn].tracks)
    version = w.version
    many = [{"urn": f"soundcloud:tracks:{n}"} for n in range(501)]
    r = http(
        f"{emu.api_base}/playlists/{urn}",
        "PUT",
        token=token,
        json_body={"playlist": {"tracks": many}},
    )
    assert r.status == 422 and r.json()["code"] == 422
    for bad in (
        {"playlist": {"tracks": [{"id": 1}]}},
        {"playlist": {"tracks": [{"urn": "spotify:x"}]}},
        {"playlist": {"sharing": "friends"}},
    ):
        assert (
            http(f"{emu.api_base}/playlists/{urn}", "PUT", token=token, json_body=bad).status == 422
        )
    assert (
        http(f"{emu.api_base}/playlists/{urn}", "PUT", token=token, json_body=["x"]).status == 400
    )
    assert (
        http(
            f"{emu.api_base}/playlists", "POST", token=token, json_body={"playlist": {"title": " "}}
        ).status
        == 422
    )
    assert w.playlists[urn].tracks == before and w.version == version
    # exactly 500 is fine; unknown track URNs are dropped like SoundCloud does
    pool = (list(w.tracks) * 8)[:499]
    r = http(
        f"{emu.api_base}/playlists/{urn}",
        "PUT",
        token=token,
        json_body={
            "playlist": {"tracks": [{"urn": u} for u in pool] + [{"urn": "soundcloud:tracks:7"}]}
        },
    )
    assert r.status == 200 and r.json()["track_count"] == 499 and w.playlists[urn].tracks == pool


def test_likes_post_delete(fresh):
    emu, token = fresh
    w = emu.world
    track = next(u for u in w.tracks if u not in w.likes[w.me_urn])
    count = w.tracks[track].favoritings_count
    assert http(f"{emu.api_base}/likes/tracks/{track}", "POST", token=token).json() == {
        "status": "200 - OK"
    }
    assert w.likes[w.me_urn][0] == track and w.tracks[track].favoritings_count == count + 1
    likes, _ = walk(emu, "/me/likes/tracks", token, limit=50)
    assert likes[0]["urn"] == track and likes[0]["favoritings_count"] == count + 1
    assert http(f"{emu.api_base}/likes/tracks/{track}", "DELETE", token=token).status == 200
    assert track not in w.likes[w.me_urn]
    assert (
        http(f"{emu.api_base}/likes/tracks/soundcloud:tracks:1", "POST", token=token).status == 404
    )


def test_mutation_between_syncs_shows_up_exactly(fresh):
    emu, token = fresh
    artist = emu.world.artist_urns[0]
    path = f"/users/{artist}/likes/tracks"
    before, _ = walk(emu, path, token, limit=50, access="playable,preview,blocked")
    change = emu.mutate(likes=2, artists=[artist])
    after, _ = walk(emu, path, token, limit=50, access="playable,preview,blocked")
    new = [c["track"] for c in change["likes"]]
    assert [t["urn"] for t in after] == new[::-1] + [t["urn"] for t in before]
    gone = emu.mutate(delete=1)["deleted"][0]
    assert http(f"{emu.api_base}/tracks/{gone}", token=token).status == 404
    for a in emu.world.artist_urns:
        items, _ = walk(emu, f"/users/{a}/likes/tracks", token, limit=50)
        assert gone not in [t["urn"] for t in items]


def test_cursor_survives_new_items_prepended(fresh):
    emu, token = fresh
    artist = emu.world.artist_urns[2]
    path = f"/users/{artist}/likes/tracks?linked_partitioning=true&limit=4&access=playable,preview,blocked"
    first = http(emu.api_base + path, token=token).json()
    emu.mutate(likes=3, artists=[artist])
    rest, url = [], first["next_href"]
    while url:
        body = http(url, token=token).json()
        rest += [t["urn"] for t in body["collection"]]
        url = body.get("next_href")
    original = emu.world.likes[artist][3:]
    assert [t["urn"] for t in first["collection"]] + rest == original


def test_introspection_endpoints(fresh):
    emu, token = fresh
    base = emu.api_base + "/_emulator"
    world = http(base + "/world").json()
    assert world["me"] == emu.user_urn and world["artists"] == emu.world.artist_urns
    assert "Not interested" in world["playlists"].values()
    artist = emu.world.artist_urns[0]
    assert http(f"{base}/users/{artist}/likes").json()["urns"] == emu.world.likes[artist]
    http(base + "/stats/reset", "POST")
    http(f"{emu.api_base}/users/{artist}", token=token)
    http(f"{emu.api_base}/users/{artist}/likes/tracks", token=token)
    http(f"{emu.api_base}/users/{artist}/likes/tracks", token=token)
    http(f"{emu.api_base}/users/soundcloud:users:1", token=token)
    stats = http(base + "/stats").json()
    assert stats == emu.stats()
    assert stats["total"] == 4
    assert stats["by_endpoint"] == {
        "GET /users/{urn}": {"200": 1, "404": 1},
        "GET /users/{urn}/likes/tracks": {"200": 2},
    }
    changed = http(base + "/mutate", "POST", json_body={"uploads": 1}).json()
    assert changed["uploads"][0]["track"] == emu.world.uploads[changed["uploads"][0]["artist"]][0]
    assert http(base + "/mutate", "POST", json_body={"explode": 1}).status == 400
    r = http(base + "/faults", "PUT", json_body={"spec": "rate=0.5,seed=3,kinds=500", "rate": 100})
    assert r.json()["faults"]["kinds"] == ["500"] and r.json()["rate"] == 100
    assert http(base + "/faults", "PUT", json_body={"spec": "rate=7"}).status == 400
    http(base + "/faults", "PUT", json_body={"spec": None, "rate": None})
    assert http(base + "/faults").json() == {
        "faults": http(base + "/faults").json()["faults"],
        "rate": None,
    }
    assert http(base + "/tokens/expire", "POST").json()["expired"] >= 1
    assert http(f"{emu.api_base}/me", token=token).status == 401
