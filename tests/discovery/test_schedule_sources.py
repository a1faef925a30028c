"""The adaptive schedule, source configuration, import-file parsing and input normalisation."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from music_minion.discovery import schedule
from music_minion.discovery.sources import Walk, configured_sources, walk
from music_minion.discovery.watchlist import normalize_input, parse_import
from music_minion.errors import MinionError


def test_the_interval_grows_with_quiet_time_and_activity_resets_it() -> None:
    days = [0, 0.5, 1, 2, 4, 8, 14, 30]
    seen = [schedule.next_interval(d * 24, False, 6, 168) for d in days]
    assert seen == [6, 6, 12, 24, 48, 96, 168, 168]
    assert schedule.next_interval(30 * 24, True, 6, 168) == 6


def test_checks_minutes_apart_do_not_grow_the_interval() -> None:
    added = datetime(2026, 1, 1, 12, tzinfo=UTC)
    at = added + timedelta(days=1)
    hours = [
        schedule.after_check(added, False, at + timedelta(minutes=m), 6, 168).interval_hours
        for m in range(0, 10, 2)  # five `sync --all` runs in ten minutes
    ]
    assert max(hours) - min(hours) < 0.1 and hours[0] == pytest.approx(12)


@given(st.floats(0, 10_000), st.booleans(), st.floats(0, 100), st.floats(0, 1000))
def test_interval_always_within_bounds(
    current: float, active: bool, low: float, high: float
) -> None:
    h = schedule.next_interval(current, active, low, high)
    assert low <= h <= max(low, high)
    if active:
        assert h == low


def test_after_check_sets_next_check_and_activity() -> None:
    at = datetime(2026, 1, 1, 12, tzinfo=UTC)
    s = schedule.after_check(at - timedelta(days=4), False, at, 6, 168)  # quiet 4 days
    assert (s.interval_hours, s.checked_at, s.next_check_at, s.activity_at) == (
        48,
        "2026-01-01T12:00:00Z",
        "2026-01-03T12:00:00Z",
        None,
    )
    assert schedule.after_check(None, False, at, 6, 168).interval_hours == 6
    s = schedule.after_check(at - timedelta(days=4), True, at, 6, 168)
    assert (s.interval_hours, s.next_check_at, s.activity_at) == (
        6,
        "2026-01-01T18:00:00Z",
        "2026-01-01T12:00:00Z",
    )


def test_configured_sources() -> None:
    assert configured_sources(["reposts", "likes", "likes"]) == ["reposts", "likes"]
    with pytest.raises(MinionError, match="unknown source 'follows'"):
        configured_sources(["follows"])
    with pytest.raises(MinionError, match="is empty"):
        configured_sources([])


def test_bad_sources_config_is_one_line(home, mm) -> None:
    r = mm("config", "set", "discovery.sources", "likes,tweets")
    assert r.code == 1 and "got 'tweets'" in r.err  # refused before it can break a sync
    path = Path(os.environ["MUSIC_MINION_CONFIG"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[discovery]\nsources = ["likes", "tweets"]\n')  # edited by hand
    r = mm("sync")
    assert r.code == 1 and r.err.count("\n") == 1
    assert r.err.startswith("error: discovery.sources must be one of likes, reposts, uploads")


class _Item:
    def __init__(self, urn: str) -> None:
        self.urn = urn


class _ListSource:
    """A source over a plain list (the walk logic itself, no HTTP)."""

    name = "test"

    def __init__(self, urns: list[str]) -> None:
        self.urns = urns
        self.pulled = 0

    def items(self, client, page_cap):  # noqa: ANN001
        async def gen():
            for u in self.urns:
                self.pulled += 1
                yield _Item(u)

        return gen()


@pytest.mark.parametrize(
    ("known", "item_cap", "page_cap", "want", "stopped", "complete", "pulled"),
    [
        (None, None, None, ["a", "b", "c", "d"], False, True, 4),
        ({"c"}, None, 5, ["a", "b"], True, False, 3),
        (lambda u: u == "a", None, 5, [], True, False, 1),
        (None, 2, None, ["a", "b"], False, False, 2),
    ],
)
def test_walk_stops_at_first_known_or_cap(
    known, item_cap, page_cap, want, stopped, complete, pulled
) -> None:  # noqa: ANN001
    import asyncio

    src = _ListSource(["a", "b", "c", "d"])
    w: Walk = asyncio.run(walk(src, None, page_cap=page_cap, known=known, item_cap=item_cap))
    assert [i.urn for i in w.items] == want
    assert (w.stopped_at_known, w.complete, src.pulled) == (stopped, complete, pulled)


def test_normalize_input() -> None:
    assert (
        normalize_input("  http://www.soundcloud.com/Some-DJ/?ref=x ")
        == "https://soundcloud.com/Some-DJ"
    )
    assert normalize_input("https://m.soundcloud.com/dj#top") == "https://soundcloud.com/dj"
    assert normalize_input("some-dj/") == "some-dj"


def test_parse_import_plain_lines_and_csv(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(
        'https://soundcloud.com/a\n\n# skip\nb\n"https://soundcloud.com/c",0.5,core\n', "utf-8"
    )
    got = [(w.input, w.weight, w.tier) for w in parse_import(f)]
    assert got == [
        ("https://soundcloud.com/a", None, None),
        ("b", None, None),
        ("https://soundcloud.com/c", 0.5, "core"),
    ]
    neg = tmp_path / "neg.csv"
    neg.write_text("a,-1\n")
    with pytest.raises(MinionError, match="line 1: weight must be 0 or more"):
        parse_import(neg)
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n\n")
    with pytest.raises(MinionError, match="names no artists"):
        parse_import(empty)
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(MinionError, match="not UTF-8"):
        parse_import(binary)


def test_track_row_drops_counts_sqlite_cannot_store() -> None:
    from music_minion.discovery.sources import track_row
    from music_minion.soundcloud.models import Track
    from music_minion.store import tracks as tracks_store

    t = Track(
        urn="soundcloud:tracks:1",
        title="x",
        duration_ms=2**63,
        playback_count=2**63 - 1,
        likes_count=-(2**63) - 1,
        reposts_count=3,
    )
    row = dict(zip(tracks_store.TRACK_COLUMNS, track_row(t), strict=True))
    assert (
        row["duration_ms"],
        row["playback_count"],
        row["likes_count"],
        row["reposts_count"],
    ) == (None, 2**63 - 1, None, 3)
    assert row["urn"] == "soundcloud:tracks:1" and row["title"] == "x"
