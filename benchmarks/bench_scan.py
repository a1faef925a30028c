"""Library scan: first-scan tag reading rate and the rescan of unchanged files.

Targets: first scan ≥ 1,000 files/s of tag reading; rescan of 10,000 unchanged files < 1 s.
Files are real tagged audio (mp3, flac, m4a, ogg, opus, wav, aiff) written into a temp folder.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path


def make_library(root: Path, count: int, seed: int = 1) -> None:
    """`count` tagged audio files of mixed formats under `root`, in artist/album folders."""
    import random

    from music_minion.library.samples import SAMPLE_FORMATS, audio_bytes, write_sample

    rng = random.Random(seed)
    audio = {fmt: audio_bytes(fmt, 0.05) for fmt in SAMPLE_FORMATS}
    for i in range(count):
        fmt = SAMPLE_FORMATS[i % len(SAMPLE_FORMATS)]
        folder = root / f"artist{i % 97:02d}" / f"album{i % 13:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        write_sample(
            folder / f"{i:05d} track.{fmt}",
            fmt,
            audio=audio[fmt],
            title=f"Track {i} {rng.random():.6f}",
            artist=f"Artist {i % 97}",
            album=f"Album {i % 13}",
            bpm=120 + i % 30,
            key="8A",
            year=2000 + i % 25,
            urn=f"soundcloud:tracks:{i}" if i % 5 == 0 else None,
        )


def load_average() -> float | None:
    """The machine's 1-minute load average (other work skews wall-clock figures)."""
    import os

    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def run(quick: bool) -> list[dict]:
    from music_minion.library.scan import scan
    from music_minion.store import connect

    count = 200 if quick else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "music"
        make_library(root, count)
        conn = connect(Path(tmp) / "bench.db")
        first = scan(conn, [root])
        t = time.perf_counter()
        second = scan(conn, [root])
        rescan_s = time.perf_counter() - t
        conn.close()
    rate = first["files_per_s"] or 0.0
    assert first["read"] == count and second["unchanged"] == count, (first, second)
    return [
        {
            "name": "scan_first_files_per_s",
            "figure": rate,
            "unit": "files/s",
            "target": ">= 1000",
            "passed": rate >= 1000,
            "details": {
                "files": count,
                "workers": first["workers"],
                "load_avg_1m": load_average(),
                "read_s": first["read_s"],
                "walk_s": first["walk_s"],
                "elapsed_s": first["elapsed_s"],
            },
        },
        {
            "name": "scan_rescan_unchanged_s",
            "figure": round(rescan_s, 3),
            "unit": "s",
            "target": f"< 1 for 10000 files (scaled: {count} files here)",
            "passed": rescan_s < max(1.0, count / 10_000),
            "details": {"files": count, "walk_s": second["walk_s"]},
        },
    ]


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run("--quick" in sys.argv), indent=2))
