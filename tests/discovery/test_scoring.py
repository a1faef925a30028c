"""Ranking as a pure function of hand-built rows: score, reasons, exclusions, caps, ties, recency."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from music_minion.config.schema import RankingSettings
from music_minion.discovery.scoring import (
    CandidateRow,
    Support,
    base_rate,
    genre_bits,
    hit_rate,
    rank,
    track_key,
)
from music_minion.timeutil import to_iso

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
RC = (
    RankingSettings()
)  # repost 1.0, like 0.8, upload 0.6, half-life 14 d, prior 4, cap 3, 1 bit a pick


def seen(days: float = 0.0) -> str:
    return to_iso(NOW - timedelta(days=days))


def sup(
    artist_id: int,
    kind: str = "repost",
    days: float = 0.0,
    *,
    name: str | None = None,
    weight: float = 1.0,
    liked: int = 0,
    dismissed: int = 0,
    position: int = 0,
    first_seen_at: str | None = "",
    watched: bool = True,
) -> Support:
    return Support(
        artist_id,
        name or f"A{artist_id}",
        kind,
        seen(days) if first_seen_at == "" else first_seen_at,
        position,
        weight,
        liked,
        dismissed,
        watched,
    )


def row(n: int, *supports: Support, **kw) -> CandidateRow:
    kw.setdefault("uploader_urn", f"soundcloud:users:u{n}")
    return CandidateRow(n, f"soundcloud:tracks:{n}", title=f"T{n}", supports=tuple(supports), **kw)


def urns(ranked) -> list[str]:
    return [r.row.urn for r in ranked]


def test_hit_rate_is_pulled_toward_the_base_rate():
    assert hit_rate(0, 0, 0, 0.5, RC) == 0.5
    assert hit_rate(1, 0, 0, 0.5, RC) == pytest.approx(3 / 5)
    assert hit_rate(0, 1, 0, 0.5, RC) == pytest.approx(2 / 5)
    assert hit_rate(0, 0, 2, 0.5, RC) == pytest.approx(2 / 5)  # two ignored count as one dismissal
    assert hit_rate(30, 0, 0, 0.5, RC) == pytest.approx(32 / 34)
    assert hit_rate(0, 0, 0, 0.2, RC) == pytest.approx(0.2)  # a new artist is as good as the rest
    assert base_rate(3, 5, 4, RC) == pytest.approx(4 / 12)


def test_key_is_the_evidence_plus_the_newest_supports_time():
    fresh = rank([row(1, sup(1, "repost", 0, weight=2.0))], RC, NOW)[0]
    assert fresh.score == pytest.approx(2 ** (1 + 1))  # a pick (1 bit) by an artist weighing 2
    old = rank([row(1, sup(1, "like", 14))], RC, NOW)[0]
    assert old.score == pytest.approx(2 ** (1 + math.log2(0.8) - 1))  # a like, one half-life old
    # A fresh repost (1 bit) and an old upload by an artist with 6 liked picks: hit rate 0.8, odds
    # 4 against the base's 1, so 1 + 2 bits, less the upload's; the newest time counts.
    both = rank([row(1, sup(1, "repost", 0), sup(2, "upload", 28, liked=6))], RC, NOW)[0]
    assert both.score == pytest.approx(2 ** (1 + 3 + math.log2(0.6)))


def test_a_curator_whose_picks_are_dismissed_counts_against_a_track():
    good, noisy = sup(1, liked=6), sup(2, dismissed=6)
    ranked = rank([row(1, good, noisy), row(2, sup(1, liked=6)), row(3, sup(3))], RC, NOW)
    assert urns(ranked) == ["soundcloud:tracks:2", "soundcloud:tracks:1", "soundcloud:tracks:3"]
    assert ranked[1].supporters[1].bits == pytest.approx(1 - 2)  # hit rate 0.2: odds 1/4


def test_an_artist_who_liked_and_reposted_counts_once_with_the_stronger_kind():
    r = rank([row(1, sup(1, "like"), sup(1, "repost"))], RC, NOW)[0]
    assert len(r.supporters) == 1
    assert r.supporters[0].kind == "repost" and r.supporters[0].kinds == ("repost", "like")
    assert r.score == pytest.approx(2.0)
    assert r.why(NOW) == "reposted by A1; liked by A1 · first seen just now"


def test_genres_learned_from_judgments_move_their_tracks():
    bits = genre_bits({"house": (6, 0, 0), "techno": (0, 6, 0), "ambient": (1, 1, 0)}, 0.5, RC)
    assert bits == {"house": 2.0, "techno": -2.0}  # ambient is even: no evidence
    assert genre_bits({"house": (6, 0, 0)}, 0.5, RankingSettings(genre_weight=0)) == {}
    rows = [row(1, sup(1), genre="Techno"), row(2, sup(2), genre=" House "), row(3, sup(3))]
    ranked = rank(rows, RC, NOW, genres=bits)
    assert urns(ranked) == ["soundcloud:tracks:2", "soundcloud:tracks:3", "soundcloud:tracks:1"]
    assert ranked[0].why(NOW) == "reposted by A2 · you like house · first seen just now"
    assert "you often skip techno" in ranked[2].why(NOW)
    assert ranked[0].key == track_key(rows[1], RC, genres=bits)


def test_every_supporter_is_named_in_why():
    r = rank(
        [
            row(
                1,
                sup(1, "repost", 3, name="Bea"),
                sup(2, "repost", 3, name="Al"),
                sup(3, "like", 3, name="Cy"),
                sup(4, "upload", 3, name="Di"),
            )
        ],
        RC,
        NOW,
    )[0]
    assert r.why(NOW) == "reposted by Al, Bea; liked by Cy; uploaded by Di · first seen 3d ago"
    assert {s.name for s in r.supporters} == {"Al", "Bea", "Cy", "Di"}


def test_more_distinct_supporters_rank_higher():
    ranked = rank([row(1, sup(1)), row(2, sup(1), sup(2), sup(3)), row(3, sup(2), sup(3))], RC, NOW)
    assert urns(ranked) == ["soundcloud:tracks:2", "soundcloud:tracks:3", "soundcloud:tracks:1"]


def test_recency_comes_from_first_seen_never_from_the_upload_date_or_a_missing_time():
    # Track 1 was uploaded years ago and first surfaced 400 days ago; track 2 has no upload date at
    # all (the "years-old track looking new" bug) but was first seen 60 days ago; track 3 has only
    # a support row without a time: it must never count as new, so it is not ranked at all.
    ranked = rank(
        [
            row(1, sup(1, days=400), sup(2, days=400), sup(3, days=400)),
            row(2, sup(1, days=60)),
            row(3, sup(1, first_seen_at=None), sup(2, first_seen_at="not a time")),
            row(4, sup(2, days=1)),
        ],
        RC,
        NOW,
    )
    assert urns(ranked) == ["soundcloud:tracks:4", "soundcloud:tracks:2", "soundcloud:tracks:1"]
    assert ranked[2].why(NOW).endswith("first seen 1y ago")


def test_a_deep_backfill_row_is_not_news():
    # Both first seen in the same backfill; one was 300 items down the artist's list.
    ranked = rank([row(1, sup(1, position=300)), row(2, sup(1, position=0))], RC, NOW)
    assert urns(ranked) == ["soundcloud:tracks:2", "soundcloud:tracks:1"]
    assert ranked[1].score == pytest.approx(2 ** (1 - 300 * 2 / 24 / 14))


@pytest.mark.parametrize(
    "field,value",
    [
        ("judged", True),
        ("owned", True),
        ("status", "deleted"),
        ("status", "unavailable"),
        ("access", "blocked"),
        ("retired", True),
    ],
)
def test_exclusions(field, value):
    kept = row(1, sup(1))
    gone = row(2, sup(1), sup(2), sup(3), **{field: value})
    assert urns(rank([kept, gone], RC, NOW)) == ["soundcloud:tracks:1"]


def test_unwatched_support_does_not_count():
    assert rank([row(1, sup(1, watched=False))], RC, NOW) == []
    r = rank([row(1, sup(1), sup(2, watched=False))], RC, NOW)[0]
    assert [s.artist_id for s in r.supporters] == [1]


def test_mixes_are_ranked_apart():
    rows = [
        row(1, sup(1), duration_ms=9 * 60_000),
        row(2, sup(1), sup(2), duration_ms=11 * 60_000),
        row(3, sup(2), duration_ms=None),
    ]
    assert urns(rank(rows, RC, NOW)) == ["soundcloud:tracks:1", "soundcloud:tracks:3"]
    mixes = rank(rows, RC, NOW, mixes=True)
    assert urns(mixes) == ["soundcloud:tracks:2"] and mixes[0].is_mix and mixes[0].rank == 1


def test_per_artist_cap_by_uploader_and_by_strongest_supporter():
    rc = RankingSettings(per_artist_cap=2)
    # Five tracks of one prolific uploader, each reposted by a different artist.
    same_uploader = [row(i, sup(i), uploader_urn="soundcloud:users:prolific") for i in range(1, 6)]
    # Five tracks reposted by one prolific reposter (artist 99, heavy weight), distinct uploaders.
    same_reposter = [row(10 + i, sup(99, weight=3.0)) for i in range(5)]
    ranked = rank(same_uploader + same_reposter + [row(50, sup(7, days=30))], rc, NOW)
    assert sum(r.row.uploader_urn == "soundcloud:users:prolific" for r in ranked) == 2
    assert sum(r.lead_artist_id == 99 for r in ranked) == 2
    assert "soundcloud:tracks:50" in urns(ranked)
    assert [r.rank for r in ranked] == list(range(1, len(ranked) + 1))


def test_ties_are_deterministic_score_then_first_seen_then_urn():
    rows = [
        row(3, sup(1, days=2)),
        row(1, sup(2, days=2)),
        row(2, sup(3, days=2)),
        # same score as the others: a weight twice as high, one half-life older
        row(9, sup(4, days=16, weight=2.0)),
    ]
    expected = None
    for seed in range(5):
        shuffled = rows[:]
        random.Random(seed).shuffle(shuffled)
        got = urns(rank(shuffled, RC, NOW))
        expected = expected or got
        assert got == expected
    assert expected[:3] == ["soundcloud:tracks:1", "soundcloud:tracks:2", "soundcloud:tracks:3"]
    assert expected[3] == "soundcloud:tracks:9"


def test_limit_and_components():
    ranked = rank([row(i, sup(i % 4 + 1, days=i)) for i in range(1, 30)], RC, NOW, limit=5)
    assert len(ranked) == 5
    d = ranked[0].as_dict(NOW, RC)
    comp = d["components"]["supporters"][0]
    assert comp["hit_rate"] == 0.5 and comp["kind_weight"] == 1.0 and comp["artist_weight"] == 1.0
    assert comp["bits"] == pytest.approx(1.0)
    assert d["components"]["recency_half_lives"] == pytest.approx(-1 / 14, abs=1e-5)
    total = d["components"]["bits"] + d["components"]["genre_bits"]
    assert d["score"] == pytest.approx(
        2 ** (total + d["components"]["recency_half_lives"]), rel=1e-5
    )


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 6),
            st.sampled_from(["like", "repost", "upload"]),
            st.floats(0, 400),
            st.integers(0, 50),
            st.sampled_from([0.5, 1.0, 2.0]),
        ),
        min_size=1,
        max_size=25,
    ),
    st.floats(1, 2000),
)
def test_order_never_depends_on_the_clock(specs, later_days):
    rows = [
        row(i, sup(a, kind, days, position=pos, weight=w))
        for i, (a, kind, days, pos, w) in enumerate(specs)
    ]
    first = rank(rows, RC, NOW)
    later = rank(rows, RC, NOW + timedelta(days=later_days))
    assert urns(first) == urns(later)
    for r in first:
        assert r.key == track_key(r.row, RC)


def test_why_can_name_the_strongest_and_count_the_rest():
    rows = [row(1, *[sup(i, "repost", name=f"R{i}") for i in range(1, 6)])]
    r = rank(rows, RC, NOW)[0]
    full = r.why(NOW)
    assert all(f"R{i}" in full for i in range(1, 6)) and "+" not in full
    short = r.why(NOW, max_names=3)
    assert (
        short.startswith("reposted by ") and short.count(",") == 2 and " +2 · first seen" in short
    )
