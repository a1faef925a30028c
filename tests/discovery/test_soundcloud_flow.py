"""Learning judgments from the emulator's likes and playlists, and pushing the discovery playlist,
with the real client over loopback."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

from tests.discovery.builder import Builder, ago


def visible(world: Any, urns: list[str]) -> list[str]:
    """What a list endpoint shows by default: deleted and blocked tracks left out."""
    return [
        u
        for u in urns
        if u not in world.deleted and world.tracks[u].access in ("playable", "preview")
    ]


def learn(conn: sqlite3.Connection) -> dict:
    from music_minion import config
    from music_minion.discovery.learn import learn_from_soundcloud
    from music_minion.soundcloud.client import SoundCloudClient

    async def go() -> dict:
        cfg = config.load()
        async with SoundCloudClient.from_config(cfg, auth="user") as client:
            return await learn_from_soundcloud(client, conn, cfg)

    return asyncio.run(go())


def verdicts(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    rows = conn.execute(
        "SELECT t.urn, j.verdict, j.source FROM judgments j JOIN tracks t ON t.id = j.track_id"
    )
    return {r[0]: (r[1], r[2]) for r in rows}


def test_learn_likes_and_playlists_then_follow_changes(logged_in, mm, store):
    from music_minion import config

    emu = logged_in
    world = emu.world
    me = emu.user_urn
    mine = visible(world, world.likes[me])
    assert len(mine) >= 3
    others = [u for u in visible(world, list(world.tracks)) if u not in world.likes[me]]
    nope = emu.call(world.create_playlist, me, "Nope", [others[0], others[1]])
    meh = emu.call(world.create_playlist, me, "Meh", [others[2], mine[0]], "public")
    config.set_value("judgments.not_interested_playlist", nope.urn)
    config.set_value(
        "judgments.not_quite_playlist",
        f"https://soundcloud.com/{world.me.permalink}/sets/{meh.permalink}",
    )

    result = learn(store)
    assert result["errors"] == {}
    assert result["likes"]["seen"] == len(mine) and result["likes"]["new"] == len(mine)
    got = verdicts(store)
    for urn in mine:  # my likes win over the "not quite" playlist
        assert got[urn] == ("liked", "soundcloud_like")
    assert got[others[0]] == got[others[1]] == ("not_interested", "soundcloud_playlist")
    assert got[others[2]] == ("not_quite", "soundcloud_playlist")
    assert len(got) == len(mine) + 3

    # Between syncs: a track leaves each playlist, one is judged by hand, I like two more.
    emu.call(world.update_playlist, nope.urn, tracks=[others[1]])
    emu.call(world.update_playlist, meh.urn, tracks=[mine[0]])
    assert mm("judge", others[1], "liked").code == 0
    added = [c["track"] for c in emu.mutate(me_likes=2)["me_likes"]]
    result = learn(store)
    assert result["likes"]["seen"] == len(
        visible(world, added)
    )  # incremental: stops at the first known like
    got = verdicts(store)
    assert others[0] not in got  # left "not interested": forgotten
    assert got[others[2]] == ("not_quite", "soundcloud_playlist")  # left "not quite": sticky
    assert got[others[1]] == ("liked", "manual")  # a sync never overwrites manual
    for urn in visible(world, added):
        assert got[urn] == ("liked", "soundcloud_like")
    owned = {
        r[0]
        for r in store.execute("SELECT t.urn FROM my_likes m JOIN tracks t ON t.id = m.track_id")
    }
    assert owned == set(visible(world, world.likes[me]))


def test_a_playlist_that_cannot_be_read_keeps_its_judgments(logged_in, store):
    from music_minion import config

    emu = logged_in
    world = emu.world
    track = next(
        u for u in visible(world, list(world.tracks)) if u not in world.likes[emu.user_urn]
    )
    nope = emu.call(world.create_playlist, emu.user_urn, "Nope", [track])
    config.set_value("judgments.not_interested_playlist", nope.urn)
    learn(store)
    assert verdicts(store)[track] == ("not_interested", "soundcloud_playlist")
    emu.call(world.delete_playlist, nope.urn)
    result = learn(store)
    assert result["errors"]["not_interested"].startswith(f"playlist {nope.urn} not found")
    assert verdicts(store)[track] == ("not_interested", "soundcloud_playlist")


def candidates(emu: Any, conn: sqlite3.Connection, n: int) -> list[str]:
    """Store `n` of the world's tracks as candidates reposted by one watched artist, newest first
    (one supporter for all, so a judgment moves all their scores alike and the order stays)."""
    world = emu.world
    b = Builder(conn)
    scout = b.artist("Scout")
    picked: list[str] = []
    uploaders: set[str] = set()
    for urn in visible(world, list(world.tracks)):
        t = world.tracks[urn]
        if t.user_urn in uploaders or urn in world.likes[emu.user_urn]:
            continue
        uploaders.add(t.user_urn)
        tid = b.track(
            int(urn.rsplit(":", 1)[1]),
            title=t.title,
            uploader=f"u{len(picked)}",
            uploader_urn=t.user_urn,
        )
        b.prov(tid, scout, "repost", ago(hours=len(picked)))
        picked.append(urn)
        if len(picked) == n:
            break
    assert len(picked) == n
    return picked


def test_push_creates_replaces_diffs_and_recreates(logged_in, mm, store):
    emu = logged_in
    world = emu.world
    from music_minion import config

    config.set_value("ranking.per_artist_cap", "50")
    config.set_value("ranking.max_ignored_pushes", "3")
    config.set_value("ranking.ignored_after_hours", "0")  # every push counts: the old rule
    picked = candidates(emu, store, 8)

    first = mm("playlist", "push", "--size", "5", "--json")
    assert first.code == 0, first.err
    r = first.json()
    assert r["action"] == "create" and r["added"] == picked[:5] and r["removed"] == []
    pl = world.playlists[r["playlist_urn"]]
    assert (
        pl.tracks == picked[:5]
        and pl.title == "Music Minion Discoveries"
        and pl.sharing == "private"
    )

    assert mm("judge", picked[0], "not_interested").code == 0
    dry = mm("playlist", "push", "--size", "5", "--dry-run", "--json").json()
    assert (
        dry["dry_run"] and dry["action"] == "replace" and dry["playlist_urn"] == r["playlist_urn"]
    )
    assert (
        dry["removed"] == [picked[0]] and dry["added"] == [picked[5]] and dry["kept"] == picked[1:5]
    )
    assert world.playlists[r["playlist_urn"]].tracks == picked[:5]  # a dry run changes nothing
    text = mm("playlist", "push", "--size", "5", "--dry-run")
    title = {u: f"{world.tracks[u].title} — u{i}" for i, u in enumerate(picked)}  # as stored
    assert f"+ {title[picked[5]]}\n" in text.out and f"- {title[picked[0]]}\n" in text.out

    second = mm("playlist", "push", "--size", "5", "--json").json()
    assert second["action"] == "replace" and second["playlist_urn"] == r["playlist_urn"]
    assert world.playlists[r["playlist_urn"]].tracks == picked[1:6]
    assert [p.urn for p in world.playlists.values() if p.title == "Music Minion Discoveries"] == [
        r["playlist_urn"]
    ]

    emu.call(world.delete_playlist, r["playlist_urn"])
    third = mm("playlist", "push", "--size", "5", "--json").json()
    assert third["action"] == "create" and third["playlist_urn"] != r["playlist_urn"]
    assert world.playlists[third["playlist_urn"]].tracks == picked[1:6]

    # Pushed three times without a judgment: those tracks drop out of the candidates.
    fourth = mm("playlist", "push", "--size", "5", "--dry-run", "--json").json()
    assert fourth["added"] == picked[6:8] and set(fourth["removed"]) == set(picked[1:5])

    show = mm("playlist", "show", "--json").json()
    assert show["playlist_urn"] == third["playlist_urn"]
    assert [p["status"] for p in show["pushes"]] == ["ok", "ok", "ok"]
    assert [t["urn"] for t in show["tracks"]] == picked[1:6]


def test_a_failed_push_is_recorded_as_failed(logged_in, mm, store):
    from music_minion.emulator.testing import SECRET_MARKERS

    emu = logged_in
    picked = candidates(emu, store, 3)
    emu.set_faults("rate=1,kinds=500")
    r = mm("playlist", "push")
    assert r.code == 1
    assert (
        r.err.startswith(
            "error: playlist push failed (SoundCloud request /playlists failed (HTTP 500)"
        )
        and "recorded as failed" in r.err
    )
    assert not any(m in r.err for m in SECRET_MARKERS)
    emu.set_faults(None)
    show = mm("playlist", "show", "--json").json()
    assert show["playlist_urn"] is None and show["tracks"] == []
    assert [(p["status"], p["track_count"]) for p in show["pushes"]] == [("failed", 3)]
    assert "(HTTP 500)" in show["pushes"][0]["error"]
    assert not [
        p
        for p in emu.world.playlists.values()
        if p.user_urn == emu.user_urn and p.title == "Music Minion Discoveries"
    ]
    ok = mm("playlist", "push", "--json").json()
    assert ok["action"] == "create" and emu.world.playlists[ok["playlist_urn"]].tracks == picked
    assert [p["status"] for p in mm("playlist", "show", "--json").json()["pushes"]] == [
        "ok",
        "failed",
    ]
    # Reading the playlist fails: nothing is changed on SoundCloud, and the attempt is recorded.
    emu.set_faults("rate=1,kinds=503")
    dry = mm("playlist", "push", "--dry-run")
    assert dry.code == 1 and dry.err.startswith(
        "error: cannot read the discovery playlist on SoundCloud (SoundCloud request /playlists/{urn} failed (HTTP 503)"
    )
    r = mm("playlist", "push")
    assert r.code == 1 and "nothing was changed" in r.err
    emu.set_faults(None)
    assert [p["status"] for p in mm("playlist", "show", "--json").json()["pushes"]] == [
        "failed",
        "ok",
        "failed",
    ]
    assert emu.world.playlists[ok["playlist_urn"]].tracks == picked


def test_mirror_likes_likes_on_soundcloud(logged_in, mm, store):
    from music_minion import config

    emu = logged_in
    picked = candidates(emu, store, 2)
    assert mm("judge", picked[0], "liked").code == 0
    assert picked[0] not in emu.world.likes[emu.user_urn]  # off by default
    config.set_value("judgments.mirror_likes", "true")
    r = mm("judge", picked[1], "liked", "--json")
    assert r.code == 0 and r.json()["mirrored"] is True
    assert emu.world.likes[emu.user_urn][0] == picked[1]


def test_mirror_likes_of_several_tracks_with_one_judge(logged_in, mm, store):
    from music_minion import config

    emu = logged_in
    picked = candidates(emu, store, 3)
    config.set_value("judgments.mirror_likes", "true")
    r = mm("judge", *picked, "liked", "--json")
    assert r.code == 0, r.err
    assert [t["mirrored"] for t in r.json()["tracks"]] == [True, True, True]
    assert set(picked) <= set(emu.world.likes[emu.user_urn])
    r = mm("judge", *picked, "liked")
    assert r.out.splitlines()[0] == (
        "liked: 3 tracks (0 changed; batch 2, `music-minion undo` reverts it)"
    )
