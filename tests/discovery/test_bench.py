"""The discovery benchmarks run (tiny sizes) and report figures in the contract's shape."""

from __future__ import annotations

import pytest

KEYS = {"name", "figure", "unit", "target", "passed", "details"}


@pytest.mark.parametrize("module", ["bench_merge", "bench_sync"])
def test_benchmark_runs_quick(home, module: str) -> None:
    import importlib

    figures = importlib.import_module(f"benchmarks.{module}").run(quick=True)
    assert figures and all(set(f) == KEYS for f in figures)
    assert all(f["passed"] for f in figures), figures
    if module == "bench_sync":
        inc = next(f for f in figures if f["name"].startswith("incremental"))
        assert inc["details"]["requests"] == inc["details"]["served_by_emulator"] == 6
    else:
        assert all(f["details"]["provenance_rows"] > 0 for f in figures)
