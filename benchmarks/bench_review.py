"""The review page's speed.

Targets (from the issue): the page is interactive within 1 s on the demo world (the printed URL
opened in headless Chromium until the first track is shown with its controls); a verdict round
trip (key pressed → verdict saved → next track shown) under 50 ms median, measured in the page,
keys pressed `PAUSE_MS` apart (a fast listener: the next track's audio starts loading between keys);
the queue of a 1M-track index loads as fast as `feed` (same index as bench_feed).
Needs Chromium (`benchmarks/browser.py` finds it) for the first two figures.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.browser import BROWSER_ARGS, chromium_path

PAUSE_MS = 300
ROUND_TRIP_JS = """() => {
  window.__trips = []; window.__key = null;
  document.addEventListener('keydown', () => { window.__key = performance.now(); }, true);
  new MutationObserver(() => {
    if (window.__key !== null) { window.__trips.push(performance.now() - window.__key); window.__key = null; }
  }).observe(document.getElementById('title'), {childList: true, characterData: true, subtree: true});
}"""


def _cli(*args: str) -> None:
    from music_minion.cli.main import run

    try:
        run(list(args))
    except SystemExit as e:
        if e.code not in (0, None):
            raise RuntimeError(f"music-minion {' '.join(args)} failed ({e.code})") from None


@contextmanager
def demo_home(size: str) -> Iterator[Any]:
    """A logged-in home synced against a fresh emulator world (the demo's seed, in a child
    process); yields its config."""
    from benchmarks.homes import isolated_home
    from music_minion import config
    from music_minion.emulator.browser import visit
    from music_minion.emulator.testing import emulator_process, free_port
    from music_minion.sandbox import write_config
    from music_minion.soundcloud.login import login

    async def browser(url: str) -> None:
        await asyncio.to_thread(visit, url)

    with (
        tempfile.TemporaryDirectory(prefix="mm-review-") as tmp,
        emulator_process(7, size, redirect_uri=f"http://127.0.0.1:{free_port()}/callback") as info,
        isolated_home(Path(tmp)) as path,
    ):  # the emulator in its own process: its audio work stays out of the page's measurements
        write_config(info, path, {"soundcloud.requests_per_second": 400})
        asyncio.run(login(config.load(), browser=browser, timeout_s=30))
        _cli("artists", "import-followings")
        _cli("sync")
        yield config.load()


def browser_figures(cfg: Any, visits: int, verdicts: int) -> dict[str, Any]:
    """Time to interactive (fresh browser context each visit) and verdict round trips."""
    from playwright.sync_api import sync_playwright

    from music_minion.web.server import in_background

    page_server = in_background(cfg)
    loads: list[float] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=BROWSER_ARGS)
            for _ in range(visits):
                context = browser.new_context()
                page = context.new_page()
                t = time.perf_counter()
                page.goto(page_server.url)
                page.wait_for_selector("body[data-ready='1'] #title:not(:empty)")
                loads.append((time.perf_counter() - t) * 1000)
                context.close()
            page = browser.new_page()
            page.goto(page_server.url)
            page.wait_for_selector("body[data-complete='1']")
            page.evaluate(ROUND_TRIP_JS)
            for i in range(verdicts):
                page.wait_for_timeout(PAUSE_MS)  # a person's fastest: hear the start, then judge
                page.keyboard.press("3")
                page.wait_for_function("(n) => window.__trips.length >= n", arg=i + 1)
            trips = page.evaluate("window.__trips")
            browser.close()
    finally:
        page_server.stop()
    return {"loads_ms": loads, "trips_ms": trips}


def queue_figures(quick: bool) -> dict[str, Any]:
    """`feed` (top 50) against the page's queue (50, and the default 200) on bench_feed's index."""
    from benchmarks.bench_feed import cached_db, shown_feed
    from music_minion.config.schema import RankingSettings, ReviewSettings
    from music_minion.discovery.feed import refresh_scores
    from music_minion.discovery.listening import QueueFilters, load_queue
    from music_minion.store import connect

    tracks, prov, artists = (2_000, 6_000, 40) if quick else (1_000_000, 3_000_000, 2_000)
    conn = connect(cached_db(tracks, prov, artists))
    rc = RankingSettings()
    refresh_scores(conn, rc)
    out: dict[str, Any] = {"size": f"{tracks:,} tracks / {prov:,} provenance"}
    jobs = {
        "feed_50": lambda: shown_feed(conn, rc),
        "queue_50": lambda: load_queue(conn, rc, ReviewSettings(queue_size=50), QueueFilters()),
        "queue_200": lambda: load_queue(conn, rc, ReviewSettings(), QueueFilters()),
    }
    for name, job in jobs.items():
        times = []
        for _ in range(3 if quick else 7):
            t = time.perf_counter()
            job()
            times.append((time.perf_counter() - t) * 1000)
        out[name] = statistics.median(times)
    conn.close()
    return out


def run(quick: bool) -> list[dict]:
    rows: list[dict] = []
    if chromium_path() is not None:
        with demo_home("tiny" if quick else "small") as cfg:
            b = browser_figures(cfg, 2 if quick else 7, 3 if quick else 30)
        load = statistics.median(b["loads_ms"])
        trip = statistics.median(b["trips_ms"])
        rows.append(_row("interactive_ms", load, "< 1000 ms", load < 1000, b["loads_ms"]))
        rows.append(_row("verdict_round_trip_ms", trip, "< 50 ms median", trip < 50, b["trips_ms"]))
    else:
        for name in ("interactive_ms", "verdict_round_trip_ms"):
            rows.append(_row(name, float("nan"), "needs Chromium", False, []))
    q = queue_figures(quick)
    ratio = q["queue_50"] / q["feed_50"]
    rows.append(
        {
            "name": "queue_load_ms",
            "figure": q["queue_50"],
            "unit": "ms",
            "target": "≈ feed (≤ 1.5 × feed's median)",
            "passed": ratio <= 1.5,
            "details": {k: (round(v, 1) if isinstance(v, float) else v) for k, v in q.items()},
        }
    )
    return rows


def _row(name: str, figure: float, target: str, passed: bool, runs: list[float]) -> dict:
    return {
        "name": name,
        "figure": round(figure, 1),
        "unit": "ms",
        "target": target,
        "passed": passed,
        "details": {"runs_ms": [round(x, 1) for x in runs]},
    }
