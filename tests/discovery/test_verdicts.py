"""Judgment rules (manual wins, not_quite sticky, a failed source keeps its judgments) and track lookup."""

from __future__ import annotations

import json

import pytest

from music_minion.cli.errors import exit_code, line
from music_minion.discovery import verdicts as jd
from music_minion.errors import MinionError
from music_minion.store import judgments as store
from music_minion.store import kv
from tests.discovery.builder import Builder


@pytest.fixture
def tracks(build: Builder) -> dict[int, int]:
    a = build.artist("A")
    out = {}
    for n in range(1, 8):
        out[n] = build.track(n, uploader="someone")
        build.prov(out[n], a)
    return out


def verdicts(db) -> dict[int, tuple[str, str]]:
    return {
        r[0]: (r[1], r[2]) for r in db.execute("SELECT track_id, verdict, source FROM judgments")
    }


def test_desired_verdicts_follow_the_priority():
    got = jd.desired_verdicts(liked={1, 2}, not_interested={2, 3, 4}, not_quite={1, 4, 5})
    assert got == {1: "liked", 2: "liked", 3: "not_interested", 4: "not_interested", 5: "not_quite"}


def test_a_sync_never_overwrites_a_manual_judgment(db, tracks):
    jd.judge_track(db, tracks[1], "not_interested")
    jd.judge_track(db, tracks[2], "liked")
    counts = jd.apply_synced(db, {tracks[1]: "liked", tracks[2]: "not_quite", tracks[3]: "liked"})
    assert counts["kept_manual"] == 2 and counts["added"] == 1
    assert verdicts(db) == {
        tracks[1]: ("not_interested", "manual"),
        tracks[2]: ("liked", "manual"),
        tracks[3]: ("liked", "soundcloud_like"),
    }
    jd.apply_synced(db, {})  # the sources are empty now: manual stays, the learned like goes
    assert verdicts(db) == {tracks[1]: ("not_interested", "manual"), tracks[2]: ("liked", "manual")}


def test_not_quite_is_sticky_and_not_interested_follows_its_playlist(db, tracks):
    jd.apply_synced(db, {tracks[1]: "not_quite", tracks[2]: "not_interested"})
    assert verdicts(db)[tracks[1]] == ("not_quite", "soundcloud_playlist")
    jd.apply_synced(db, {})  # both tracks left their playlists
    assert verdicts(db) == {tracks[1]: ("not_quite", "soundcloud_playlist")}
    jd.apply_synced(db, {tracks[1]: "liked"})  # a stronger source upgrades a sticky one
    assert verdicts(db) == {tracks[1]: ("liked", "soundcloud_like")}


def test_a_source_that_could_not_be_read_keeps_its_judgments(db, tracks):
    jd.apply_synced(db, {tracks[1]: "not_interested", tracks[2]: "liked"})
    counts = jd.apply_synced(db, {tracks[2]: "liked"}, unknown=frozenset({"not_interested"}))
    assert counts["removed"] == 0
    assert verdicts(db)[tracks[1]] == ("not_interested", "soundcloud_playlist")


def test_manual_judge_replaces_and_unjudge_forgets(db, tracks):
    jd.apply_synced(db, {tracks[1]: "not_quite"})
    result = jd.judge_track(db, tracks[1], "liked")
    assert result == {
        "verdict": "liked",
        "source": "manual",
        "previous": "not_quite",
        "batch": 2,  # the learn run above was batch 1
    }
    assert jd.unjudge_track(db, tracks[1]) is True
    assert jd.unjudge_track(db, tracks[1]) is False
    assert store.get_verdict(db, tracks[1]) is None
    with pytest.raises(MinionError):
        jd.judge_track(db, tracks[1], "love it")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("liked", "liked"),
        ("LIKE", "liked"),
        ("not-interested", "not_interested"),
        ("not_quite", "not_quite"),
        (" meh ", "not_quite"),
    ],
)
def test_parse_verdict(text, expected):
    assert jd.parse_verdict(text) == expected


def test_parse_verdict_rejects_unknown_words():
    with pytest.raises(MinionError) as e:
        jd.parse_verdict("maybe")
    assert exit_code(e.value) == 2 and "liked, not_interested or not_quite" in line(e.value)


def test_resolve_track_by_urn_url_and_feed_row(db, tracks):
    assert jd.resolve_track(db, "soundcloud:tracks:3")["id"] == tracks[3]
    for url in (
        "https://soundcloud.com/someone/track-4",
        "http://www.soundcloud.com/someone/track-4/",
        "https://m.soundcloud.com/SomeOne/track-4?si=abc#t=10",
        "soundcloud.com/someone/track-4",
    ):
        assert jd.resolve_track(db, url)["id"] == tracks[4], url
    kv.put(db, "feed.rows", json.dumps(["soundcloud:tracks:5", "soundcloud:tracks:2"]))
    assert jd.resolve_track(db, "2")["id"] == tracks[2]
    for bad, words in (
        ("3", "no row 3"),
        ("soundcloud:tracks:999", "not in the index"),
        ("https://soundcloud.com/someone/track-40", "not in the index"),
        ("hello", "is not a track"),
    ):
        with pytest.raises(MinionError) as e:
            jd.resolve_track(db, bad)
        assert words in e.value.what


def test_hit_rate_counts_distinct_tracks_per_artist(db, build: Builder):
    from music_minion.store.ranking import list_artist_stats

    a, b = build.artist("A"), build.artist("B")
    t1, t2, t3 = build.track(1), build.track(2), build.track(3)
    build.prov(t1, a, "like")
    build.prov(t1, a, "repost")  # the same track twice for A: one judged track
    build.prov(t2, a, "repost")
    build.prov(t3, b, "upload")
    build.judgment(t1, "liked")
    build.judgment(t2, "not_quite", "soundcloud_playlist")
    build.judgment(t3, "not_interested")
    stats = list_artist_stats(db)
    assert (stats[a].liked, stats[a].dismissed) == (1, 1)
    assert (stats[b].liked, stats[b].dismissed) == (0, 1)
