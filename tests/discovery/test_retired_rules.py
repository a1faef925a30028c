"""When a track is retired, over a real SQLite store: time in the playlist, not the number of
pushes; replace and append pushes; review listens; restore marks."""

from __future__ import annotations

from datetime import timedelta

from music_minion.discovery.retired import RetireRules, restore, retired_reason, retired_tracks
from music_minion.store import listens
from music_minion.timeutil import now
from tests.discovery.builder import Builder, ago

RULES = RetireRules(ignored_after_hours=24, max_ignored_pushes=2, max_unjudged_listens=3)


def tracks(build: Builder, n: int) -> list[int]:
    artist = build.artist("Scout")
    out = []
    for i in range(1, n + 1):
        tid = build.track(i, uploader=f"u{i}")
        build.prov(tid, artist, "repost", ago(days=1))
        out.append(tid)
    return out


def test_pushes_seconds_apart_count_once(db, build: Builder) -> None:
    (t,) = tracks(build, 1)
    for seconds in (0, 5, 10):  # three pushes within a minute, three days ago
        build.push([t], at=ago(days=3, hours=-seconds / 3600))
    assert retired_tracks(db, RULES) == {}
    assert retired_tracks(db, RetireRules(0, 2, 3))[t].pushes == 3  # window 0: each push counts


def test_a_track_in_the_playlist_through_two_windows_is_retired(db, build: Builder) -> None:
    (t,) = tracks(build, 1)
    build.push([t], at=ago(hours=50))
    build.push([t], at=ago(hours=30))  # 20 h later: the same chance
    assert retired_tracks(db, RULES) == {}
    build.push([t], at=ago(hours=25))  # 25 h after the first counted one: a second chance
    found = retired_tracks(db, RULES)[t]
    assert found.reason == "pushed 3 times over 2 days, never judged" and found.pushes == 3
    assert retired_reason(db, "soundcloud:tracks:1", RULES) == found.reason
    assert retired_reason(db, "soundcloud:tracks:404", RULES) is None
    assert retired_tracks(db, RULES, at=now() - timedelta(hours=2)) == {}  # not yet, 2 h ago


def test_a_replace_that_left_the_track_out_ends_its_stay(db, build: Builder) -> None:
    a, b = tracks(build, 2)
    build.push([a], at=ago(days=5))
    build.push([b], at=ago(days=5, hours=-1))  # an hour later `a` was replaced
    build.push([a], at=ago(days=3))
    assert a not in retired_tracks(db, RULES)  # one hour, then three days: one chance
    build.push([a], at=ago(days=1))
    assert a in retired_tracks(db, RULES)


def test_an_append_keeps_what_is_there(db, build: Builder) -> None:
    a, b = tracks(build, 2)
    build.push([a], at=ago(days=5))
    build.push([b], at=ago(days=5, hours=-1), mode="append")  # `a` stays, under `b`
    build.push([a], at=ago(days=2))  # a replace: `b` leaves, `a` has its second chance
    assert set(retired_tracks(db, RULES)) == {a}  # b: one stay, one chance


def test_judged_tracks_are_never_retired(db, build: Builder) -> None:
    (t,) = tracks(build, 1)
    build.push([t], at=ago(days=4))
    build.push([t], at=ago(days=2))
    build.judgment(t, "not_quite")
    assert retired_tracks(db, RULES) == {}


def test_review_listens_retire_and_restore_resets_them(db, build: Builder) -> None:
    a, b = tracks(build, 2)
    for hours in (3, 2, 1):
        listens.add(db, a, 60.0, True, ago(hours=hours))
    listens.add(db, b, 60.0, True, ago(hours=2))
    listens.add(db, b, 5.0, False, ago(hours=1))  # too short to count
    found = retired_tracks(db, RULES)
    assert list(found) == [a] and found[a].reason == "heard 3 times in review, never judged"
    assert found[a].since == ago(hours=1)
    restore(db, [a])
    assert retired_tracks(db, RULES) == {} and listens.count_listens(db, a) == 0
    assert db.execute("SELECT count(*) FROM listens WHERE track_id = ?", (a,)).fetchone()[0] == 3


def test_restore_counts_only_pushes_after_it(db, build: Builder) -> None:
    (t,) = tracks(build, 1)
    build.push([t], at=ago(days=6))
    build.push([t], at=ago(days=4))
    restore(db, [t], at=now() - timedelta(days=3))
    assert retired_tracks(db, RULES) == {}
    build.push([t], at=ago(days=2, hours=12))
    assert retired_tracks(db, RULES) == {}  # one chance since the restore
    build.push([t], at=ago(days=1))
    assert retired_tracks(db, RULES)[t].pushes == 2  # counted since the restore only


def test_both_reasons_are_given(db, build: Builder) -> None:
    a, b = tracks(build, 2)
    build.push([a, b], at=ago(days=5))
    build.push([a, b], at=ago(days=3))
    for hours in (3, 2, 1):
        listens.add(db, b, 60.0, True, ago(hours=hours))
    found = retired_tracks(db, RULES)
    assert set(found) == {a, b} and found[a].since == found[b].since == ago(days=2)
    assert found[b].reason == (
        "pushed 2 times over 5 days, never judged; heard 3 times in review, never judged"
    )


def test_ranking_learns_a_push_was_ignored_only_after_its_chance(db, build: Builder) -> None:
    from music_minion.config.schema import RankingSettings
    from music_minion.discovery.feed import HEARD_AT, outcomes_now
    from music_minion.store import kv

    a, b, c = tracks(build, 3)
    build.push([a], at=ago(hours=30))
    build.push([a, b, c], at=ago(hours=1))  # b and c: pushed an hour before my likes were read
    build.judgment(c, "liked")
    kv.put(db, HEARD_AT, ago(hours=0))
    assert outcomes_now(db, RankingSettings()) == {a: "ignored", c: "liked"}
    assert outcomes_now(db, RankingSettings(ignored_after_hours=0)) == {
        a: "ignored",
        b: "ignored",
        c: "liked",
    }
