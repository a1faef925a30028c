"""`artists mute|unmute|report` through the real entry point against the emulator."""

from __future__ import annotations

from tests.discovery.helpers import home_db, list_requests


def _supported_by(feed: list[dict], artist: str, kind: str) -> set[str]:
    return {
        item["urn"]
        for item in feed
        for s in item["components"]["supporters"]
        if s["artist"] == artist and kind in s["kinds"]
    }


def _counts() -> tuple[int, int]:
    conn = home_db()
    try:
        prov = conn.execute("SELECT count(*) FROM provenance").fetchone()[0]
        keys = conn.execute("SELECT count(*) FROM rank_scores").fetchone()[0]
        return prov, keys
    finally:
        conn.close()


def test_muted_source_stops_counting_and_is_not_fetched(synced, mm) -> None:
    emu, _ = synced
    a0 = emu.world.artist_urns[0]
    name = emu.world.users[a0].username
    before = mm("feed", "--limit", "1000", "--json").json()["items"]
    assert _supported_by(before, name, "repost")
    prov_before, _ = _counts()

    r = mm("artists", "mute", a0, "--reposts", "--json")
    assert r.code == 0, r.err
    assert r.json()["muted"] == ["repost"]
    after = mm("feed", "--limit", "1000", "--json").json()["items"]
    assert not _supported_by(after, name, "repost")
    assert _counts()[0] == prov_before  # nothing deleted

    listed = {a["urn"]: a for a in mm("artists", "list", "--json").json()["items"]}
    assert listed[a0]["muted"] == ["repost"]

    second = mm("sync", "--all", "--json").json()
    assert list_requests(second["client"]) == {
        "/users/{urn}/likes/tracks": 4,
        "/users/{urn}/reposts/tracks": 3,
        "/users/{urn}/tracks": 4,
    }
    # muting every source: the artist is not fetched at all and supports nothing
    assert mm("artists", "mute", a0, "--json").json()["muted"] == ["like", "repost", "upload"]
    third = mm("sync", "--all", "--json").json()
    assert sum(list_requests(third["client"]).values()) == 9
    assert not any(
        s["artist"] == name
        for item in mm("feed", "--limit", "1000", "--json").json()["items"]
        for s in item["components"]["supporters"]
    )
    # unmuting brings the picks back, from the same provenance
    assert mm("artists", "unmute", a0, "--json").json()["muted"] == []
    back = mm("feed", "--limit", "1000", "--json").json()["items"]
    assert _supported_by(back, name, "repost") == _supported_by(before, name, "repost")


def test_mute_of_an_unknown_artist_is_one_clear_line(synced, mm) -> None:
    r = mm("artists", "mute", "no-such-artist")
    assert r.code == 1 and r.err.strip().count("\n") == 0
    assert "no artist matches 'no-such-artist'" in r.err


def test_report_shares_hit_rates_and_pareto(synced, mm) -> None:
    emu, _ = synced
    assert mm("feed", "--json").code == 0  # keys computed
    d = mm("artists", "report", "--json").json()
    assert len(d["curators"]) == len(emu.world.artist_urns)
    assert d["candidates"] > 0
    assert 1 <= d["pareto"]["curators"] <= d["pareto"]["of"]
    shares = [c["candidate_share"] for c in d["curators"]]
    assert all(0 < s <= 1 for s in shares)
    noise = [c["noise"] for c in d["curators"]]
    assert noise == sorted(noise, reverse=True)
    human = mm("artists", "report")
    assert human.code == 0 and "curators surface 80 % of your feed" in human.out
    # a muted curator's candidates no longer count for it
    a0 = emu.world.artist_urns[0]
    mm("artists", "mute", a0)
    muted = {c["artist"]: c for c in mm("artists", "report", "--json").json()["curators"]}
    assert muted[emu.world.users[a0].username]["candidates"] == 0


def test_report_with_no_curators(home, mm) -> None:
    r = mm("artists", "report")
    assert r.code == 0 and "no candidates yet" in r.out
