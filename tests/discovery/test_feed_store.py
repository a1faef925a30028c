"""The feed over a real SQLite store: stored keys, exclusions from other tables, filters, refreshes,
and the same answer as ranking every candidate in Python."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from music_minion.config.schema import RankingSettings, ReviewSettings
from music_minion.discovery import verdicts
from music_minion.discovery.feed import build_feed, refresh_scores
from music_minion.discovery.retired import RetireRules
from music_minion.discovery.scoring import CandidateRow, Support, base_rate, genre_bits, rank
from music_minion.timeutil import now
from tests.discovery.builder import Builder, ago

RC = RankingSettings()


def fresh_feed(db, rc: RankingSettings, **filters):
    """The feed as `feed` shows it: keys refreshed first, then read."""
    refresh_scores(db, rc)
    return build_feed(db, rc, rules=RetireRules.of(rc, ReviewSettings()), **filters)


def cfg(**changes) -> RankingSettings:
    return RankingSettings(**changes)


def learned(conn) -> dict:
    """The base rate and genre bits the judgments teach, recounted with plain SQL."""
    verdicts = [r[0] for r in conn.execute("SELECT verdict FROM judgments")]
    liked = verdicts.count("liked")
    base = round(base_rate(liked, len(verdicts) - liked, 0, RC) * 50) / 50
    outcomes: dict[str, list[int]] = {}
    for genre, verdict in conn.execute(
        "SELECT lower(trim(t.genre)), j.verdict FROM judgments j JOIN tracks t ON t.id = j.track_id "
        "WHERE coalesce(trim(t.genre), '') != ''"
    ):
        outcomes.setdefault(genre, [0, 0, 0])[0 if verdict == "liked" else 1] += 1
    return {
        "base": base,
        "genres": genre_bits({g: tuple(c) for g, c in outcomes.items()}, base, RC),
    }


def every_candidate(conn) -> list[CandidateRow]:
    """All tracks with their provenance and flags, read with plain SQL independent of the store code."""
    liked: dict[int, int] = {}
    dismissed: dict[int, int] = {}
    for aid, verdict, n in conn.execute(
        "SELECT p.artist_id, j.verdict = 'liked', count(DISTINCT p.track_id) FROM provenance p JOIN judgments j USING (track_id) "
        "GROUP BY 1, 2"
    ):
        (liked if verdict else dismissed)[aid] = n
    artists = {r[0]: r for r in conn.execute("SELECT id, username, weight, watched FROM artists")}
    sups: dict[int, list[Support]] = {}
    for tid, aid, kind, fs, pos in conn.execute(
        "SELECT track_id, artist_id, kind, first_seen_at, position FROM provenance"
    ):
        a = artists[aid]
        sups.setdefault(tid, []).append(
            Support(
                aid, a[1], kind, fs, pos, a[2], liked.get(aid, 0), dismissed.get(aid, 0), bool(a[3])
            )
        )
    judged = {r[0] for r in conn.execute("SELECT track_id FROM judgments")}
    owned = {r[0] for r in conn.execute("SELECT track_id FROM my_likes WHERE gone_at IS NULL")}
    owned |= {
        r[0]
        for r in conn.execute(
            "SELECT track_id FROM local_files WHERE match_status IN ('exact', 'auto', 'accepted') AND status != 'gone'"
        )
    }
    pushes: dict[int, int] = {}  # these tests push a day apart, so every push counts
    for (tid,) in conn.execute(
        "SELECT pt.track_id FROM playlist_push_tracks pt JOIN playlist_pushes pp ON pp.id = pt.push_id WHERE pp.status = 'ok'"
    ):
        pushes[tid] = pushes.get(tid, 0) + 1
    return [
        CandidateRow(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
            r[7],
            r[8],
            r[9],
            tuple(sups.get(r[0], ())),
            r[0] in judged,
            r[0] in owned,
            pushes.get(r[0], 0) >= RC.max_ignored_pushes,
        )
        for r in conn.execute(
            "SELECT id, urn, title, uploader_name, uploader_urn, permalink_url, duration_ms, genre, status, access FROM tracks"
        )
    ]


def urns(ranked) -> list[str]:
    return [r.row.urn for r in ranked]


def test_owned_judged_pushed_and_deleted_tracks_stay_out(db, build: Builder):
    a, b = build.artist("Alpha"), build.artist("Beta")
    t = {n: build.track(n, uploader=f"u{n}") for n in range(1, 10)}
    for n, tid in t.items():
        build.prov(tid, a, "repost", ago(days=n))
        build.prov(tid, b, "like", ago(days=n))
    build.local_file(t[1], "exact")  # owned as a matched file
    build.local_file(t[2], "review")  # a proposed match is not ownership
    build.local_file(t[3], "auto", status="gone")  # a file that is gone does not own
    build.my_like(t[4])  # owned as my SoundCloud like
    build.my_like(t[5], gone=True)  # a like taken back no longer owns
    build.judgment(t[6], "not_quite", "soundcloud_playlist")
    build.push([t[7]], at=ago(days=3))
    build.push([t[7], t[8]], at=ago(days=1))  # in the playlist for two days, never judged: retired
    db.execute("UPDATE tracks SET status = 'deleted' WHERE id = ?", (t[9],))
    got = urns(fresh_feed(db, cfg(per_artist_cap=10), limit=50))
    assert got == [
        "soundcloud:tracks:2",
        "soundcloud:tracks:3",
        "soundcloud:tracks:5",
        "soundcloud:tracks:8",
    ]
    assert got == urns(
        rank(every_candidate(db), RankingSettings(per_artist_cap=10), now(), limit=50)
    )


def test_feed_matches_ranking_every_candidate(db, build: Builder):
    rng = random.Random(7)
    artists = [
        build.artist(f"Artist {i}", weight=rng.choice((0.5, 1.0, 2.0)), watched=i != 3)
        for i in range(12)
    ]
    tracks = [
        build.track(
            n,
            uploader=f"up{rng.randrange(30)}",
            duration_ms=rng.choice((200_000, 700_000, None)),
            genre=rng.choice(("house", "techno", None)),
        )
        for n in range(1, 400)
    ]
    for tid in tracks:
        for aid in rng.sample(artists, rng.randint(1, 4)):
            build.prov(
                tid,
                aid,
                rng.choice(("like", "repost", "upload")),
                ago(days=rng.random() * 90),
                rng.randrange(40),
            )
    for tid in rng.sample(tracks, 60):
        build.judgment(tid, rng.choice(("liked", "not_interested", "not_quite")))
    for tid in rng.sample(tracks, 20):
        build.local_file(tid)
    build.push(rng.sample(tracks, 30), at=ago(days=3))  # a day apart: each push counts
    build.push(rng.sample(tracks, 30), at=ago(days=1))
    moment = now()
    for limit in (1, 7, 25, 100, 1000):
        for mixes in (False, True):
            fast = fresh_feed(db, cfg(), limit=limit, mixes=mixes, at=moment)
            slow = rank(every_candidate(db), RC, moment, limit=limit, mixes=mixes, **learned(db))
            assert urns(fast) == urns(slow)
            assert [r.score for r in fast] == pytest.approx([r.score for r in slow])
    everything = fresh_feed(db, cfg(), limit=1000)
    assert len(everything) >= 20
    from collections import Counter

    assert max(Counter(r.row.uploader_urn for r in everything).values()) == 3
    assert max(Counter(r.lead_artist_id for r in everything).values()) == 3


def test_judging_moves_hit_rates_and_the_partial_refresh_equals_a_full_one(db, build: Builder):
    good, bad = build.artist("Good"), build.artist("Bad")
    for n in range(1, 7):
        build.prov(build.track(n, uploader=f"u{n}"), good if n % 2 else bad, "repost", ago(days=1))
    before = urns(fresh_feed(db, cfg()))
    assert len(before) == 6
    # Dismiss two of Bad's picks and like two of Good's: Good's remaining pick now outranks Bad's.
    for urn, verdict in (
        ("soundcloud:tracks:2", "not_interested"),
        ("soundcloud:tracks:4", "not_quite"),
        ("soundcloud:tracks:1", "liked"),
        ("soundcloud:tracks:3", "liked"),
    ):
        verdicts.judge_track(db, verdicts.resolve_track(db, urn)["id"], verdict)
    after = fresh_feed(db, cfg())
    assert urns(after) == ["soundcloud:tracks:5", "soundcloud:tracks:6"]
    assert after[0].supporters[0].hit_rate == pytest.approx(4 / 6)
    assert after[1].supporters[0].hit_rate == pytest.approx(2 / 6)
    partial = dict(db.execute("SELECT track_id, key FROM rank_scores").fetchall())
    assert refresh_scores(db, cfg(), full=True)["mode"] == "full"
    assert dict(db.execute("SELECT track_id, key FROM rank_scores").fetchall()) == partial
    verdicts.unjudge_track(db, verdicts.resolve_track(db, "soundcloud:tracks:2")["id"])
    assert "soundcloud:tracks:2" in urns(fresh_feed(db, cfg()))


def test_refresh_notices_new_rows_weights_and_settings(db, build: Builder):
    a, b = build.artist("A"), build.artist("B")
    t1, t2 = build.track(1, uploader="x"), build.track(2, uploader="y")
    build.prov(t1, a, "repost", ago(days=1))
    build.prov(t2, b, "repost", ago(days=2))
    assert urns(fresh_feed(db, cfg())) == ["soundcloud:tracks:1", "soundcloud:tracks:2"]
    assert refresh_scores(db, cfg())["mode"] == "fresh"
    db.execute(
        "UPDATE artists SET weight = 3, updated_at = ? WHERE id = ?", (ago(), b)
    )  # like `artists weight`
    assert refresh_scores(db, cfg()) == {"mode": "partial", "tracks": 1, "changed_artists": 1}
    assert urns(fresh_feed(db, cfg())) == ["soundcloud:tracks:2", "soundcloud:tracks:1"]
    db.execute(
        "UPDATE artists SET updated_at = ? WHERE id = ?", (ago(), a)
    )  # a check that found nothing new
    assert refresh_scores(db, cfg()) == {"mode": "partial", "tracks": 0, "changed_artists": 0}
    t3 = build.track(3, uploader="z")
    build.prov(t3, a, "repost", ago())
    build.prov(t3, b, "like", ago())
    assert refresh_scores(db, cfg())["mode"] == "partial"
    assert urns(fresh_feed(db, cfg()))[0] == "soundcloud:tracks:3"
    # A row first seen "long ago" on an existing track (an import, say) cannot be placed: all keys again.
    build.prov(t1, b, "like", ago(days=40))
    assert refresh_scores(db, cfg())["mode"] == "full"
    assert {
        s.artist_id
        for s in next(r for r in fresh_feed(db, cfg()) if r.row.track_id == t1).supporters
    } == {a, b}
    assert (
        refresh_scores(db, cfg(weight_like=0.0))["mode"] == "full"
    )  # a setting changed: all keys again
    ranked = {
        r.row.urn: r for r in fresh_feed(db, cfg(weight_like=0.0))
    }  # B's like now weighs nothing
    assert [s.artist_id for s in ranked["soundcloud:tracks:3"].supporters] == [a]
    assert list(ranked)[0] == "soundcloud:tracks:2"
    db.execute("UPDATE artists SET watched = 0, updated_at = ? WHERE id = ?", (ago(), b))
    assert urns(fresh_feed(db, cfg(weight_like=0.0))) == [
        "soundcloud:tracks:3",
        "soundcloud:tracks:1",
    ]


def test_filters_since_genre_artist(db, build: Builder):
    a, b = build.artist("Alpha"), build.artist("Beta")
    t1 = build.track(1, genre="Deep House", uploader="u1")
    t2 = build.track(2, genre="Techno", tags="dark industrial", uploader="u2")
    t3 = build.track(
        3,
        genre=None,
        uploader="Beta",
        uploader_urn=db.execute("SELECT urn FROM artists WHERE id = ?", (b,)).fetchone()[0],
    )
    build.prov(t1, a, "repost", ago(days=1))
    build.prov(t2, a, "like", ago(days=10))
    build.prov(t3, a, "repost", ago(days=20))
    assert urns(fresh_feed(db, cfg(), since_days=5)) == ["soundcloud:tracks:1"]
    assert urns(fresh_feed(db, cfg(), genre="house")) == ["soundcloud:tracks:1"]
    assert urns(fresh_feed(db, cfg(), genre="INDUSTRIAL")) == ["soundcloud:tracks:2"]
    assert urns(fresh_feed(db, cfg(), genre="100%")) == []
    assert urns(fresh_feed(db, cfg(), artist="beta")) == ["soundcloud:tracks:3"]  # uploaded by Beta
    assert len(fresh_feed(db, cfg(), artist="Alpha")) == 3
    from music_minion.errors import MinionError

    with pytest.raises(MinionError):
        fresh_feed(db, cfg(), artist="nobody")


def test_first_seen_of_a_track_is_its_earliest_counted_support(db, build: Builder):
    a, b = build.artist("A"), build.artist("B")
    t = build.track(1)
    build.prov(t, a, "repost", ago(days=30))
    build.prov(t, b, "repost", ago(days=2))
    r = fresh_feed(db, cfg())[0]
    assert (
        ago(days=30, hours=1) <= r.first_seen_at <= ago(days=29, hours=23)
    )  # A's row, not B's newer one
    assert r.why(now() + timedelta(seconds=1)).endswith("first seen 30d ago")


@pytest.mark.parametrize(
    "change",
    [{"pick_bits": 2.0}, {"ignored_weight": 0.2}, {"genre_weight": 0.0}, {"half_life_days": 3.0}],
)
def test_any_ranking_setting_changed_recomputes_every_key(db, build, change) -> None:
    a = build.artist("A")
    build.prov(build.track(1), a, "repost", ago())
    refresh_scores(db, cfg())
    assert refresh_scores(db, cfg())["mode"] == "fresh"
    assert refresh_scores(db, cfg(**change))["mode"] == "full"
