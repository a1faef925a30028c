"""Export size and speed: a realistic synthetic index of 10,000 tracks (~3 provenance rows each, ~10% judged).

Target: the Parquet export (`--what all`, sum of the four files) at most 315 KB. Also measured: the
time of the Parquet, CSV and JSON exports, their sizes, and which Parquet columns hold the bytes.
"""

from __future__ import annotations

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
                "top_columns_bytes": dict(list(columns.items())[:12]),
            },
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
