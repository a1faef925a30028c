"""Curator suggestions: do they find people who share my taste, and does watching them help?

    python -m benchmarks.bench_curators [--seeds 1,2,3,4,5] [--size medium] [--warm 3]
        [--after 5] [--playlist-size 50] [--add 5] [--set KEY=VALUE ...] [--quick] [--json]

In the quality benchmark's taste world (a child process) and through the real CLI, the product
runs `warm` weeks of advance → sync → push → listen, then `artists suggest`, then `after` weeks
more. Two runs per seed: one watches the top 5 suggestions (`--add 5`), one does not. `--set`
changes a product setting (e.g. `curators.suggest_likes=100`) to study it.

Figures, per seed and then their mean and minimum over the seeds: the true taste affinity (cosine
of the hidden taste vectors, from `/_emulator/taste`) of the top-10 suggestions over that of ten
random likers of my tracks (goal: mean ≥ 2×). The likers come from the world, not from what the
run fetched: every user with a taste, other than me and the accounts suggestions leave out
(watched, muted, removed), whose likes hold at least one of the tracks I like at the moment of the
suggestion run; the ten are drawn with the seed. Beside it, the same ratio over all those likers
(what the draw of ten is worth on average) and two ceilings: the ten accounts of truest taste in
the lists the run fetched (no ranking of them does better) and among all the likers. Then the
mean expected precision of the pushes in the weeks after `--add 5` over the same weeks without it
(goal: mean > 1); the requests a suggestion run spends (first and cached).
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
    seeds: tuple[int, ...] = (1, 2, 3, 4, 5)
    size: str = "medium"
    warm: int = 3
    after: int = 5
    playlist_size: int = 50
    add: int = 5
    config: tuple[
        tuple[str, str], ...
    ] = ()  # product settings studied, e.g. curators.suggest_likes


ENDPOINTS = ("favoriters", "reposters", "related")
QUICK = Options(seeds=(1,), size="tiny", warm=2, after=2, playlist_size=8, add=2)


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
    chosen = settings(opts, dismiss) | dict(opts.config)  # type: ignore[arg-type]
    write_config(emu.info, config_path, chosen)

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


def world_likers(emu: Emulator, tastes: dict[str, Any], left_out: set[str]) -> list[str]:
    """The baseline's pool, from the world's ground truth: every user with a taste, not me and not
    left out (watched, muted, removed), whose likes hold at least one of the tracks I like now,
    whatever the suggestion run fetched."""
    me = emu.call("world")["me"]
    mine = set(emu.call(f"users/{me}/likes")["urns"])
    return sorted(
        u
        for u in tastes.keys() - left_out - {me}
        if mine.intersection(emu.call(f"users/{u}/likes")["urns"])
    )


def _affinity(
    emu: Emulator, truth: dict[str, Any], suggested: list[str], seed: int
) -> dict[str, Any]:
    """Mean true affinity of the suggestions, of ten random likers of my tracks (`world_likers`)
    and of all of them, and two ceilings: the ten accounts of truest taste in the lists the run
    fetched (no ranking of those lists does better) and among all likers of my tracks."""
    from music_minion import config
    from music_minion.store import curators, open_store

    tastes = {u: c["taste"] for u, c in truth["curators"].items()} | truth["population"]
    with closing(open_store(config.load().data_dir, readonly=True)) as db:
        left_out = curators.list_excluded_urns(db)
        found = set().union(*(curators.list_cached_urns(db, e) for e in ENDPOINTS)) - left_out
    pool = world_likers(emu, tastes, left_out)
    sample = random.Random(seed).sample(pool, min(10, len(pool)))

    def affinity(user: str) -> float:
        return cosine(truth["listener"], tastes.get(user, {}))

    def best(users: set[str] | list[str]) -> float | None:
        return qb.mean(sorted(map(affinity, set(users) & tastes.keys()), reverse=True)[:10])

    return {
        "suggested": qb.mean(map(affinity, suggested[:10])),
        "random": qb.mean(map(affinity, sample)),
        "all_likers": qb.mean(map(affinity, pool)),
        "ceiling": best(found),
        "ceiling_world": best(pool),
        "likers": len(pool),
        "found": len(found & tastes.keys()),
    }


def simulate(opts: Options, seed: int, add: int) -> dict[str, Any]:
    """`warm` weeks, a suggestion run (watching the top `add`), `after` weeks."""
    from benchmarks.homes import isolated_home
    from benchmarks.quality_clock import SimulatedClock
    from music_minion.emulator.testing import emulator_process, free_port

    callback = f"http://127.0.0.1:{free_port()}/callback"
    taste = {"mix": DEFAULT_MIX}
    with (
        tempfile.TemporaryDirectory(prefix="mm-curators-") as tmp,
        emulator_process(seed, opts.size, taste=taste, redirect_uri=callback) as info,
        isolated_home(Path(tmp)) as config_path,
        SimulatedClock() as clock,
    ):
        emu = Emulator(info)
        truth = _login(emu, config_path, clock, opts)
        for _ in range(opts.warm):
            _week(emu, clock, truth, opts.playlist_size)
        first = cli("artists", "suggest", "--limit", "10", "--json")
        affinity = _affinity(emu, truth, [s["urn"] for s in first["items"]], seed)
        again = cli("artists", "suggest", "--limit", "10", "--add", str(add), "--json")
        after = [_week(emu, clock, truth, opts.playlist_size) for _ in range(opts.after)]
    return {
        "affinity": affinity,
        "requests_first": first["requests"],
        "requests_cached": again["requests"],
        "suggestions": first["shown"],
        "candidates": first["total"],
        "added": [a["artist"] for a in again["added"]],
        "precision_after": qb.mean(p for p in after if p is not None),
        "weeks_after": after,
    }


def one_seed(opts: Options, seed: int) -> dict[str, Any]:
    """Both runs of one seed and its figures."""
    with_add, without = simulate(opts, seed, opts.add), simulate(opts, seed, 0)
    a = with_add["affinity"]
    gain = _over(with_add["precision_after"], without["precision_after"])
    return {"seed": seed, "affinity_ratio": _over(a["suggested"], a["random"]),
            "all_likers_ratio": _over(a["suggested"], a["all_likers"]), "ceiling_ratio": _over(a["ceiling"], a["random"]),
            "world_ceiling_ratio": _over(a["ceiling_world"], a["random"]),
            "precision_gain": gain,
            "requests_first": with_add["requests_first"],
            "requests_cached": with_add["requests_cached"],
            "with_add": with_add, "without": without}  # fmt: skip


def _over(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def spread(values: list[float | None]) -> dict[str, float | None]:
    """Mean and minimum of the figures measured (None when a seed measured none)."""
    got = [v for v in values if v is not None]
    return {"mean": qb.mean(got), "min": min(got) if got else None, "seeds": len(got)}


def measure_all(opts: Options) -> dict[str, Any]:
    """Every seed, and the mean and minimum of each figure."""
    started = time.perf_counter()
    seeds = [one_seed(opts, seed) for seed in opts.seeds]
    return {
        "opts": {**opts.__dict__, "seeds": list(opts.seeds)},
        "per_seed": seeds,
        "affinity_ratio": spread([s["affinity_ratio"] for s in seeds]),
        "all_likers_ratio": spread([s["all_likers_ratio"] for s in seeds]),
        "ceiling_ratio": spread([s["ceiling_ratio"] for s in seeds]),
        "world_ceiling_ratio": spread([s["world_ceiling_ratio"] for s in seeds]),
        "precision_gain": spread([s["precision_gain"] for s in seeds]),
        "requests_first": spread([float(s["requests_first"]) for s in seeds]),
        "requests_cached": spread([float(s["requests_cached"]) for s in seeds]),
        "seconds": round(time.perf_counter() - started, 1),
    }


def run(quick: bool, opts: Options | None = None) -> list[dict[str, Any]]:
    """The benchmark contract: quick is a tiny world and one seed (the suite runs it)."""
    details = measure_all(opts or (QUICK if quick else Options()))
    ratio, gain = details["affinity_ratio"]["mean"], details["precision_gain"]["mean"]
    requests = details["requests_first"]["mean"]
    return [
        _row("curators_affinity_vs_random", ratio, "× (mean over seeds)", "≥ 2.0",
             ratio is not None and ratio >= 2, details),
        _row("curators_precision_after_add", gain, "× (mean over seeds)", "> 1.0",
             gain is not None and gain > 1, details),
        _row("curators_requests_per_run", requests, "requests (mean over seeds)", "reported",
             True, details),
    ]  # fmt: skip


def table(details: dict[str, Any]) -> str:
    """Per-seed figures, then their mean and minimum."""
    lines = [
        "seed  affinity vs 10 random likers (suggested / random)  vs all likers"
        "  ceilings (fetched, world)  precision after add (with / without)  requests (first / cached)"
    ]
    for s in details["per_seed"]:
        a, w, o = s["with_add"]["affinity"], s["with_add"], s["without"]
        lines.append(
            f"{s['seed']:>4}  {_x(s['affinity_ratio'])} ({_f(a['suggested'])} / {_f(a['random'])})"
            f"                    {_x(s['all_likers_ratio'])}"
            f"         {_x(s['ceiling_ratio'])}, {_x(s['world_ceiling_ratio'])}"
            f"             {_x(s['precision_gain'])} ({_f(w['precision_after'])} / {_f(o['precision_after'])})"
            f"        {s['requests_first']} / {s['requests_cached']}"
        )
    for what in ("mean", "min"):
        d = {k: details[k][what] for k in ("affinity_ratio", "all_likers_ratio", "ceiling_ratio",
                                            "world_ceiling_ratio", "precision_gain")}  # fmt: skip
        lines.append(
            f"{what:>4}  {_x(d['affinity_ratio'])}                                   "
            f"{_x(d['all_likers_ratio'])}         {_x(d['ceiling_ratio'])}, {_x(d['world_ceiling_ratio'])}"
            f"             {_x(d['precision_gain'])}                         "
            f"{_n(details['requests_first'][what])} / {_n(details['requests_cached'][what])}"
        )
    lines.append(f"{details['seconds']} s")
    return "\n".join(lines)


def _n(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.0f}"


def _x(v: float | None) -> str:
    return "   n/a" if v is None else f"{v:5.2f}×"


def _f(v: float | None) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def _row(
    name: str, figure: float | None, unit: str, target: str, passed: bool, details: dict[str, Any]
) -> dict[str, Any]:
    return {"name": name, "figure": figure, "unit": unit, "target": target, "passed": passed,
            "details": details}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    import argparse
    import json

    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_curators", description=__doc__.split("\n")[0]
    )
    d = Options()
    ap.add_argument("--seeds", type=_seeds, default=d.seeds, help="comma-separated, e.g. 1,2,3")
    ap.add_argument("--size", default=d.size, help="world size: tiny, small, medium, large")
    ap.add_argument("--warm", type=int, default=d.warm, help="weeks before the suggestion run")
    ap.add_argument("--after", type=int, default=d.after, help="weeks after it")
    ap.add_argument("--playlist-size", type=int, default=d.playlist_size)
    ap.add_argument("--add", type=int, default=d.add, help="suggestions watched (`--add K`)")
    ap.add_argument(
        "--set",
        dest="config",
        type=_setting,
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a product setting, e.g. curators.suggest_likes=100",
    )
    ap.add_argument("--quick", action="store_true", help="the suite's quick run (tiny, one seed)")
    ap.add_argument("--json", action="store_true", help="print the rows as JSON")
    a = ap.parse_args(argv)
    if min(a.warm, a.after, a.add) < 1 or not 1 <= a.playlist_size <= 500:
        ap.error("--warm, --after and --add must be ≥ 1 and --playlist-size in 1..500")
    opts = (
        QUICK
        if a.quick
        else Options(a.seeds, a.size, a.warm, a.after, a.playlist_size, a.add, tuple(a.config))
    )
    rows = run(a.quick, opts)
    print(json.dumps(rows, indent=2, default=str) if a.json else table(rows[0]["details"]))
    return 0


def _setting(text: str) -> tuple[str, str]:
    import argparse

    key, eq, value = text.partition("=")
    if not eq or "." not in key.strip():
        raise argparse.ArgumentTypeError(
            f"{text!r}: give SECTION.KEY=VALUE, e.g. curators.suggest_likes=100"
        )
    return key.strip(), value.strip()


def _seeds(text: str) -> tuple[int, ...]:
    import argparse

    try:
        seeds = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: seeds are whole numbers, e.g. 1,2,3") from None
    if not seeds:
        raise argparse.ArgumentTypeError("give at least one seed")
    return seeds


if __name__ == "__main__":
    raise SystemExit(main())
