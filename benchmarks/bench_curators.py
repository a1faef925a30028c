"""Curator suggestions: do they find people who share my taste, and does watching them help?

    python -m benchmarks.bench_curators [--seed N] [--json]

In the quality benchmark's taste world (a child process) and through the real CLI, the product
runs `warm` weeks of advance → sync → push → listen, then `artists suggest`, then `after` weeks
more. Two runs from the same seed: one watches the top 5 suggestions (`--add 5`), one does not.

Figures: the true taste affinity (cosine of the hidden taste vectors, from `/_emulator/taste`) of
the top-10 suggestions over that of ten random non-watched users who liked at least one of my
liked tracks (goal ≥ 2×); the mean expected precision of the pushes in the weeks after `--add 5`
over the same weeks without it (goal > 1); the requests a suggestion run spends (first and cached).
"""

from __future__ import annotations

import math
import random
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import quality_baselines as qb
from benchmarks.bench_quality import DEFAULT_MIX, Emulator, _ours, cli, measure, settings


@dataclass(frozen=True)
class Options:
    seed: int = 1
    size: str = "medium"
    warm: int = 3
    after: int = 5
    playlist_size: int = 50
    add: int = 5


QUICK = Options(size="tiny", warm=2, after=2, playlist_size=8, add=2)


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two tastes given as {style: weight}."""
    dot = sum(w * b.get(s, 0.0) for s, w in a.items())
    na, nb = math.sqrt(sum(w * w for w in a.values())), math.sqrt(sum(w * w for w in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def _login(emu: Emulator, config_path: Path, clock: Any, opts: Options) -> dict[str, Any]:
    """Log in and watch my followings; returns the taste truth."""
    import asyncio

    from music_minion import config
    from music_minion.emulator.browser import visit
    from music_minion.sandbox import write_config
    from music_minion.soundcloud.login import login

    world = emu.call("world")
    dismiss = next(u for u, t in world["playlists"].items() if t == "Not interested")
    truth: dict[str, Any] = emu.call("taste")
    clock.set(truth["clock"])
    write_config(emu.info, config_path, settings(opts, dismiss))  # type: ignore[arg-type]

    async def browser(url: str) -> None:
        await asyncio.to_thread(visit, url)

    asyncio.run(login(config.load(), browser=browser, timeout_s=30))
    cli("artists", "import-followings")
    return truth


def _week(emu: Emulator, clock: Any, truth: dict[str, Any], n: int) -> float | None:
    """One simulated week; returns the expected precision of its push."""
    from music_minion import config

    kinds = {u: c["kind"] for u, c in truth["curators"].items()}
    moment = emu.call("taste/advance", {"weeks": 1})["clock"]
    clock.set(moment)
    cli("sync", "--json")
    figures = measure(config.load(), emu, kinds, n)
    clock.set(moment + 600)
    push = cli("playlist", "push", "--json")
    emu.call("taste/listen", {"playlist": push["playlist_urn"]})
    precision: float | None = _ours(config.load(), push, figures)["expected_precision"]
    return precision


def _affinity(truth: dict[str, Any], suggested: list[str], seed: int) -> dict[str, Any]:
    """Mean true affinity of the suggestions and of random likers of my tracks (from the cache)."""
    from music_minion import config
    from music_minion.store import curators, open_store

    tastes = {u: c["taste"] for u, c in truth["curators"].items()} | truth["population"]
    with closing(open_store(config.load().data_dir, readonly=True)) as db:
        likers = curators.list_cached_urns(db, "favoriters") - curators.list_excluded_urns(db)
    likers &= tastes.keys()  # I (the listener) have no entry there
    pool = sorted(likers)
    sample = random.Random(seed).sample(pool, min(10, len(pool)))
    mean_of = lambda us: qb.mean(cosine(truth["listener"], tastes.get(u, {})) for u in us)  # noqa: E731
    return {"suggested": mean_of(suggested[:10]), "random": mean_of(sample), "likers": len(pool)}


def simulate(opts: Options, add: int) -> dict[str, Any]:
    """`warm` weeks, a suggestion run (watching the top `add`), `after` weeks."""
    from benchmarks.homes import isolated_home
    from benchmarks.quality_clock import SimulatedClock
    from music_minion.emulator.testing import emulator_process, free_port

    callback = f"http://127.0.0.1:{free_port()}/callback"
    taste = {"mix": DEFAULT_MIX}
    with (
        tempfile.TemporaryDirectory(prefix="mm-curators-") as tmp,
        emulator_process(opts.seed, opts.size, taste=taste, redirect_uri=callback) as info,
        isolated_home(Path(tmp)) as config_path,
        SimulatedClock() as clock,
    ):
        emu = Emulator(info)
        truth = _login(emu, config_path, clock, opts)
        for _ in range(opts.warm):
            _week(emu, clock, truth, opts.playlist_size)
        first = cli("artists", "suggest", "--limit", "10", "--json")
        affinity = _affinity(truth, [s["urn"] for s in first["suggestions"]], opts.seed)
        again = cli("artists", "suggest", "--limit", "10", "--add", str(add), "--json")
        after = [_week(emu, clock, truth, opts.playlist_size) for _ in range(opts.after)]
    return {
        "affinity": affinity,
        "requests_first": first["requests"],
        "requests_cached": again["requests"],
        "suggestions": len(first["suggestions"]),
        "added": [a["artist"] for a in again["added"]],
        "precision_after": qb.mean(p for p in after if p is not None),
        "weeks_after": after,
    }


def run(quick: bool) -> list[dict]:
    """The benchmark contract: quick is a tiny world (the suite runs it)."""
    opts = QUICK if quick else Options()
    started = time.perf_counter()
    with_add, without = simulate(opts, opts.add), simulate(opts, 0)
    a = with_add["affinity"]
    ratio = a["suggested"] / a["random"] if a["suggested"] is not None and a["random"] else None
    base, lift = without["precision_after"], with_add["precision_after"]
    gain = lift / base if lift is not None and base else None
    details = {"opts": opts.__dict__, "with_add": with_add, "without": without,
               "seconds": round(time.perf_counter() - started, 1)}  # fmt: skip
    return [
        _row("curators_affinity_vs_random", ratio, "×", "≥ 2.0",
             ratio is not None and ratio >= 2, details),
        _row("curators_precision_after_add", gain, "×", "> 1.0",
             gain is not None and gain > 1, details),
        _row("curators_requests_per_run", float(with_add["requests_first"]), "requests",
             "reported", True, details),
    ]  # fmt: skip


def _row(
    name: str, figure: float | None, unit: str, target: str, passed: bool, details: dict[str, Any]
) -> dict[str, Any]:
    return {"name": name, "figure": figure, "unit": unit, "target": target, "passed": passed,
            "details": details}  # fmt: skip


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run("--quick" in sys.argv), indent=2, default=str))
