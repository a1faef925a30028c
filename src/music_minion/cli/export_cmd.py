"""`export parquet|csv|json PATH [--what TABLE|all]`: snapshots of the index and library for analytics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from music_minion.cli.common import emit, json_option, open_db, progress
from music_minion.cli.table import fixed, table
from music_minion.vocab import EXPORT_FORMATS, EXPORT_TABLES

EPILOG = """\b
Examples:
  music-minion export parquet ~/minion-export              one file per table in that folder
  music-minion export csv tracks.csv --what tracks
  music-minion export json provenance.json --what provenance --force
  music-minion export parquet out/ --what judgments --json
  music-minion export csv library.csv --what library
\b
Tables: tracks (track_id, urn, title, uploader, genre, counts, first_seen_at, ...),
provenance (track_id, artist_id, kind, first_seen_at, position, gone_at),
judgments (track_urn, title, uploader_name, verdict, source, judged_at),
artists (artist_id, urn, username, schedule), library (file_id, path, tags, match_status,
match_score, track_urn, track_title, ...), runs (sync runs: times, status, counts, stats),
pushes (playlist pushes: playlist_urn, times, status, track_urns in order).
Every format has the same columns and values (full URNs and permalink_url). Parquet is typed
(integers, UTC timestamps), zstd-compressed, with tracks ordered by upload time; it needs
`pip install 'music-minion[analytics]'`.
"""


@click.command("export", epilog=EPILOG)
@click.argument(
    "fmt", metavar="parquet|csv|json", type=click.Choice(EXPORT_FORMATS, case_sensitive=False)
)
@click.argument("path", type=click.Path(dir_okay=True, file_okay=True, path_type=str))
@click.option(
    "--what",
    type=click.Choice((*EXPORT_TABLES, "all")),
    default="all",
    show_default=True,
    help="Which table; `all` writes one file per table into the folder PATH (not a file name).",
)
@click.option("--force", is_flag=True, help="Replace files that already exist.")
@json_option
def export(fmt: str, path: str, what: str, force: bool) -> None:
    """Write the index, the library and the run history to Parquet, CSV or JSON.

    The index is tracks, provenance, judgments and artists; the history is the sync runs and
    pushes.

    Timestamps are UTC: typed timestamps in Parquet, ISO-8601 text in CSV and JSON.
    """
    from music_minion import export as exporter

    fmt = fmt.lower()
    exporter.check_request(fmt, Path(path).expanduser(), what)
    if fmt == "parquet":
        exporter.require_pyarrow()  # before touching the database or the disk
    db = open_db(readonly=True)
    with progress() as bar:
        task = bar.add_task(f"export {fmt}", total=None)
        result = exporter.export(
            db,
            fmt,
            path,
            what,
            overwrite=force,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )

    def human(data: dict[str, Any]) -> None:
        rows = [[f["table"], f["rows"], _size(f["bytes"]), f["path"]] for f in data["files"]]
        table(
            f"Exported {data['format']}",
            [fixed("table"), fixed("rows"), fixed("size"), fixed("path")],
            rows,
        )

    emit(result.as_dict(), human)


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"
