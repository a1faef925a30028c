"""`python -m benchmarks --quick`: every bench module runs, one row set each, one table and one JSON report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"module", "name", "figure", "unit", "target", "passed", "details", "seconds"}


def test_quick_run_reports_every_module(tmp_path):
    from benchmarks.__main__ import discover

    modules = discover()
    assert {"startup", "export"} <= set(modules)
    out = tmp_path / "nested" / "bench.json"
    env = {**os.environ, "COLUMNS": "200"}
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(out.read_text("utf-8"))
    assert report["quick"] is True
    rows = report["results"]
    assert all(set(r) >= KEYS for r in rows)
    assert {r["module"] for r in rows} == set(modules)
    errors = {r["module"]: r["details"]["error"] for r in rows if "error" in r["details"]}
    assert not errors, errors
    printed = [line.split("\t") for line in proc.stdout.splitlines() if "\t" in line]
    assert printed[0] == ["module", "benchmark", "figure", "unit", "target", "result"]
    for module in modules:  # piped: one tab-separated line per figure
        assert any(cells[0] == module and len(cells) == 6 for cells in printed), module
    assert proc.returncode == (0 if all(r["passed"] for r in rows) else 1)
    # Quick mode is what the test suite pays for: it must stay well under a minute in total.
    assert report["seconds"] < 60, {r["module"]: r["seconds"] for r in rows}


def test_a_failing_module_is_a_failed_row_not_a_crash(tmp_path, monkeypatch):
    from benchmarks.__main__ import run_module

    (tmp_path / "bench_broken.py").write_text(
        "def run(quick):\n    raise RuntimeError('disk on fire')\n", "utf-8"
    )
    (tmp_path / "bench_shapeless.py").write_text(
        "def run(quick):\n    return [{'name': 'x'}]\n", "utf-8"
    )
    (tmp_path / "bench_fine.py").write_text(
        textwrap.dedent("""
        def run(quick):
            return [{"name": "speed", "figure": 2.5, "unit": "x", "target": ">= 2", "passed": quick, "details": {}}]
    """),
        "utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    broken = run_module("bench_broken", quick=True)
    assert len(broken) == 1 and broken[0]["passed"] is False and broken[0]["module"] == "broken"
    assert "RuntimeError: disk on fire" in broken[0]["details"]["error"]
    shapeless = run_module("bench_shapeless", quick=True)
    assert shapeless[0]["passed"] is False and "contract" in shapeless[0]["details"]["error"]
    fine = run_module("bench_fine", quick=True)
    assert fine[0]["passed"] is True and fine[0]["figure"] == 2.5 and fine[0]["module"] == "fine"
    assert run_module("bench_fine", quick=False)[0]["passed"] is False


def test_only_selects_and_unknown_names_are_usage_errors(tmp_path):
    out = tmp_path / "r.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", "startup", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert {r["module"] for r in json.loads(out.read_text("utf-8"))["results"]} == {"startup"}
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--only", "nosuch"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "unknown benchmark nosuch" in proc.stderr
