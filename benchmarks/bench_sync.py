"""Sync speed against the emulator on loopback: full sync, rate-limited sync, incremental re-sync.

Full size: 200 artists × 500 likes + 500 reposts (sources likes, reposts; page size 200).
Targets: full sync under 20 s at zero latency; with a request-rate limit, within 1.10× of the
minimum the limit allows (requests / rate); incremental re-sync with no new activity = exactly one
request per (artist, source) (400) in under 2 s.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class _Server:
    """An emulator in a child process (as SoundCloud would be): its facts, stats and reset over HTTP."""

    def __init__(self, info: dict[str, Any]) -> None:
        self.info = info
        self.artists: list[str] = info["artists"]

    def _call(self, path: str, method: str = "GET") -> Any:
        req = urllib.request.Request(
            self.info["api_base"] + path, method=method, data=b"" if method == "POST" else None
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"null")

    def stats(self) -> dict[str, Any]:
        return self._call("/_emulator/stats")

    def reset_stats(self) -> None:
        self._call("/_emulator/stats/reset", "POST")


@contextmanager
def _home(root: Path, name: str, emu: _Server, keys: dict[str, str]):
    """A config + data dir of its own, pointed at the emulator (env restored afterwards)."""
    from benchmarks.homes import isolated_home
    from music_minion import config
    from music_minion.sandbox import write_config

    with isolated_home(root / name) as path:
        write_config(emu.info, path, keys)
        yield config.load()


def _sync(cfg: Any, **opts: Any) -> tuple[dict[str, Any], float]:
    from music_minion.discovery.sync_run import SyncOptions
    from music_minion.pipeline import run

    t0 = time.perf_counter()
    summary = run(cfg, SyncOptions(learn=False, **opts)).as_dict()
    return summary, time.perf_counter() - t0


def run(quick: bool) -> list[dict]:
    artists, per_list = (3, 30) if quick else (200, 500)
    rate = 400.0 if quick else 50.0
    page = "10" if quick else "200"
    world = dict(
        artists=artists,
        likes_per_artist=per_list,
        reposts_per_artist=per_list,
        uploads_per_artist=5,
        other_uploaders=artists * 5,
        uploads_per_other=20,
        me_likes=5,
        judgment_playlist_tracks=2,
    )
    keys = {
        "discovery.sources": "likes,reposts",
        "soundcloud.page_size": page,
        "soundcloud.max_concurrency": "8",
    }
    from music_minion.emulator.testing import emulator_process

    with emulator_process(seed=5, **world) as info:
        return _measure(_Server(info), artists, per_list, rate, keys)


def _measure(
    emu: _Server, artists: int, per_list: int, rate: float, keys: dict[str, str]
) -> list[dict]:
    from music_minion.store import artists as artists_store
    from music_minion.store import open_store

    quick = artists < 50
    figures: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with _home(root, "full", emu, {**keys, "soundcloud.requests_per_second": "100000"}) as cfg:
            conn = open_store(cfg.data_dir)
            for urn in emu.artists:
                artists_store.upsert_resolved(conn, artists_store.Resolved(urn))
            conn.close()
            full, t_full = _sync(cfg)
            emu.reset_stats()
            again, t_inc = _sync(cfg, everyone=True)
            served = emu.stats()["total"]
        figures.append(
            {
                "name": f"full sync {artists} artists × {per_list} likes + {per_list} reposts",
                "figure": round(t_full, 2),
                "unit": "s",
                "target": "< 20 s",
                "passed": quick or t_full < 20,
                "details": {
                    "requests": full["requests"],
                    "provenance_rows": full["provenance_new"],
                    "tracks": full["tracks_new"],
                    "status": full["status"],
                    "rows_per_s": round(full["provenance_new"] / t_full),
                },
            }
        )
        want = artists * 2
        figures.append(
            {
                "name": "incremental re-sync, no new activity",
                "figure": round(t_inc, 3),
                "unit": "s",
                "target": f"exactly {want} requests, < 2 s",
                "passed": again["requests"] == want and served == want and (quick or t_inc < 2),
                "details": {
                    "requests": again["requests"],
                    "served_by_emulator": served,
                    "provenance_new": again["provenance_new"],
                },
            }
        )
        with _home(
            root, "limited", emu, {**keys, "soundcloud.requests_per_second": str(rate)}
        ) as cfg:
            conn = open_store(cfg.data_dir)
            for urn in emu.artists:
                artists_store.upsert_resolved(conn, artists_store.Resolved(urn))
            conn.close()
            limited, t_lim = _sync(cfg)
        minimum = limited["requests"] / rate
        ratio = t_lim / minimum
        figures.append(
            {
                "name": f"rate-limited full sync ({rate:g} req/s)",
                "figure": round(ratio, 3),
                "unit": "× minimum",
                "target": "<= 1.10",
                "passed": quick or ratio <= 1.10,
                "details": {
                    "seconds": round(t_lim, 2),
                    "minimum_s": round(minimum, 2),
                    "requests": limited["requests"],
                    "status": limited["status"],
                },
            }
        )
    return figures


if __name__ == "__main__":
    import sys

    for fig in run(quick="--quick" in sys.argv):
        print(fig)
