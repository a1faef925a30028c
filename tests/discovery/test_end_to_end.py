"""The whole curate loop through the CLI against the emulator: watch, sync (which learns), feed with
every supporter named, judge a row, `sync --push` into the discovery playlist."""

from __future__ import annotations

from typing import Any

VERBS = {"likes": "liked", "reposts": "reposted", "uploads": "uploaded"}


def supporters_in_world(world: Any, urn: str) -> dict[str, set[str]]:
    """verb -> usernames of the watched artists whose list holds `urn` (what "why" must name)."""
    out: dict[str, set[str]] = {}
    for artist in world.artist_urns:
        for src, verb in VERBS.items():
            if urn in world.list_for(src, artist):
                out.setdefault(verb, set()).add(world.users[artist].username)
    return out


def parse_why(why: str) -> dict[str, set[str]]:
    reasons, _, _ = why.partition(" · ")
    out = {}
    for part in reasons.split("; "):
        verb, _, names = part.partition(" by ")
        out[verb] = set(names.split(", "))
    return out


def test_watch_sync_feed_judge_push(logged_in, mm):
    emu = logged_in
    world = emu.world
    me = emu.user_urn
    urls = [f"https://soundcloud.com/{world.users[a].permalink}" for a in world.artist_urns]
    assert mm("artists", "add", *urls).code == 0
    synced = mm("sync", "--json")
    assert synced.code == 0, synced.err

    feed = mm("feed", "--limit", "1000", "--json").json()
    assert feed, "the tiny world surfaces candidates"
    mine = set(world.likes[me])
    for item in feed:
        urn = item["urn"]
        assert urn not in mine  # my likes are owned: never candidates
        assert urn not in world.deleted and world.tracks[urn].access != "blocked"
        assert parse_why(item["why"]) == supporters_in_world(
            world, urn
        )  # every supporter named, none invented
    # My likes were learned by the sync as judgments.
    judged = mm("judged", "--json").json()
    liked_learned = {j["urn"] for j in judged["judgments"] if j["source"] == "soundcloud_like"}
    visible_mine = {
        u for u in mine if u not in world.deleted and world.tracks[u].access != "blocked"
    }
    assert liked_learned == visible_mine

    assert mm("feed").code == 0  # remember the row numbers
    first = feed[0]["urn"]
    assert mm("judge", "1", "not_interested").code == 0
    after = mm("feed", "--limit", "1000", "--json").json()
    assert first not in [i["urn"] for i in after]

    assert mm("config", "set", "playlist.size", "5").code == 0
    pushed = mm("sync", "--push", "--json")
    assert pushed.code == 0, pushed.err
    show = mm("playlist", "show", "--json").json()
    assert show["playlist_urn"] and [p["status"] for p in show["pushes"]] == ["ok"]
    top = [i["urn"] for i in mm("feed", "--limit", "5", "--json").json()]
    assert world.playlists[show["playlist_urn"]].tracks == [t["urn"] for t in show["tracks"]] == top
