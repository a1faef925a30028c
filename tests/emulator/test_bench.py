"""The emulator benchmark runs (tiny size) and reports its figures per the benchmark contract."""

from __future__ import annotations


def test_bench_emulator_quick():
    from benchmarks import bench_emulator

    figures = bench_emulator.run(quick=True)
    assert [f["name"] for f in figures] == [
        "emulator_list_pages",
        "emulator_track_objects",
        "emulator_small_requests",
    ]
    for f in figures:
        assert set(f) == {"name", "figure", "unit", "target", "passed", "details"}
        assert f["figure"] > 0 and f["passed"] is True
