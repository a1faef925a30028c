"""Discovery quality: how much of what the product pushes would the listener like, week by week.

    python -m benchmarks.bench_quality [--seed N] [--weeks W] [--size S]
        [--curators kindred=0.3,adjacent=0.5,noisy=0.2] [--playlist-size N] [--json]

A taste world (the emulator's `taste` model) runs in a child process. The product runs in this
process through its real CLI (`artists import-followings`, then each week `sync` and `playlist
push`), on a clock that follows the simulated weeks (`quality_clock`). Each week: the world advances a week → `sync`
(learns last week's likes and dismissals) → the figures on the candidate set the product ranks from
(read from the store after the sync: unjudged, not owned, surfaced by a watched curator, not pushed
too often, no mixes) → `playlist push` → the simulated listener hears the playlist.

Figures (true like probabilities come from `/_emulator/taste/tracks`): `expected_precision` (mean
probability of the pushed tracks), `realised_likes`, `oracle`, `random`, `count_only`, `waterfall`
(see `quality_baselines`), `noisy_share` of pushed slots, cumulative liked discoveries. The goals
(the issue's): weeks 3-8 mean ≥ 1.3 × count-only and ≥ 0.75 × oracle; week 1 ≥ 0.95 × count-only;
noisy curators ≤ 5 % of the slots pushed from week 3. The weekly curves go to `bench-quality.png`
when matplotlib is installed.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
import urllib.request
from contextlib import closing, redirect_stderr, redirect_stdout
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import quality_baselines as qb
from benchmarks.quality_clock import SimulatedClock

DEFAULT_MIX = {"kindred": 0.3, "adjacent": 0.5, "noisy": 0.2}
FIGURES = ("expected_precision", "oracle", "random", "count_only", "waterfall")
PLOT_PATH = Path("bench-quality.png")


@dataclass(frozen=True)
class Options:
    """One run: the world (seed, size, curator mix), how long, how big the playlist."""

    seed: int = 1
    weeks: int = 8
    size: str = "medium"
    curators: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MIX))
    playlist_size: int = 50


QUICK = Options(seed=1, weeks=3, size="tiny", playlist_size=8)


class Emulator:
    """The taste world in its child process, over HTTP (its truth only under `/_emulator/`)."""

    def __init__(self, info: dict[str, Any]) -> None:
        self.info = info

    def call(self, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            self.info["api_base"] + "/_emulator/" + path,
            data=data,
            method="POST" if data is not None else "GET",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=120) as r:
            return json.loads(r.read())

    def probabilities(self, urns: list[str]) -> dict[str, float]:
        found = self.call("taste/tracks", {"urns": urns})["tracks"]
        return {u: (t or {}).get("p_like", 0.0) for u, t in found.items()}


def cli(*args: str) -> Any:
    """`music-minion ARGS` through the real entry point, in this process; parsed when --json."""
    from music_minion.cli.main import run

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            run(list(args))
            code: Any = 0
        except SystemExit as e:
            code = e.code
    if code not in (0, None):
        raise RuntimeError(f"music-minion {' '.join(args)} exited {code}: {err.getvalue()[-800:]}")
    return json.loads(out.getvalue()) if "--json" in args else out.getvalue()


def settings(opts: Options, dismiss_urn: str) -> dict[str, Any]:
    """The config the benchmark runs with: fast against the emulator, the listener's "Not
    interested" playlist as the judgment playlist, the playlist size asked for; ranking defaults."""
    from music_minion.sandbox import FAST_SETTINGS

    return {
        **FAST_SETTINGS,
        "judgments.learn_likes": "true",
        "judgments.not_interested_playlist": dismiss_urn,
        "playlist.size": str(opts.playlist_size),
    }


