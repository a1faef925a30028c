"""`feed`, `judge`, `unjudge`, `judged` and `playlist show` through the real entry point."""

from __future__ import annotations

import pytest


def test_feed_table_and_json(mm, filled):
    r = mm("feed")
    assert r.code == 0, r.err
    line = next(x for x in r.out.splitlines() if "Three Friends" in x).split("\t")
    assert line[:4] == ["1", "Three Friends", "Up One", "5:01"]
    assert line[5:] == [
        "2 reposts, 1 like · Ana, Bo +1",
        "",
        "https://soundcloud.com/up one/track-1",
    ]
    assert "Long Mix" not in r.out
    data = mm("feed", "--json").json()["items"]
    assert [d["title"] for d in data] == ["Three Friends", "Two Friends", "One Friend"]
    assert [d["rank"] for d in data] == [1, 2, 3]
    top = data[0]
    assert top["why"] == "reposted by Ana, Bo; liked by Cy · first seen 3d ago"
    assert {s["artist"] for s in top["components"]["supporters"]} == {"Ana", "Bo", "Cy"}
    comp = top["components"]
    assert comp["bits"] == pytest.approx(sum(s["bits"] for s in comp["supporters"]), rel=1e-4)
    assert top["score"] == pytest.approx(
        2 ** (comp["bits"] + comp["genre_bits"] + comp["recency_half_lives"]), rel=1e-4
    )
    assert [d["title"] for d in mm("feed", "--mixes", "--json").json()["items"]] == ["Long Mix"]
    assert [d["title"] for d in mm("--json", "feed", "--genre", "house").json()["items"]] == [
        "Two Friends"
    ]
    assert [d["title"] for d in mm("feed", "--since", "2", "--json").json()["items"]] == [
        "Two Friends",
        "One Friend",
    ]
    assert [
        d["title"] for d in mm("feed", "--artist", "Cy", "--json", "--limit", "1").json()["items"]
    ] == ["Three Friends"]


def test_judge_by_row_number_then_unjudge(mm, filled):
    assert mm("feed").code == 0
    r = mm("judge", "2", "liked")
    assert r.code == 0, r.err
    assert "liked: Two Friends" in r.out
    feed = mm("feed", "--json").json()["items"]
    assert [d["title"] for d in feed] == ["Three Friends", "One Friend"]
    r = mm("judge", "soundcloud:tracks:1", "not_interested", "--json")
    assert r.json()["verdict"] == "not_interested" and r.json()["previous"] is None
    listing = mm("judged", "--json").json()
    assert listing["counts"] == {"liked": 1, "not_interested": 1, "not_quite": 0}
    assert {j["urn"] for j in listing["items"]} == {
        "soundcloud:tracks:1",
        "soundcloud:tracks:2",
    }
    assert all(j["source"] == "manual" for j in listing["items"])
    liked = mm("judged", "--verdict", "liked", "--json").json()
    assert [j["urn"] for j in liked["items"]] == ["soundcloud:tracks:2"] and liked["total"] == 1
    first = mm("judged", "--limit", "1", "--json").json()
    assert (first["shown"], first["total"]) == (1, 2)
    table = mm("judged")
    assert table.code == 0 and "Two Friends" in table.out and "not_interested" in table.out
    r = mm("unjudge", "soundcloud:tracks:2")
    assert r.code == 0 and "forgot" in r.out
    assert "Two Friends" in [d["title"] for d in mm("feed", "--json").json()["items"]]
    assert "was not judged" in mm("unjudge", "soundcloud:tracks:2").out


def test_judging_an_artists_pick_moves_the_artists_hit_rate(mm, filled):
    before = mm("feed", "--json").json()["items"]
    cy_before = next(s for s in before[0]["components"]["supporters"] if s["artist"] == "Cy")[
        "hit_rate"
    ]
    assert cy_before == 0.5
    mm("judge", "soundcloud:tracks:3", "not_quite")
    after = mm("feed", "--json").json()["items"]
    cy_after = next(s for s in after[0]["components"]["supporters"] if s["artist"] == "Cy")[
        "hit_rate"
    ]
    # One dismissal of one judged track: the base rate is 1/3 (Laplace), 0.34 in its steps of 0.02,
    # and Cy's hit rate is pulled toward it: (0 + 4 × 0.34) / (1 + 4).
    assert cy_after == pytest.approx(4 * 0.34 / 5)
    assert after[0]["score"] < before[0]["score"]


@pytest.mark.parametrize(
    "args,code,words",
    [
        (("judge", "soundcloud:tracks:1", "maybe"), 2, "unknown verdict 'maybe'"),
        (("judge", "7", "liked"), 1, "no feed has been shown yet, so there is no row 7"),
        (("judge", "soundcloud:tracks:99", "liked"), 1, "not in the index"),
        (("judge", "https://soundcloud.com/x/nope", "liked"), 1, "not in the index"),
        (("unjudge", "banana"), 2, "is not a track"),
        (("feed", "--artist", "Nobody"), 1, "no artist matches"),
        (("feed", "--limit", "-1"), 2, "not in the range"),
    ],
)
def test_bad_input_gets_one_clear_line(mm, filled, args, code, words):
    r = mm(*args)
    assert r.code == code
    assert words in r.err
    assert "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1


def test_bad_input_loses_nothing(mm, filled, store):
    mm("judge", "soundcloud:tracks:3", "liked")
    mm("judge", "soundcloud:tracks:3", "nonsense")
    assert (
        store.execute("SELECT verdict FROM judgments WHERE track_id = 3").fetchone()[0] == "liked"
    )


def test_empty_feed_and_empty_lists(mm):
    r = mm("feed")
    assert r.code == 0 and "nothing to show" in r.err and r.out == ""
    assert mm("feed", "--json").json() == {
        "items": [],
        "shown": 0,
        "total": 0,
        "total_exact": True,
    }
    assert "no judgments yet" in mm("judged").err
    show = mm("playlist", "show", "--json").json()
    assert show["playlist_urn"] is None and show["pushes"] == [] and show["tracks"] == []
    assert "not created yet" in mm("playlist", "show").out


def test_playlist_push_size_is_checked_before_anything_else(mm, filled):
    for size in ("0", "501"):
        r = mm("playlist", "push", "--size", size)
        assert r.code == 2 and "out of range" in r.err and "1..500" in r.err


def test_mirror_likes_without_a_session_keeps_the_judgment(mm, filled, store):
    from music_minion import config

    config.set_value("judgments.mirror_likes", "true")
    r = mm("judge", "soundcloud:tracks:2", "liked")
    assert r.code == 0
    assert "liked: Two Friends" in r.out and "warning: not liked on SoundCloud" in r.err
    assert store.execute("SELECT verdict, source FROM judgments WHERE track_id = 2").fetchone()[
        :
    ] == ("liked", "manual")


def test_a_row_past_the_last_feed(mm, filled):
    assert mm("feed").code == 0
    r = mm("judge", "99", "liked")
    assert r.code == 1 and "no row 99: the last list showed rows 1–" in r.err
    # An empty list since (nothing retired): its rows replace the feed's, and the error says so.
    assert mm("feed", "--retired").code == 0
    r = mm("judge", "1", "liked")
    assert r.code == 1 and "no row 1: the last list showed no rows" in r.err
