"""Cold start: `music-minion --help` against a bare `python -c pass`, median of repeated runs.

Target: the installed console script (else `python -m music_minion`) answers `--help` less than
150 ms after what the bare interpreter needs. Runs alternate between the two commands so machine
load hits both alike. `details.slowest_imports` lists the heaviest modules imported at startup
(from `python -X importtime`) to show what to make lazy when the target is missed.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_MS = 150.0


def command() -> list[str]:
    """The installed console script beside this interpreter, else `python -m music_minion`."""
    script = Path(sys.executable).with_name("music-minion")
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script), "--help"]
    return [sys.executable, "-m", "music_minion", "--help"]


def _time(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True)
    return (time.perf_counter() - start) * 1000


def slowest_imports(env: dict[str, str], top: int = 8) -> dict[str, int]:
    """The modules with the largest cumulative import time (µs) under `--help` (`python -X importtime`)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "music_minion", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    totals: dict[str, int] = {}
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            totals[parts[2].strip()] = int(parts[1])
    return dict(sorted(totals.items(), key=lambda kv: -kv[1])[:top])


def run(quick: bool) -> list[dict]:
    runs = 5 if quick else 15
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    cmd = command()
    bare = [sys.executable, "-c", "pass"]
    _time(cmd, env)  # warm the file cache and write bytecode once
    _time(bare, env)
    cli_ms, bare_ms = [], []
    for _ in range(runs):
        cli_ms.append(_time(cmd, env))
        bare_ms.append(_time(bare, env))
    overhead = statistics.median(cli_ms) - statistics.median(bare_ms)
    details = {
        "command": " ".join(Path(cmd[0]).name if i == 0 else c for i, c in enumerate(cmd)),
        "runs": runs,
        "help_median_ms": round(statistics.median(cli_ms), 1),
        "bare_python_median_ms": round(statistics.median(bare_ms), 1),
    }
    if not quick or overhead >= TARGET_MS:
        details["slowest_imports_us"] = slowest_imports(env)
    return [
        {
            "name": "startup_help_overhead",
            "figure": round(overhead, 1),
            "unit": "ms",
            "target": f"< {TARGET_MS:.0f} ms above bare python",
            "passed": overhead < TARGET_MS,
            "details": details,
        }
    ]


if __name__ == "__main__":
    import json

    print(json.dumps(run("--quick" in sys.argv), indent=2))
