"""Export size and speed: a realistic synthetic index of 10,000 tracks (~3 provenance rows each, ~10% judged).

Target: the Parquet export (`--what all`, sum of the four files) at most 315 KB. Also measured: the
time of the Parquet, CSV and JSON exports, their sizes, which Parquet columns hold the bytes, and,
as a cross-check of the synthetic data, the bytes per track of an index made by a real login and
sync against the emulator's medium world (tiny with --quick).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import tempfile
import time
from pathlib import Path

TARGET_KB = 315.0


def _column_bytes(folder: Path) -> dict[str, int]:
    import pyarrow.parquet as pq

    sizes: dict[str, int] = {}
    for f in sorted(folder.glob("*.parquet")):
        meta = pq.ParquetFile(f).metadata
        for g in range(meta.num_row_groups):
            rg = meta.row_group(g)
            for i in range(rg.num_columns):
                key = f"{f.stem}.{rg.column(i).path_in_schema}"
                sizes[key] = sizes.get(key, 0) + rg.column(i).total_compressed_size
    return dict(sorted(sizes.items(), key=lambda kv: -kv[1]))


def _cli(*args: str) -> None:
    from music_minion.cli.main import run

    with contextlib.redirect_stdout(io.StringIO()):
        try:
            run(list(args))
        except SystemExit as e:
            if e.code:
                raise RuntimeError(f"music-minion {args[0]} exited {e.code}") from None


def _emulator_export(root: Path, size: str) -> dict:
    """Log in, watch every artist of the emulator's world, sync (learning judgments), export Parquet."""
    from benchmarks.homes import isolated_home
    from music_minion import config
    from music_minion.emulator.browser import visit
    from music_minion.emulator.testing import start_emulator
    from music_minion.sandbox import configure
    from music_minion.soundcloud.login import login
    from music_minion.store import connect, database_path

    with isolated_home(root):
        with start_emulator(seed=1, size=size) as emu:
            configure(emu, root)
            asyncio.run(login(config.load(), browser=visit, timeout_s=20))
            world = emu.world
            _cli(
                "artists",
                "add",
                *(f"https://soundcloud.com/{world.users[a].permalink}" for a in world.artist_urns),
            )
            _cli("sync")
        conn = connect(database_path(root / "data"), migrate=False)
        try:
            counts = {
                t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 - constant names
                for t in ("tracks", "provenance", "judgments", "artists")
            }
            from music_minion import export

            result = export.export(conn, "parquet", root / "parquet", "all")
        finally:
            conn.close()
    return {
        "world": size,
        "rows": counts,
        "kb": round(result.total_bytes / 1024, 1),
        "bytes_per_track": round(result.total_bytes / max(1, counts["tracks"]), 1),
        "tracks_file_bytes_per_track": round(result.files[0].bytes / max(1, counts["tracks"]), 1),
    }


def run(quick: bool) -> list[dict]:
    from benchmarks.synthetic_index import build_index
    from music_minion import export
    from music_minion.store import connect

    tracks = 500 if quick else 10_000
    with tempfile.TemporaryDirectory(prefix="mm-bench-export-") as tmp:
        root = Path(tmp)
        db = root / "index.db"
        counts = build_index(db, tracks)
        conn = connect(db, migrate=False)
        timings: dict[str, float] = {}
        sizes: dict[str, int] = {}
        try:
            for fmt in ("parquet", "csv", "json"):
                start = time.perf_counter()
                result = export.export(conn, fmt, root / fmt, "all")
                timings[fmt] = time.perf_counter() - start
                sizes[fmt] = result.total_bytes
                if fmt == "parquet":
                    files = {f.table: f.bytes for f in result.files}
        finally:
            conn.close()
        columns = _column_bytes(root / "parquet")
        emulated = _emulator_export(root / "emulator", "tiny" if quick else "medium")
    kb = sizes["parquet"] / 1024
    note = "" if not quick else f" (checked at 10,000 tracks; {tracks} here)"
    rows_total = sum(counts.values())
    return [
        {
            "name": "export_parquet_size",
            "figure": round(kb, 1),
            "unit": "KB",
            "target": f"<= {TARGET_KB:.0f} KB{note}",
            "passed": quick or kb <= TARGET_KB,
            "details": {
                "rows": counts,
                "files_bytes": files,
                "bytes_per_track": round(sizes["parquet"] / tracks, 1),
                "tracks_file_bytes_per_track": round(files["tracks"] / tracks, 1),
                "top_columns_bytes": dict(list(columns.items())[:12]),
            },
        },
        {
            "name": "export_parquet_bytes_per_track_emulator",
            "figure": emulated["bytes_per_track"],
            "unit": "B/track",
            "target": "report (synthetic-data check)",
            "passed": True,
            "details": emulated,
        },
        {
            "name": "export_parquet_rows_per_s",
            "figure": round(rows_total / timings["parquet"]),
            "unit": "rows/s",
            "target": "report",
            "passed": True,
            "details": {"seconds": round(timings["parquet"], 3), "rows": rows_total},
        },
        {
            "name": "export_csv_rows_per_s",
            "figure": round(rows_total / timings["csv"]),
            "unit": "rows/s",
            "target": "report",
            "passed": True,
            "details": {"seconds": round(timings["csv"], 3), "kb": round(sizes["csv"] / 1024, 1)},
        },
        {
            "name": "export_json_rows_per_s",
            "figure": round(rows_total / timings["json"]),
            "unit": "rows/s",
            "target": "report",
            "passed": True,
            "details": {"seconds": round(timings["json"], 3), "kb": round(sizes["json"] / 1024, 1)},
        },
    ]


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run("--quick" in sys.argv), indent=2))
