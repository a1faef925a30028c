"""The library benchmarks run on tiny sizes and report figures in the contract's shape."""

from __future__ import annotations

import pytest

KEYS = {"name", "figure", "unit", "target", "passed", "details"}


@pytest.mark.parametrize("module", ["bench_scan", "bench_match"])
def test_benchmark_runs_quick(module):
    import importlib

    results = importlib.import_module(f"benchmarks.{module}").run(quick=True)
    assert results and all(set(r) == KEYS for r in results)
    assert all(isinstance(r["figure"], float | int) and r["figure"] > 0 for r in results)
    if module == "bench_match":
        precision = next(r for r in results if r["name"] == "match_precision")
        assert precision["passed"] and precision["details"]["recall"] >= 0.9
