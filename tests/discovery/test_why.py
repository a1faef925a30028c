"""`why TRACK`: the rank and score of a track in the feed, or every reason it is not there, each
from the feed's own rules (real store files, the real CLI)."""

from __future__ import annotations

import pytest

from tests.discovery.builder import ago


def why(mm, ref: str) -> dict:
    r = mm("why", ref, "--json")
    assert r.code == 0, r.err
    return r.json()


def reasons(mm, ref: str) -> list[str]:
    return [x["reason"] for x in why(mm, ref)["reasons"]]


def test_a_track_in_the_feed_has_its_rank_and_whole_score(mm, filled, monkeypatch):
    from music_minion import timeutil

    monkeypatch.setenv("COLUMNS", "200")
    moment = timeutil.now()  # scores decay with time: `why` and `feed` read them at one moment
    monkeypatch.setattr(timeutil, "now", lambda: moment)
    d = why(mm, "soundcloud:tracks:2")
    assert (d["in_feed"], d["feed"], d["rank"], d["reasons"]) == (True, "tracks", 2, [])
    feed = mm("feed", "--json").json()["items"]
    assert d["score"] == feed[1]["score"] and d["components"] == feed[1]["components"]
    assert {(s["artist"], tuple(s["kinds"])) for s in d["components"]["supporters"]} == {
        ("Ana", ("repost",)),
        ("Bo", ("upload",)),
    }
    out = mm("why", "2").out  # row 2 of the feed just shown
    assert out.startswith("Two Friends — Up Two\nhttps://soundcloud.com/up two/track-2\n")
    assert "in the feed at rank 2 (score " in out and "not in the feed" not in out
    assert "reposted by Ana; uploaded by Bo" in out and "hit rate" in out


def test_judged_owned_and_retired(mm, filled, store):
    from music_minion.store import listens

    assert mm("judge", "soundcloud:tracks:1", "not_quite").code == 0
    d = why(mm, "soundcloud:tracks:1")
    assert d["in_feed"] is False and d["rank"] is None
    (j,) = d["reasons"]
    assert (j["reason"], j["verdict"], j["source"]) == ("judged", "not_quite", "manual")
    assert j["text"].startswith("judged not_quite by hand at ")

    filled.local_file(2)
    filled.my_like(2)
    (o,) = why(mm, "soundcloud:tracks:2")["reasons"]
    assert o["text"] == "owned: in your SoundCloud likes; local file /music/0.mp3 matched"

    filled.push([3], at=ago(days=3))
    assert why(mm, "soundcloud:tracks:3")["in_feed"] is True  # one push without a verdict: still in
    filled.push([3], at=ago(days=1))
    (r,) = why(mm, "soundcloud:tracks:3")["reasons"]
    assert (r["reason"], r["pushes"], r["listens"]) == ("retired", 2, 0)
    assert "retired: pushed 2 times over 3 days, never judged" in r["text"]
    t5 = filled.track(5, title="Heard Often", uploader="Up Five")
    filled.prov(t5, 1, "repost", ago(hours=1))
    for _ in range(3):
        listens.add(store, t5, 60.0, True, ago(hours=1))
    (r,) = why(mm, "soundcloud:tracks:5")["reasons"]
    assert (r["reason"], r["pushes"], r["listens"]) == ("retired", 0, 3)
    assert "retired: heard 3 times in review, never judged" in r["text"]
    assert [x["urn"] for x in mm("feed", "--json").json()["items"]] == []  # the feed agrees


def test_capped_by_the_per_artist_cap(mm, filled):
    from music_minion import config

    config.set_value("ranking.per_artist_cap", "1")
    t5 = filled.track(5, title="Second by Up Three", uploader="Up Three")
    filled.prov(t5, filled.artist("Dee"), "like", ago(days=2))
    assert [x["urn"] for x in mm("feed", "--json").json()["items"]] == [
        "soundcloud:tracks:1",
        "soundcloud:tracks:3",
    ]
    d = why(mm, "soundcloud:tracks:5")  # its uploader's share is full
    (c,) = d["reasons"]
    assert (c["reason"], c["artist"], c["place"]) == ("capped", "Up Three", 2)
    assert c["text"] == (
        "capped: Up Three already has 1 track above it (ranking.per_artist_cap); "
        "it is Up Three's #2"
    )
    assert d["in_feed"] is False and d["components"]["supporters"][0]["artist"] == "Dee"
    # Two Friends: its strongest supporter, Ana, already leads Three Friends
    (c,) = why(mm, "soundcloud:tracks:2")["reasons"]
    assert (c["reason"], c["artist"], c["place"]) == ("capped", "Ana", 2)


