"""Read endpoints and pagination, checked against the world they serve."""

from __future__ import annotations

import urllib.parse

import pytest

from tests.emulator.helpers import http, walk


def visible(emu, urns, access=("playable", "preview")):
    return [
        u for u in urns if emu.world.track(u) is not None and emu.world.tracks[u].access in access
    ]


@pytest.mark.parametrize(
    "kind,path", [("likes", "likes/tracks"), ("reposts", "reposts/tracks"), ("uploads", "tracks")]
)
@pytest.mark.parametrize("limit", [1, 2, 5, 200])
def test_artist_lists_page_through_in_order(emu, token, kind, path, limit):
    artist = emu.world.artist_urns[0]
    items, pages = walk(emu, f"/users/{artist}/{path}", token, limit=limit)
    expected = visible(emu, getattr(emu.world, kind)[artist])
    assert [t["urn"] for t in items] == expected
    assert pages == max(1, -(-len(expected) // limit))


def test_blocked_tracks_only_when_asked(emu, token):
    artist = emu.world.artist_urns[0]
    all_likes = emu.world.likes[artist]
    blocked = [u for u in all_likes if emu.world.tracks[u].access == "blocked"]
    assert blocked
    items, _ = walk(
        emu, f"/users/{artist}/likes/tracks", token, limit=50, access="playable,preview,blocked"
    )
    assert [t["urn"] for t in items] == all_likes
    items, _ = walk(emu, f"/users/{artist}/likes/tracks", token, limit=50, access="blocked")
    assert [t["urn"] for t in items] == blocked
    bad = http(f"{emu.api_base}/users/{artist}/likes/tracks?access=nope", token=token)
    assert bad.status == 400


def test_me_lists(emu, token):
    w = emu.world
    likes, _ = walk(emu, "/me/likes/tracks", token)
    assert [t["urn"] for t in likes] == w.likes[
        w.me_urn
    ]  # this endpoint defaults to every access level
    users, _ = walk(emu, "/me/followings", token, limit=2)
    assert [u["urn"] for u in users] == w.artist_urns
    playlists, _ = walk(emu, "/me/playlists", token, limit=1)
    titles = [p["title"] for p in playlists]
    assert {"Not interested", "Not quite"} <= set(titles)
    ni = next(p for p in playlists if p["title"] == "Not interested")
    assert [t["urn"] for t in ni["tracks"]] == w.playlists[ni["urn"]].tracks
    assert ni["track_count"] == len(ni["tracks"])
    bare = http(f"{emu.api_base}/me/playlists?show_tracks=false", token=token).json()
    assert isinstance(bare, list) and "tracks" not in bare[0]


def test_without_linked_partitioning_a_bare_array(emu, token):
    artist = emu.world.artist_urns[1]
    r = http(f"{emu.api_base}/users/{artist}/likes/tracks?limit=3", token=token)
    body = r.json()
    assert (
        isinstance(body, list)
        and [t["urn"] for t in body] == visible(emu, emu.world.likes[artist])[:3]
    )
    r = http(f"{emu.api_base}/users/{artist}/likes/tracks", token=token)
    assert len(r.json()) == min(50, len(visible(emu, emu.world.likes[artist])))
    assert r.headers["Content-Type"] == "application/json; charset=utf-8"


def test_next_href_keeps_query_and_is_opaque(emu, token):
    artist = emu.world.artist_urns[0]
    r = http(
        f"{emu.api_base}/users/{artist}/likes/tracks?linked_partitioning=true&limit=2&access=playable",
        token=token,
    )
    nxt = r.json()["next_href"]
    parts = urllib.parse.urlsplit(nxt)
    q = dict(urllib.parse.parse_qsl(parts.query))
    assert nxt.startswith(f"{emu.api_base}/users/{artist}/likes/tracks?")
    assert (
        q["limit"] == "2"
        and q["linked_partitioning"] == "true"
        and q["access"] == "playable"
        and q["cursor"]
    )
    assert not q["cursor"].isdigit()
    assert (
        http(
            f"{emu.api_base}/users/{artist}/likes/tracks?linked_partitioning=true&cursor=garbage",
            token=token,
        ).status
        == 400
    )


@pytest.mark.parametrize("limit", ["0", "201", "x"])
def test_limit_bounds(emu, token, limit):
    artist = emu.world.artist_urns[0]
    r = http(
        f"{emu.api_base}/users/{artist}/likes/tracks?linked_partitioning=true&limit={limit}",
        token=token,
    )
    assert r.status == 400 and r.json()["code"] == 400


def test_single_objects_and_404(emu, token):
    w = emu.world
    artist = w.artist_urns[0]
    user = http(f"{emu.api_base}/users/{artist}", token=token).json()
    assert (
        user["urn"] == artist
        and user["username"] == w.users[artist].username
        and user["kind"] == "user"
    )
    t_urn = w.likes[artist][0]
    track = http(f"{emu.api_base}/tracks/{t_urn}", token=token).json()
    t = w.tracks[t_urn]
    assert (track["urn"], track["title"], track["duration"], track["user"]["urn"]) == (
        t_urn,
        t.title,
        t.duration_ms,
        t.user_urn,
    )
    assert track["created_at"].endswith(" +0000") and track["created_at"][4] == "/"
    for path in (
        "/users/soundcloud:users:1",
        "/tracks/soundcloud:tracks:1",
        "/playlists/soundcloud:playlists:1",
        "/users/soundcloud:users:1/likes/tracks",
    ):
        r = http(f"{emu.api_base}{path}", token=token)
        assert r.status == 404 and set(r.json()) >= {"code", "message", "link"}


def test_tracks_by_urns_and_search(emu, token):
    w = emu.world
    some = w.likes[w.artist_urns[0]][:4] + ["soundcloud:tracks:1"]
    r = http(f"{emu.api_base}/tracks?urns={','.join(some)}", token=token)
    assert [t["urn"] for t in r.json()] == visible(emu, some)
    r = http(f"{emu.api_base}/tracks?urns={','.join(some)}&linked_partitioning=true", token=token)
    assert [t["urn"] for t in r.json()["collection"]] == visible(emu, some)
    assert http(f"{emu.api_base}/tracks?ids=1,2", token=token).status == 400
    word = w.tracks[some[0]].title.split()[0]
    found, _ = walk(emu, "/tracks", token, limit=5, q=word)
    assert some[0] in [t["urn"] for t in found] or w.tracks[some[0]].access == "blocked"
    assert all(word.lower() in (t["title"] + t["user"]["username"]).lower() for t in found)


def test_related(emu, token):
    w = emu.world
    t_urn = w.uploads[w.artist_urns[0]][0]
    items, _ = walk(emu, f"/tracks/{t_urn}/related", token, limit=10)
    assert items and all(t["genre"] == w.tracks[t_urn].genre and t["urn"] != t_urn for t in items)
    users, _ = walk(emu, f"/users/{w.artist_urns[0]}/related", token, limit=2)
    assert all(u["urn"] != w.artist_urns[0] for u in users)


def test_resolve(emu, token):
    w = emu.world
    artist = w.users[w.artist_urns[0]]
    r = http(f"{emu.api_base}/resolve?url=https://soundcloud.com/{artist.permalink}", token=token)
    assert r.status == 302 and r.headers["Location"] == f"{emu.api_base}/users/{artist.urn}"
    assert r.json() == {"status": "302 - Found", "location": r.headers["Location"]}
    track = http(f"{emu.api_base}/tracks/{w.uploads[artist.urn][0]}", token=token).json()
    r = http(
        f"{emu.api_base}/resolve?url={urllib.parse.quote(track['permalink_url'])}", token=token
    )
    assert r.headers["Location"].endswith(f"/tracks/{track['urn']}")
    assert (
        http(
            f"{emu.api_base}/resolve?url=https://soundcloud.com/nobody-here-xyz", token=token
        ).status
        == 404
    )
    assert http(f"{emu.api_base}/resolve", token=token).status == 400