def simulate(opts: Options) -> dict[str, Any]:
    """Run the weeks; returns the parameters, the figures per week and their summary."""
    from benchmarks.homes import isolated_home
    from music_minion.emulator.testing import emulator_process, free_port

    started = time.perf_counter()
    taste = {"mix": opts.curators}
    callback = f"http://127.0.0.1:{free_port()}/callback"  # the login's own, never a fixed port
    with (
        tempfile.TemporaryDirectory(prefix="mm-quality-") as tmp,
        emulator_process(opts.seed, opts.size, taste=taste, redirect_uri=callback) as info,
        isolated_home(Path(tmp)) as config_path,
        SimulatedClock() as clock,
    ):
        emu = Emulator(info)
        weeks = _weeks(opts, emu, config_path, clock)
        truth = emu.call("taste")
    return {
        "params": {**asdict(opts), "taste": truth["params"], "listener": truth["listener"]},
        "weeks": weeks,
        "summary": summarise(weeks),
        "seconds": round(time.perf_counter() - started, 1),
    }


def _weeks(
    opts: Options, emu: Emulator, config_path: Path, clock: SimulatedClock
) -> list[dict[str, Any]]:
    import asyncio

    from music_minion import config
    from music_minion.emulator.browser import visit
    from music_minion.sandbox import write_config
    from music_minion.soundcloud.login import login

    world = emu.call("world")
    dismiss = next(u for u, t in world["playlists"].items() if t == "Not interested")
    truth = emu.call("taste")
    kinds = {u: c["kind"] for u, c in truth["curators"].items()}
    clock.set(truth["clock"])  # from the login on, the product lives on the world's clock
    write_config(emu.info, config_path, settings(opts, dismiss))

    async def browser(url: str) -> None:
        await asyncio.to_thread(visit, url)

    asyncio.run(login(config.load(), browser=browser, timeout_s=30))
    cli("artists", "import-followings")
    out: list[dict[str, Any]] = []
    liked_so_far = 0
    for week in range(1, opts.weeks + 1):
        moment = emu.call("taste/advance", {"weeks": 1})["clock"]
        clock.set(moment)
        cli("sync", "--json")
        figures = measure(config.load(), emu, kinds, opts.playlist_size)
        clock.set(moment + 600)  # the push, ten minutes after the sync
        push = cli("playlist", "push", "--json")
        heard = emu.call("taste/listen", {"playlist": push["playlist_urn"]})
        liked_so_far += heard["liked"]
        out.append(
            {
                "week": week,
                **figures.pop("table"),
                **_ours(config.load(), push, figures),
                "realised_likes": heard["liked"],
                "dismissed": heard["dismissed"],
                "cumulative_liked": liked_so_far,
            }
        )
    return out


def measure(cfg: Any, emu: Emulator, kinds: dict[str, str], n: int) -> dict[str, Any]:
    """The baselines' figures on the store's candidate set (plus what `_ours` needs)."""
    from music_minion.discovery.retired import RetireRules, retired_tracks
    from music_minion.store import artists, open_store
    from music_minion.store import ranking as rstore

    with closing(open_store(cfg.data_dir, readonly=True)) as db:
        f = rstore.CandidateFilter(
            mix_ms=int(cfg.ranking.mix_minutes * 60_000),
            retired=frozenset(retired_tracks(db, RetireRules.of(cfg.ranking, cfg.review))),
        )
        rows = rstore.list_candidates(db, f, 10_000_000, 0)
        stats = rstore.list_artist_stats(db)
        urns = {a["id"]: a["urn"] for a in artists.list_with_counts(db)}
        sups: dict[int, list[qb.Support]] = {}
        for tid, aid, kind, seen, pos, _g in rstore.iter_provenance_rows(db, [r[0] for r in rows]):
            if aid in stats and stats[aid].watched:
                sups.setdefault(tid, []).append(qb.Support(aid, kind, seen, pos))
    cands = [qb.Candidate(r[0], r["urn"], tuple(sups.get(r[0], ()))) for r in rows]
    cands = [c for c in cands if c.supports]
    p = emu.probabilities([c.urn for c in cands])
    noisy = {aid for aid, urn in urns.items() if kinds.get(urn) == "noisy"}
    hits = {aid: (a.liked, a.dismissed) for aid, a in stats.items()}
    count, water = qb.count_only(cands, n), qb.waterfall(cands, hits, n)
    table = {
        "candidates": len(cands),
        "oracle": qb.precision(qb.oracle(cands, p, n), p),
        "random": qb.mean(p.values()),
        "count_only": qb.precision(count, p),
        "waterfall": qb.precision(water, p),
        "noisy_share_oracle": qb.noisy_share(qb.oracle(cands, p, n), noisy),
        "noisy_presence_oracle": qb.noisy_presence(qb.oracle(cands, p, n), noisy),
        "noisy_share_count_only": qb.noisy_share(count, noisy),
        "noisy_share_waterfall": qb.noisy_share(water, noisy),
        "candidate_like_share": qb.mean(p.values()),
    }
    return {"table": table, "by_urn": {c.urn: c for c in cands}, "p": p, "noisy": noisy}


