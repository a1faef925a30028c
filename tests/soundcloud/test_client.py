"""The client against the emulator: every endpoint the product needs, paging, batches, app tokens."""

from __future__ import annotations

import pytest

from music_minion.cli.errors import line
from music_minion.soundcloud.errors import ApiError, NotFound, NotLoggedIn
from music_minion.soundcloud.models import Playlist, Track, User
from music_minion.soundcloud.tokens import TokenStore
from tests.soundcloud.helpers import client, run, set_keys, visible


async def collect(it, limit: int | None = None) -> list:
    out = []
    async for item in it:
        out.append(item)
        if limit is not None and len(out) >= limit:
            break
    return out


def test_me_followings_likes_match_the_world(logged_in):
    w = logged_in.world

    async def go():
        async with client() as sc:
            assert sc.token_kind == "user"
            me = await sc.me()
            likes = await collect(sc.my_likes())
            follows = await collect(sc.my_followings())
            return me, likes, follows, sc.stats

    me, likes, follows, stats = run(go())
    assert me.urn == w.me_urn and me.username == w.me.username
    assert [t.urn for t in likes] == [u for u in w.likes[w.me_urn] if u not in w.deleted]
    assert all(
        isinstance(t, Track) and t.created_at.endswith("Z") and "/" not in t.created_at
        for t in likes
    )
    assert [u.urn for u in follows] == w.followings[w.me_urn]
    assert stats.requests == 3 and stats.errors == {} and stats.retries == 0


