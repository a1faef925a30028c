"""Run every benchmark: `python -m benchmarks [--quick] [--only NAME ...] [--json PATH]`.

Discovers each `benchmarks/bench_*.py`, calls its `run(quick)` (the contract in CONTRIBUTING.md),
prints one table (module, benchmark, figure, unit, target, pass/fail) and writes the rows as JSON
(default `bench-results.json`). A module that raises, or returns rows not in the contract's shape,
becomes one failed row with the error; the others still run. Exit status: 0 when every row passed,
1 when a target was missed or a module failed, 2 for bad usage (an unknown --only name).
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
KEYS = ("name", "figure", "unit", "target", "passed", "details")


def discover(folder: Path = HERE) -> list[str]:
    """Short names (`startup`, `export`, ...) of the `bench_*.py` modules in `folder`, sorted."""
    return sorted(p.stem.removeprefix("bench_") for p in folder.glob("bench_*.py"))


def _check(rows: Any) -> list[dict]:
    if not isinstance(rows, list) or not rows:
        raise TypeError(f"run() returned {type(rows).__name__}, expected a non-empty list of dicts")
    for row in rows:
        if not isinstance(row, dict) or set(KEYS) - set(row):
            raise TypeError(f"a row lacks the contract's keys {KEYS}: {row!r:.200}")
    return rows


def run_module(module: str, quick: bool, short: str | None = None) -> list[dict]:
    """Import `module`, call `run(quick)` and return its rows tagged with the module and its time.

    Never raises for a failing benchmark: an exception becomes one failed row carrying the error.
    """
    short = short or module.rsplit(".", 1)[-1].removeprefix("bench_")
    start = time.perf_counter()
    try:
        rows = _check(importlib.import_module(module).run(quick))
    except (Exception, SystemExit) as e:  # noqa: BLE001 - one broken module must not sink the report
        seconds = time.perf_counter() - start
        tb = traceback.format_exception(e)
        return [
            {
                "module": short,
                "name": short,
                "figure": None,
                "unit": "",
                "target": "",
                "passed": False,
                "seconds": round(seconds, 3),
                "details": {"error": f"{type(e).__name__}: {e}", "traceback": "".join(tb[-3:])},
            }
        ]
    seconds = time.perf_counter() - start
    return [
        {"module": short, **row, "passed": bool(row["passed"]), "seconds": round(seconds, 3)}
        for row in rows
    ]


def _figure(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return (
            f"{value:,.3f}"
            if abs(value) < 10
            else f"{value:,.1f}"
            if abs(value) < 10_000
            else f"{value:,.0f}"
        )
    return f"{value:,}" if isinstance(value, int) else str(value)


def print_table(rows: list[dict], quick: bool) -> None:
    """One row per figure, as the product prints its lists: fitted to a terminal, tab-separated
    when piped (a log keeps every value whole)."""
    from music_minion.cli.table import fixed, table, text

    def result(r: dict) -> str:
        error = r["details"].get("error") if isinstance(r.get("details"), dict) else None
        return "pass" if r["passed"] else f"error {error}" if error else "FAIL"

    table(
        f"Benchmarks{' (quick sizes)' if quick else ''}",
        [
            fixed("module"),
            text("benchmark", 3, 24),
            fixed("figure"),
            text("unit", 1, 10),
            text("target", 2, 16),
            text("result", 1, 6),
        ],  # fmt: skip
        [
            [
                r["module"],
                str(r["name"]),
                _figure(r["figure"]),
                str(r["unit"]),
                str(r["target"]),
                result(r),
            ]  # fmt: skip
            for r in rows
        ],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="Run the benchmarks and report one table."
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes (what the test suite runs)"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        action="extend",
        metavar="NAME",
        help="run only these (e.g. startup export)",
    )
    parser.add_argument(
        "--json",
        dest="json_path",
        default="bench-results.json",
        metavar="PATH",
        help="where to write the rows",
    )
    args = parser.parse_args(argv)

    names = discover()
    if args.only:
        wanted = [n.removeprefix("bench_").removesuffix(".py") for n in args.only]
        unknown = [n for n in wanted if n not in names]
        if unknown:
            parser.error(f"unknown benchmark {', '.join(unknown)} (known: {', '.join(names)})")
        names = [n for n in names if n in wanted]

    started = datetime.now(UTC)
    rows: list[dict] = []
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows += run_module(f"benchmarks.bench_{name}", args.quick, name)
    print_table(rows, args.quick)

    report = {
        "quick": args.quick,
        "started_at": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seconds": round((datetime.now(UTC) - started).total_seconds(), 3),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "results": rows,
    }
    path = Path(args.json_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, default=str) + "\n", "utf-8")
    print(f"wrote {path}", file=sys.stderr)
    return 0 if all(r["passed"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