def _ours(cfg: Any, push: dict[str, Any], figures: dict[str, Any]) -> dict[str, Any]:
    """The pushed playlist's figures: read back from the store's record of the push."""
    from music_minion.store import open_store, pushes

    with closing(open_store(cfg.data_dir, readonly=True)) as db:
        pushed = pushes.list_pushed_tracks(db, push["push_id"])
    chosen = [figures["by_urn"][u] for u in pushed if u in figures["by_urn"]]
    return {
        "pushed": len(pushed),
        "pushed_outside_candidates": len(pushed) - len(chosen),
        "expected_precision": qb.precision(chosen, figures["p"]),
        "noisy_share": qb.noisy_share(chosen, figures["noisy"]),
        "noisy_presence": qb.noisy_presence(chosen, figures["noisy"]),
    }


def summarise(weeks: list[dict[str, Any]]) -> dict[str, Any]:
    """Means of weeks 3-8 (3 onwards) and week 1, the goals' ratios, the noisy share from week 3."""
    late = [w for w in weeks if w["week"] >= 3]
    first = weeks[0] if weeks else {}
    out: dict[str, Any] = {
        f"{name}_w3_8": qb.mean(w[name] for w in late if w[name] is not None) for name in FIGURES
    }
    out.update({f"{name}_w1": first.get(name) for name in FIGURES})
    out["noisy_share_w3_8"] = qb.mean(
        w["noisy_share"] for w in late if w["noisy_share"] is not None
    )
    out["noisy_share_w1"] = first.get("noisy_share")
    out["cumulative_liked"] = weeks[-1]["cumulative_liked"] if weeks else 0
    out["vs_count_only_w3_8"] = _ratio(out["expected_precision_w3_8"], out["count_only_w3_8"])
    out["vs_oracle_w3_8"] = _ratio(out["expected_precision_w3_8"], out["oracle_w3_8"])
    out["vs_count_only_w1"] = _ratio(out["expected_precision_w1"], out["count_only_w1"])
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 4) if a is not None and b else None


GOALS = (
    ("quality_w3_8_vs_count_only", "vs_count_only_w3_8", "×", "≥ 1.30", lambda x: x >= 1.3),
    ("quality_w3_8_vs_oracle", "vs_oracle_w3_8", "×", "≥ 0.75", lambda x: x >= 0.75),
    ("quality_week1_vs_count_only", "vs_count_only_w1", "×", "≥ 0.95", lambda x: x >= 0.95),
    ("quality_noisy_share_w3_8", "noisy_share_w3_8", "share", "≤ 0.05", lambda x: x <= 0.05),
)


def rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The benchmark contract's rows: one per goal, with the weekly figures in the details."""
    s = result["summary"]
    details = {"summary": s, "weeks": result["weeks"], "params": result["params"]}
    return [
        {
            "name": name,
            "figure": s[key],
            "unit": unit,
            "target": target,
            "passed": s[key] is not None and bool(ok(s[key])),
            "details": details,
        }
        for name, key, unit, target, ok in GOALS
    ]