def test_artist_lists_paged_in_small_pages_follow_next_href(logged_in):
    set_keys(soundcloud_page_size=5)
    w = logged_in.world
    artist = w.artist_urns[0]

    async def go():
        async with client() as sc:
            return (
                await collect(sc.user_likes(artist)),
                await collect(sc.user_reposts(artist)),
                await collect(sc.user_tracks(artist)),
                sc.stats,
            )

    likes, reposts, uploads, stats = run(go())
    assert [t.urn for t in likes] == visible(w, w.likes[artist])
    assert any(w.tracks[u].access == "blocked" for u in w.likes[artist])  # left out by default
    assert [t.urn for t in reposts] == visible(w, w.reposts[artist])
    assert [t.urn for t in uploads] == visible(w, w.uploads[artist])
    assert stats.by_endpoint["/users/{urn}/likes/tracks"] == -(-len(w.likes[artist]) // 5)


def test_page_cap_and_early_stop(logged_in):
    set_keys(soundcloud_page_size=3)
    w = logged_in.world
    artist = w.artist_urns[0]

    async def go():
        async with client() as sc:
            capped = await collect(sc.user_likes(artist, page_cap=2))
            early = await collect(sc.user_likes(artist), limit=4)
            return capped, early, sc.stats.by_endpoint["/users/{urn}/likes/tracks"]

    capped, early, requests = run(go())
    assert [t.urn for t in capped] == visible(w, w.likes[artist])[: len(capped)] and 4 <= len(
        capped
    ) <= 6
    assert [t.urn for t in early] == visible(w, w.likes[artist])[:4]
    assert requests == 2 + 2  # the early stop fetched no page it did not need


def test_user_track_tracks_by_urns_related_and_resolve(logged_in):
    w = logged_in.world
    artist = w.users[w.artist_urns[1]]
    some = visible(w, w.likes[artist.urn])[:3]

    async def go():
        async with client() as sc:
            user = await sc.user(artist.urn)
            tracks = await sc.tracks([*some, "soundcloud:tracks:1"])
            related = await collect(sc.related(some[0]), limit=10)
            by_url = await sc.resolve(f"https://soundcloud.com/{artist.permalink}")
            by_permalink = await sc.resolve(artist.permalink)
            track_url = await sc.resolve(tracks[0].permalink_url)
            return user, tracks, related, by_url, by_permalink, track_url

    user, tracks, related, by_url, by_permalink, track_url = run(go())
    assert isinstance(user, User) and user.urn == artist.urn and user.username == artist.username
    assert [t.urn for t in tracks] == some  # the unknown URN is left out
    assert related and all(isinstance(t, Track) for t in related)
    assert by_url == by_permalink and by_url.urn == artist.urn
    assert isinstance(track_url, Track) and track_url.urn == some[0]


def test_unknown_things_are_permanent_errors_never_retried(logged_in):
    async def go():
        async with client() as sc:
            with pytest.raises(ApiError) as e1:
                await sc.resolve("https://soundcloud.com/nobody-here/nothing")
            with pytest.raises(ApiError) as e2:
                await sc.user("soundcloud:users:1")
            return e1.value, e2.value, sc.stats

    e1, e2, stats = run(go())
    assert (e1.kind, e1.status, e1.endpoint) == ("permanent", 404, "/resolve")
    assert (e2.kind, e2.status, e2.endpoint) == ("permanent", 404, "/users/{urn}")
    assert stats.requests == 2 and stats.retries == 0 and stats.errors == {"permanent": 2}


def test_playlists_create_get_replace_and_like_unlike(logged_in):
    w = logged_in.world
    pool = visible(w, w.likes[w.artist_urns[0]])

    async def go():
        async with client() as sc:
            mine = await collect(sc.my_playlists())
            created = await sc.create_playlist("Discoveries", "private", pool[:3])
            replaced = await sc.replace_playlist(created.urn, pool[3:5], title="Discoveries 2")
            got = await sc.playlist(created.urn)
            listed = await collect(sc.playlist_tracks(created.urn))
            await sc.like(pool[0])
            liked = w.likes[w.me_urn][0]
            await sc.unlike(pool[0])
            return mine, created, replaced, got, listed, liked

    mine, created, replaced, got, listed, liked = run(go())
    assert {p.urn for p in mine} == set(w.user_playlists[w.me_urn]) - {created.urn}
    assert isinstance(created, Playlist) and [t.urn for t in created.tracks] == pool[:3]
    assert replaced.title == "Discoveries 2" and [t.urn for t in replaced.tracks] == pool[3:5]
    assert w.playlists[created.urn].tracks == pool[3:5] and got.sharing == "private"
    assert [t.urn for t in listed] == pool[3:5]
    assert liked == pool[0] and pool[0] not in w.likes[w.me_urn]


def test_too_long_playlist_is_refused_before_any_request(logged_in):
    from music_minion.soundcloud.errors import Rejected

    async def go():
        async with client() as sc:
            with pytest.raises(Rejected, match="too long"):
                await sc.create_playlist(
                    "x", "private", [f"soundcloud:tracks:{i}" for i in range(501)]
                )
            return sc.stats.requests

    assert run(go()) == 0


def test_batches_report_each_outcome(logged_in):
    w = logged_in.world
    artist = w.users[w.artist_urns[0]]
    inputs = [
        f"https://soundcloud.com/{artist.permalink}",
        "https://soundcloud.com/no-such/thing",
        artist.permalink,
    ]

    async def go():
        async with client() as sc:
            return await sc.resolve_many(inputs), await sc.users_many(
                [artist.urn, "soundcloud:users:2"]
            )

    resolved, users = run(go())
    assert [o.input for o in resolved.outcomes] == inputs
    assert [type(o.error) for o in resolved.outcomes] == [type(None), NotFound, type(None)]
    assert resolved.outcomes[1].error.status == 404 and resolved.outcomes[0].value.urn == artist.urn
    assert resolved.summary.as_dict() == {
        "resolved": 2,
        "failed_permanent": 1,
        "failed_transient": 0,
    }
    assert users.summary.as_dict() == {"resolved": 1, "failed_permanent": 1, "failed_transient": 0}


def test_app_token_for_public_reads_is_cached_on_disk_across_runs(emulator, home):
    w = emulator.world
    artist = w.artist_urns[0]

    async def go():
        async with client() as sc:
            assert sc.token_kind == "app"
            return await collect(sc.user_likes(artist))

    first = run(go())
    second = run(go())
    assert [t.urn for t in first] == [t.urn for t in second] == visible(w, w.likes[artist])
    assert emulator.stats()["oauth"]["client_tokens"] == 1

    async def me_with_app_token():
        async with client("app") as sc:
            await sc.me()

    with pytest.raises(ApiError) as e:
        run(me_with_app_token())
    assert (e.value.kind, e.value.status) == ("permanent", 403)


def test_user_mode_without_login_is_not_logged_in(emulator):
    async def go():
        async with client("user") as sc:
            await sc.me()

    with pytest.raises(NotLoggedIn) as e:
        run(go())
    assert "auth login" in line(e.value)


def test_expired_access_token_refreshes_once_and_rotates(logged_in, home):
    from music_minion import config

    store_before = TokenStore(config.load().data_dir, _namespace())
    old = store_before.load("user")
    logged_in.expire_tokens()  # the server now refuses the stored (not yet locally expired) token

    async def go():
        async with client() as sc:
            me = await sc.me()
            return me, sc.stats

    me, stats = run(go())
    new = TokenStore(config.load().data_dir, _namespace()).load("user")
    assert me.urn == logged_in.user_urn
    assert new.access_token != old.access_token and new.refresh_token != old.refresh_token
    assert stats.refreshes == 1 and stats.requests == 2
    assert old.refresh_token in logged_in.emulator.oauth.spent_refresh


def test_token_near_expiry_is_refreshed_before_use(logged_in):
    from music_minion import config

    store = TokenStore(config.load().data_dir, _namespace())
    tok = store.load("user")
    tok.expires_at = __import__("time").time() + 60  # inside the 5-minute margin
    store.save(tok, "user")

    async def go():
        async with client() as sc:
            await sc.me()
            return sc.stats

    stats = run(go())
    assert stats.refreshes == 1 and stats.requests == 1  # refreshed first, no 401 round trip


def test_revoked_refresh_token_says_log_in_again(logged_in):
    from music_minion import config

    store = TokenStore(config.load().data_dir, _namespace())
    tok = store.load("user")
    oauth = logged_in.emulator.oauth
    logged_in.call(
        lambda: (oauth.refresh.pop(tok.refresh_token), oauth.spent_refresh.add(tok.refresh_token))
    )
    logged_in.expire_tokens()

    async def go():
        async with client() as sc:
            await sc.me()

    with pytest.raises(NotLoggedIn) as e:
        run(go())
    assert "log" in line(e.value) and tok.refresh_token not in line(e.value)


def _namespace() -> str:
    from music_minion import config
    from music_minion.soundcloud.oauth import AppSettings

    return AppSettings.from_config(config.load()).namespace
