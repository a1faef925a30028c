"""Merge throughput: provenance rows per second into SQLite through the real per-source merge.

Each (artist, source) walk is merged the way sync does it (one BEGIN IMMEDIATE transaction: track
upsert by URN, id lookup, provenance INSERT OR IGNORE). Artists share tracks, as they do in life.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

TARGET = 200_000.0


def _rows(n_tracks: int) -> list[tuple]:
    return [
        (f"soundcloud:tracks:{i}", f"Track {i}", f"soundcloud:users:{i % 997}", f"uploader {i % 997}",
         f"https://soundcloud.com/u{i % 997}/t{i}", 180_000 + i % 60_000, "house", "deep tech", 124.0,
         "2024-01-01T00:00:00Z", "playable", i * 3, i % 500, i % 50)
        for i in range(n_tracks)
    ]


def run(quick: bool) -> list[dict]:
    from music_minion.store import artists as artists_store
    from music_minion.store import connect
    from music_minion.store import provenance as prov

    artists, per_walk, pool = (4, 200, 500) if quick else (200, 1000, 100_000)
    tracks = _rows(pool)
    rnd = random.Random(1)
    walks = [(a, kind, rnd.sample(tracks, per_walk)) for a in range(artists) for kind in ("like", "repost")]
    with tempfile.TemporaryDirectory() as tmp:
        conn = connect(Path(tmp) / "bench.db")
        ids = [artists_store.upsert_resolved(conn, artists_store.Resolved(f"soundcloud:users:{a}"))[0] for a in range(artists)]
        t0 = time.perf_counter()
        total = 0
        for a, kind, rows in walks:
            total += prov.merge_source(conn, ids[a], kind, rows, "2026-01-01T00:00:00Z").provenance_new
        elapsed = time.perf_counter() - t0
        # Re-merging the same walks (a --full pass with nothing new) must be cheap too.
        t1 = time.perf_counter()
        for a, kind, rows in walks:
            prov.merge_source(conn, ids[a], kind, rows, "2026-01-02T00:00:00Z", full=True)
        remerge = time.perf_counter() - t1
        n_tracks = conn.execute("SELECT count(*) FROM tracks").fetchone()[0]
        conn.close()
    rate = total / elapsed
    return [
        {"name": "merge provenance rows/s (first sight)", "figure": round(rate), "unit": "rows/s",
         "target": f">= {TARGET:,.0f}", "passed": quick or rate >= TARGET,
         "details": {"provenance_rows": total, "tracks": n_tracks, "merges": len(walks), "seconds": round(elapsed, 3)}},
        {"name": "re-merge rows/s (full pass, nothing new)", "figure": round(total / remerge), "unit": "rows/s",
         "target": "informative", "passed": True, "details": {"seconds": round(remerge, 3)}},
    ]


if __name__ == "__main__":
    for fig in run(quick=False):
        print(fig)