def run(quick: bool) -> list[dict]:
    """The benchmark contract: quick is a tiny world over three weeks (the suite runs it)."""
    result = simulate(QUICK if quick else Options())
    if not quick:
        from benchmarks.quality_plot import plot

        plot([result], PLOT_PATH)
    return rows(result)


COLUMNS = (
    ("week", "week", "{}"),
    ("cands", "candidates", "{}"),
    ("ours", "expected_precision", "{:.3f}"),
    ("liked", "realised_likes", "{}"),
    ("oracle", "oracle", "{:.3f}"),
    ("random", "random", "{:.3f}"),
    ("count", "count_only", "{:.3f}"),
    ("waterfall", "waterfall", "{:.3f}"),
    ("noisy", "noisy_share", "{:.1%}"),
    ("liked Σ", "cumulative_liked", "{}"),
)


def table(result: dict[str, Any]) -> str:
    """The run's weekly figures and its summary as plain text."""
    p = result["params"]
    mix = ",".join(f"{k}={v:g}" for k, v in p["curators"].items())
    head = f"seed {p['seed']} · {p['size']} · curators {mix} · playlist {p['playlist_size']}"
    lines = [head, "  ".join(f"{h:>9}" for h, _, _ in COLUMNS)]
    for w in result["weeks"]:
        cells = [("—" if w[k] is None else fmt.format(w[k])) for _, k, fmt in COLUMNS]
        lines.append("  ".join(f"{c:>9}" for c in cells))
    s = result["summary"]
    lines.append(
        "weeks 3-8: ours {} · oracle {} · count-only {} · waterfall {} · random {} → "
        "{}× count-only, {}× oracle; week 1: {}× count-only; noisy share from week 3 {}".format(
            *(
                _f(s[f"{k}_w3_8"])
                for k in FIGURES[:1] + ("oracle", "count_only", "waterfall", "random")
            ),
            _f(s["vs_count_only_w3_8"], 2),
            _f(s["vs_oracle_w3_8"], 2),
            _f(s["vs_count_only_w1"], 2),
            "—" if s["noisy_share_w3_8"] is None else f"{s['noisy_share_w3_8']:.1%}",
        )
    )
    return "\n".join(lines)


def _f(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def parse_mix(text: str) -> dict[str, float]:
    """`kindred=0.3,adjacent=0.5,noisy=0.2` → shares (kinds left out get 0)."""
    mix = dict.fromkeys(DEFAULT_MIX, 0.0)
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition("=")
        if name not in mix:
            raise argparse.ArgumentTypeError(
                f"unknown curator kind {name!r} (use {', '.join(mix)})"
            )
        try:
            mix[name] = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{part!r}: a share must be a number") from None
    if min(mix.values()) < 0 or sum(mix.values()) <= 0:
        raise argparse.ArgumentTypeError("shares must be non-negative and not all zero")
    return mix


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_quality", description=__doc__.split("\n")[0]
    )
    d = Options()
    ap.add_argument("--seed", type=int, default=d.seed)
    ap.add_argument("--weeks", type=int, default=d.weeks)
    ap.add_argument("--size", default=d.size, help="world size: tiny, small, medium, large")
    ap.add_argument("--curators", type=parse_mix, default=dict(DEFAULT_MIX), help="kind=share,...")
    ap.add_argument("--playlist-size", type=int, default=d.playlist_size)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    a = ap.parse_args(argv)
    if a.weeks < 1 or not 1 <= a.playlist_size <= 500:
        ap.error("--weeks must be ≥ 1 and --playlist-size in 1..500")
    opts = Options(a.seed, a.weeks, a.size, a.curators, a.playlist_size)
    result = simulate(opts)
    from benchmarks.quality_plot import plot

    result["plot"] = str(plot([result], PLOT_PATH) or "") or None
    if a.json:
        print(json.dumps(result, indent=2))
    else:
        print(table(result))
        if result["plot"]:
            print(f"plot: {result['plot']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
