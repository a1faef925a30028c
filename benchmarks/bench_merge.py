"""Merge throughput: provenance rows per second into SQLite through the real per-source merge.

Each (artist, source) walk is merged the way sync's writer does it (track upsert by URN through
the writer's track cache, id lookup, provenance INSERT OR IGNORE; writer connection settings).
The world is shaped like the sync benchmark's: 200 artists × (500 likes + 500 reposts) drawn from
20,000 tracks, so artists share tracks. Two figures: the writer's grouped commits (up to
`fetch_merge.MERGE_GROUP` finished walks per commit, as when results queue up) and one commit per walk.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

TARGET = 200_000.0


def _rows(n_tracks: int) -> list[tuple]:
    return [
        (
            f"soundcloud:tracks:{i}",
            f"Track {i}",
            f"soundcloud:users:{i % 997}",
            f"uploader {i % 997}",
            f"https://soundcloud.com/u{i % 997}/t{i}",
            180_000 + i % 60_000,
            "house",
            "deep tech",
            124.0,
            "2024-01-01T00:00:00Z",
            "playable",
            i * 3,
            i % 500,
            i % 50,
        )
        for i in range(n_tracks)
    ]


def _merge_all(walks: list, artists: int, group: int) -> tuple[int, int, float]:
    from music_minion.store import artists as artists_store
    from music_minion.store import connect
    from music_minion.store import provenance as prov

    with tempfile.TemporaryDirectory() as tmp:
        conn = connect(Path(tmp) / "bench.db")
        conn.tune_writer()
        ids = [
            artists_store.upsert_resolved(conn, artists_store.Resolved(f"soundcloud:users:{a}"))[0]
            for a in range(artists)
        ]
        cache = prov.TrackCache()
        total = 0
        t0 = time.perf_counter()
        for start in range(0, len(walks), group):
            with conn.atomic():
                for a, kind, rows in walks[start : start + group]:
                    total += prov.merge_source(
                        conn,
                        ids[a],
                        kind,
                        rows,
                        "2026-01-01T00:00:00Z",
                        cache=cache,
                    ).provenance_new
        elapsed = time.perf_counter() - t0
        n_tracks = conn.execute("SELECT count(*) FROM tracks").fetchone()[0]
        conn.close()
    return total, n_tracks, elapsed


def run(quick: bool) -> list[dict]:
    from music_minion.discovery.fetch_merge import MERGE_GROUP

    artists, per_walk, pool = (4, 100, 300) if quick else (200, 500, 20_000)
    tracks = _rows(pool)
    rnd = random.Random(1)
    walks = [
        (a, kind, rnd.sample(tracks, per_walk))
        for a in range(artists)
        for kind in ("like", "repost")
    ]
    out = []
    for label, group in (
        (f"grouped commits (≤ {MERGE_GROUP} walks)", MERGE_GROUP),
        ("one commit per walk", 1),
    ):
        total, n_tracks, elapsed = _merge_all(walks, artists, group)
        rate = total / elapsed
        out.append(
            {
                "name": f"merge provenance rows/s, {label}",
                "figure": round(rate),
                "unit": "rows/s",
                "target": f">= {TARGET:,.0f}" if group > 1 else "informative",
                "passed": quick or group == 1 or rate >= TARGET,
                "details": {
                    "provenance_rows": total,
                    "tracks": n_tracks,
                    "walks": len(walks),
                    "seconds": round(elapsed, 3),
                },
            }
        )
    return out


if __name__ == "__main__":
    import sys

    for fig in run(quick="--quick" in sys.argv):
        print(fig)
