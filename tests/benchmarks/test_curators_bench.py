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
    assert a["suggested"] <= a["ceiling"]  # no ranking beats the oracle of the same lists
    assert rows[2]["figure"] <= 300  # inside the default request budget
    assert "mean" in bench_curators.table(details) and "ceiling" in bench_curators.table(details)


def test_spread_and_seed_parsing() -> None:
    import argparse

    import pytest
    from benchmarks.bench_curators import _seeds, spread

    assert spread([2.0, None, 1.0]) == {"mean": 1.5, "min": 1.0, "seeds": 2}
    assert spread([None]) == {"mean": None, "min": None, "seeds": 0}
    assert _seeds("1,2, 5") == (1, 2, 5)
    with pytest.raises(argparse.ArgumentTypeError):
        _seeds("1,x")
