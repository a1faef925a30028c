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
    assert details["with_add"]["requests_cached"] <= 1 < details["with_add"]["requests_first"]
    assert len(details["with_add"]["added"]) == bench_curators.QUICK.add
    assert rows[2]["figure"] <= 300  # inside the default request budget