def test_a_mix_is_placed_among_the_mixes(mm, filled):
    d = why(mm, "soundcloud:tracks:4")
    assert (d["feed"], d["rank"], d["in_feed"]) == ("mixes", 1, False)
    assert [x["reason"] for x in d["reasons"]] == ["mix"]
    out = mm("why", "soundcloud:tracks:4").out
    assert "among the mixes (`feed --mixes`) at rank 1" in out
    assert "  - a mix (over ranking.mix_minutes): ranked apart, in `feed --mixes`" in out


def test_muted_unwatched_and_unindexed_sources(mm, filled):
    assert mm("artists", "mute", "Cy", "--likes").code == 0
    (m,) = why(mm, "soundcloud:tracks:3")["reasons"]
    assert m["reason"] == "muted" and m["sources"] == ["Cy's like"]
    assert m["text"] == "muted source only: Cy's like (`artists unmute`)"
    gone = filled.artist("Gone", watched=False)
    t5 = filled.track(5, uploader="Up Five")
    filled.prov(t5, gone, "repost", ago(hours=2))
    (u,) = why(mm, "soundcloud:tracks:5")["reasons"]
    assert u["text"] == "surfaced only by artists you do not watch: Gone's repost"
    filled.track(6, uploader="Up Six")
    (n,) = why(mm, "soundcloud:tracks:6")["reasons"]
    assert n["reason"] == "unindexed"


def test_unavailable_and_blocked(mm, filled):
    t5 = filled.track(5, uploader="Up Five", status="deleted")
    t6 = filled.track(6, uploader="Up Six", access="blocked")
    for t in (t5, t6):
        filled.prov(t, 1, "repost", ago(hours=2))
    assert reasons(mm, "soundcloud:tracks:5") == ["unavailable"]
    assert reasons(mm, "soundcloud:tracks:6") == ["blocked"]


def test_a_track_not_in_the_index(mm, filled):
    r = mm("why", "soundcloud:tracks:999")
    assert r.code == 0, r.err
    assert (
        r.out
        == "soundcloud:tracks:999\nnot in the feed:\n  - not in the index — it came from no watched artist\n"
    )
    d = why(mm, "https://soundcloud.com/nobody/nothing")
    assert [x["reason"] for x in d["reasons"]] == ["unknown"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("why", "banana"), 2, "'banana' is not a track"),
        (("why", "4"), 1, "no feed has been shown yet, so there is no row 4"),
    ],
)
def test_bad_references_are_one_line(mm, filled, args, code, message):
    r = mm(*args)
    assert r.code == code and message in r.err and len(r.err.strip().splitlines()) == 1


def test_why_agrees_with_the_feed_on_every_track(mm, filled):
    """Many tracks, a cap of 2, judgments and a push: `why` gives every track the feed's rank,
    and a reason to every track the feed leaves out."""
    from music_minion import config

    config.set_value("ranking.per_artist_cap", "2")
    artists = [filled.artist(f"A{i}") for i in range(4)]
    for n in range(10, 40):
        tid = filled.track(n, uploader=f"U{n % 5}", duration_ms=200_000 + n)
        for k, aid in enumerate(artists[: 1 + n % 4]):
            filled.prov(tid, aid, ("repost", "like", "upload")[(n + k) % 3], ago(hours=n))
        if n % 7 == 0:
            filled.judgment(tid, "not_interested")
    filled.push([11, 12], at=ago(days=3))
    filled.push([11], at=ago(days=1))  # 11 retired; 12 left the playlist after one chance
    feed = {x["urn"]: x["rank"] for x in mm("feed", "--limit", "1000", "--json").json()["items"]}
    assert 5 < len(feed) < 33
    seen: set[str] = set()
    for n in [1, 2, 3, *range(10, 40)]:
        d = why(mm, f"soundcloud:tracks:{n}")
        urn = f"soundcloud:tracks:{n}"
        assert d["in_feed"] == (urn in feed), urn
        assert d["rank"] == feed.get(urn), urn
        assert bool(d["reasons"]) != d["in_feed"], urn
        seen.update(x["reason"] for x in d["reasons"])
    assert seen == {"capped", "judged", "retired"}


def test_a_track_below_the_first_fifty_says_how_to_see_it(mm, filled):
    for n in range(10, 70):
        tid = filled.track(n, uploader=f"U{n}")
        filled.prov(tid, filled.artist(f"A{n}"), "repost", ago(days=5, hours=n))
    feed = mm("feed", "--limit", "100", "--json").json()["items"]
    last = feed[-1]
    assert len(feed) == 63 and last["urn"] == "soundcloud:tracks:69"
    out = mm("why", "soundcloud:tracks:69").out
    assert "in the feed at rank 63 (score " in out
    assert "below the first 50, `feed --limit 63` shows it" in out
