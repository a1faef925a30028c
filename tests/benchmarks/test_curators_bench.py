"""bench_curators: the quick run end to end (the real CLI against a taste world), rows in the
benchmark contract's shape."""

from __future__ import annotations

from benchmarks.bench_curators import cosine


def test_cosine_of_tastes() -> None:
    assert cosine({"a": 1.0}, {"a": 2.0}) == 1.0
    assert cosine({"a": 1.0}, {"b": 1.0}) == 0.0
    assert cosine({}, {"a": 1.0}) == 0.0


def test_quick_run_reports_the_three_figures() -> None:
    from benchmarks import bench_curators

    rows = bench_curators.run(quick=True)
    assert [r["name"] for r in rows] == [
        "curators_affinity_vs_random",
        "curators_precision_after_add",
        "curators_requests_per_run",
    ]
    for r in rows:
        assert set(r) == {"name", "figure", "unit", "target", "passed", "details"}
    details = rows[0]["details"]
    [seed] = details["per_seed"]
    assert seed["seed"] == bench_curators.QUICK.seeds[0]
    assert seed["with_add"]["requests_cached"] <= 1 < seed["with_add"]["requests_first"]
    assert len(seed["with_add"]["added"]) == bench_curators.QUICK.add
    assert rows[0]["figure"] == details["affinity_ratio"]["mean"] == seed["affinity_ratio"]
    a = seed["with_add"]["affinity"]
    assert a["suggested"] <= a["ceiling"] <= a["ceiling_world"]  # no ranking beats the oracles
    assert a["likers"] >= 1 and seed["all_likers_ratio"] == a["suggested"] / a["all_likers"]
    assert rows[2]["figure"] <= 300  # inside the default request budget
    assert "mean" in bench_curators.table(details) and "ceiling" in bench_curators.table(details)


def test_spread_and_seed_parsing() -> None:
    import argparse

    import pytest
    from benchmarks.bench_curators import _seeds, _setting, spread

    assert spread([2.0, None, 1.0]) == {"mean": 1.5, "min": 1.0, "seeds": 2}
    assert spread([None]) == {"mean": None, "min": None, "seeds": 0}
    assert _seeds("1,2, 5") == (1, 2, 5)
    with pytest.raises(argparse.ArgumentTypeError):
        _seeds("1,x")
    assert _setting("curators.suggest_likes = 100") == ("curators.suggest_likes", "100")
    for bad in ("suggest_likes=100", "curators.suggest_likes"):
        with pytest.raises(argparse.ArgumentTypeError):
            _setting(bad)


def test_the_random_likers_are_the_worlds_likers_of_my_tracks() -> None:
    """The baseline's pool is the world's truth: everyone but me and the left-out accounts whose
    likes hold one of my liked tracks, with nothing fetched by the product."""
    from benchmarks.bench_curators import world_likers
    from benchmarks.bench_quality import DEFAULT_MIX, Emulator

    from music_minion.emulator.testing import start_emulator

    with start_emulator(seed=2, size="tiny", taste={"mix": DEFAULT_MIX}) as emu:
        w, truth = emu.world, Emulator(emu.info()).call("taste")
        tastes = {u: c["taste"] for u, c in truth["curators"].items()} | truth["population"]
        left_out = set(w.artist_urns[:1])
        pool = world_likers(Emulator(emu.info()), tastes, left_out)
        mine = set(w.likes[w.me_urn])
        expected = {u for u, likes in w.likes.items() if mine & set(likes)} - left_out - {w.me_urn}
        assert pool == sorted(expected) and len(pool) >= 3
        assert w.me_urn not in tastes and not left_out & set(pool)
