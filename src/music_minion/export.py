"""Parquet / CSV / JSON snapshots of the index for analytics.

Seven tables, the same columns in every format: `tracks` (keyed by `track_id`, with the URN),
`provenance` (who liked/reposted/uploaded each track and when we first saw it, by integer ids),
`judgments` (by track URN and title), `artists`, `library` (local files and the track each is
linked to), `runs` (sync runs) and `pushes` (playlist pushes with their track URNs). One table
goes to one file; `all` writes one file per table into a folder (a path with a file suffix is
refused: it is a mistake for one table). Rows stream from SQLite in batches, so memory stays flat whatever the index size. Files
are written beside their target and renamed into place, so a failed export never leaves half a
file and never replaces an existing one unless asked (`overwrite=True`).

Parquet (optional extra `music-minion[analytics]`, pyarrow) is typed: integer ids, timestamps as
Arrow `timestamp[s, tz=UTC]` (Parquet has no seconds unit, so the file holds UTC-adjusted
TIMESTAMP(MILLIS) of whole seconds; every reader sees UTC timestamps), low-cardinality strings
dictionary-encoded, ids and timestamps delta-encoded, zstd-compressed. CSV and JSON
need only the standard library; their timestamps are ISO-8601 UTC text (`2026-01-02T03:04:05Z`).

Parquet `tracks` has the very columns and values of CSV/JSON (full `urn`, `uploader_urn`,
`permalink_url`): any Parquet reader gets them without our code. Its rows are ordered by upload
time (then id), so timestamps and ids delta-encode to a few bits; sort by `track_id` for the
CSV/JSON order.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from music_minion.errors import MinionError, UsageError
from music_minion.store import snapshot
from music_minion.store.session import Store
from music_minion.store.sql import SqlValue

if TYPE_CHECKING:
    import pyarrow
from music_minion.vocab import EXPORT_FORMATS as FORMATS

TABLES = snapshot.TABLES
WHAT_CHOICES = (*TABLES, "all")
EXTENSIONS = {"parquet": ".parquet", "csv": ".csv", "json": ".json"}
INSTALL_HINT = "pip install 'music-minion[analytics]'"

# Column types beyond plain strings; every other column is a string.
_INT = {
    "track_id",
    "artist_id",
    "duration_ms",
    "playback_count",
    "likes_count",
    "reposts_count",
    "position",
    "file_id",
    "year",
    "size",
    "run_id",
    "artists_planned",
    "artists_done",
    "tracks_new",
    "provenance_new",
    "requests",
    "push_id",
    "track_count",
}
_FLOAT = {"bpm", "weight", "check_interval_hours", "match_score"}
_BOOL = {"watched"}
# Few distinct values: dictionary-encoded (and a categorical for Arrow readers).
_CATEGORY = {
    "uploader_urn",
    "uploader_name",
    "genre",
    "access",
    "status",
    "kind",
    "verdict",
    "source",
    "tier",
    "resolve_status",
    "format",
    "match_status",
    "track_uploader",
}
# Columns left out of delta encoding: high-entropy numbers in no order (plain is smaller).
_NO_DELTA = {"playback_count", "likes_count", "reposts_count", "size", "requests"}
_ROW_GROUP = 256 * 1024
# zstd 19: about 2.5% smaller files than 15 (and 6% than 9), still well under a second per 10k tracks.
ZSTD_LEVEL = 19


# One exported row, in `snapshot.columns(table)` order.
ExportRow = tuple[SqlValue, ...]
# Writes batches of a table's rows to a file; returns how many rows it wrote.
Writer = Callable[[Iterable[list[ExportRow]], str, Path], int]


@dataclass
class ExportedFile:
    table: str
    path: Path
    rows: int = 0
    bytes: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"table": self.table, "path": str(self.path), "rows": self.rows, "bytes": self.bytes}


@dataclass
class ExportResult:
    format: str
    what: str
    files: list[ExportedFile] = field(default_factory=list)

    @property
    def total_bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "what": self.what,
            "files": [f.as_dict() for f in self.files],
            "total_rows": sum(f.rows for f in self.files),
            "total_bytes": self.total_bytes,
        }


def require_pyarrow() -> None:
    """Raise a one-line MinionError telling how to install pyarrow when it is missing."""
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise MinionError(
            "Parquet export needs pyarrow, which is not installed", INSTALL_HINT
        ) from None


def check_request(fmt: str, path: Path, what: str) -> None:
    """Refuse an unknown format or table, and `all` aimed at a file name (`tracks.csv`), before
    anything is read or written."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}", f"use one of {', '.join(FORMATS)}")
    if what not in WHAT_CHOICES:
        raise UsageError(
            f"unknown table {what!r}",
            f"use --what with one of {', '.join(WHAT_CHOICES)}",
        )
    if what == "all" and path.suffix.lower() in EXTENSIONS.values() and not path.is_dir():
        raise UsageError(
            f"{path} names a file, but --what all writes a folder",
            "give a folder or --what tracks",
        )


def plan(fmt: str, path: Path, what: str, *, folder: bool = False) -> list[tuple[str, Path]]:
    """(table, file) pairs to write. `all`, an existing folder or `folder=True` (a path given with a
    trailing slash) put `<table>.<ext>` files in `path`."""
    check_request(fmt, path, what)
    tables = list(TABLES) if what == "all" else [what]
    if what == "all" or folder or path.is_dir():
        if path.exists() and not path.is_dir():
            raise MinionError(
                f"{path} is a file, but --what all writes a folder",
                "give a folder path (it is created if missing)",
            )
        return [(t, path / f"{t}{EXTENSIONS[fmt]}") for t in tables]
    return [(what, path)]


def export(
    conn: Store,
    fmt: str,
    path: str | Path,
    what: str = "all",
    *,
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ExportResult:
    """Write `what` (a table or `all`) of the index at `conn` to `path` in `fmt`; returns what was written.

    `progress(rows_done, rows_total)` is called after each batch. Raises MinionError for a bad
    format/table, a missing pyarrow (Parquet), an existing target without `overwrite`, or a folder
    that cannot be written. Nothing existing is touched on error.
    """
    folder_hint = str(path).endswith(("/", os.sep))
    path = Path(path).expanduser()
    targets = plan(fmt, path, what, folder=folder_hint)
    if fmt == "parquet":
        require_pyarrow()
    _prepare_targets(targets, overwrite=overwrite)
    result = ExportResult(fmt, what)
    done = _write_tables(conn, fmt, targets, result, progress)
    # Every table is written: move them all into place together.
    for (tmp, target), info in zip(done, result.files, strict=True):
        os.replace(tmp, target)
        info.bytes = target.stat().st_size
    return result


def _prepare_targets(targets: list[tuple[str, Path]], *, overwrite: bool) -> None:
    """Refuse an existing target (unless `overwrite`) or a folder in a file's place; create the
    folder the files go to."""
    if not overwrite:
        existing = [str(p) for _, p in targets if p.exists()]
        if existing:
            raise MinionError(
                f"{existing[0]} already exists", "choose another path or add --force to replace it"
            )
    for _, target in targets:
        if target.exists() and target.is_dir():
            raise MinionError(f"{target} is a folder", "give a file path for a single table")
    folder = targets[0][1].parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise MinionError(
            f"cannot create {folder}: {e.strerror}", "check the path and its permissions"
        ) from None


def _write_tables(
    conn: Store,
    fmt: str,
    targets: list[tuple[str, Path]],
    result: ExportResult,
    progress: Callable[[int, int], None] | None,
) -> list[tuple[Path, Path]]:
    """Write every target to a file beside it, all from one snapshot; returns (written, target)
    pairs and adds each file to `result`. On any failure the written files are removed."""
    writer: Writer = {"parquet": _write_parquet, "csv": _write_csv, "json": _write_json}[fmt]
    columnar = fmt == "parquet"
    done: list[tuple[Path, Path]] = []
    snapshot.begin(conn)
    try:
        batches = _batch_reader(conn, targets, columnar, progress)
        for table, target in targets:
            tmp, rows = _write_file(writer, batches(table), table, target)
            done.append((tmp, target))
            result.files.append(ExportedFile(table, target, rows))
    except BaseException:
        for tmp, _ in done:
            tmp.unlink(missing_ok=True)
        raise
    finally:
        snapshot.end(conn)
    return done


def _batch_reader(
    conn: Store,
    targets: list[tuple[str, Path]],
    columnar: bool,
    progress: Callable[[int, int], None] | None,
) -> Callable[[str], Iterator[list[ExportRow]]]:
    """A table's rows in batches, reporting `progress` over the rows of every target."""
    total = sum(snapshot.count(conn, t) for t, _ in targets) if progress else 0
    counted = 0

    def batches(table: str) -> Iterator[list[ExportRow]]:
        nonlocal counted
        size = _ROW_GROUP if columnar else 10_000
        for batch in snapshot.iter_batches(
            conn, table, epoch_seconds=columnar, columnar=columnar, size=size
        ):
            yield batch
            counted += len(batch)
            if progress:
                progress(counted, total)

    return batches


def _write_file(
    writer: Writer, batches: Iterator[list[ExportRow]], table: str, target: Path
) -> tuple[Path, int]:
    """Write one table to a hidden file beside `target`; returns it and the row count (nothing is
    left behind on failure)."""
    tmp = target.with_name(f".{target.name}.partial")
    try:
        return tmp, writer(batches, table, tmp)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise MinionError(
            f"cannot write {target}: {e.strerror}", "check free space and permissions"
        ) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_csv(batches: Iterable[list[ExportRow]], table: str, path: Path) -> int:
    """CSV with a header row; NULL is an empty field, timestamps ISO text, booleans true/false."""
    cols = snapshot.columns(table)
    bools = [i for i, c in enumerate(cols) if c in _BOOL]
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(cols)
        for batch in batches:
            if bools:
                batch = [_with_bools(r, bools, ("false", "true")) for r in batch]
            out.writerows(batch)
            n += len(batch)
    return n


def _write_json(batches: Iterable[list[ExportRow]], table: str, path: Path) -> int:
    """A JSON array of objects, one object per line (valid JSON, and greppable line by line)."""
    cols = snapshot.columns(table)
    bools = [i for i, c in enumerate(cols) if c in _BOOL]
    n = 0
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    with open(path, "w", encoding="utf-8") as f:
        f.write("[")
        for batch in batches:
            lines = []
            for row in batch:
                if bools:
                    row = _with_bools(row, bools, (False, True))
                lines.append(dumps(dict(zip(cols, row, strict=True))))
            f.write(("\n" if n == 0 else ",\n") + ",\n".join(lines))
            n += len(batch)
        f.write("\n]\n")
    return n


def _with_bools(row: ExportRow, idx: list[int], values: tuple[SqlValue, SqlValue]) -> ExportRow:
    out = list(row)
    for i in idx:
        if out[i] is not None:
            out[i] = values[1] if out[i] else values[0]
    return tuple(out)


def arrow_schema(table: str) -> pyarrow.Schema:
    """The Arrow schema of an exported table (pyarrow must be installed)."""
    import pyarrow as pa

    timestamps = snapshot.timestamp_columns(table)
    fields = []
    for c in snapshot.columns(table):
        if c in timestamps:
            t = pa.timestamp("s", tz="UTC")
        elif c in _INT:
            t = pa.int64()
        elif c in _FLOAT:
            t = pa.float64()
        elif c in _BOOL:
            t = pa.bool_()
        elif c in _CATEGORY:
            t = pa.dictionary(pa.int32(), pa.string())
        else:
            t = pa.string()
        fields.append(pa.field(c, t))
    return pa.schema(fields)


def _write_parquet(batches: Iterable[list[ExportRow]], table: str, path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(table)
    dictionary = [f.name for f in schema if f.name in _CATEGORY]
    # Ids and timestamps: delta-encoded (sorted and near-sorted columns shrink to a few bits).
    deltas = {
        f.name: "DELTA_BINARY_PACKED"
        for f in schema
        if (pa.types.is_integer(f.type) or pa.types.is_timestamp(f.type))
        and f.name not in _NO_DELTA
    }
    n = 0
    with pq.ParquetWriter(
        path,
        schema,
        compression="zstd",
        compression_level=ZSTD_LEVEL,
        use_dictionary=dictionary,
        column_encoding=deltas,
        write_statistics=True,
    ) as writer:
        for batch in batches:
            arrays = []
            for i, f in enumerate(schema):
                try:
                    arrays.append(_arrow_column(pa, batch, i, f.type))
                except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
                    bad = next((r[i] for r in batch if not _fits(r[i], f.type, pa)), "?")
                    raise MinionError(
                        f"cannot export {table}.{f.name}: a row holds {str(bad)[:40]!r}, not {f.type}",
                        "run `music-minion db check`, or export csv/json, which keep values as stored",
                    ) from None
            writer.write_batch(pa.record_batch(arrays, schema=schema), row_group_size=_ROW_GROUP)
            n += len(batch)
    return n


def _arrow_column(
    pa: ModuleType, batch: list[ExportRow], i: int, type_: pyarrow.DataType
) -> pyarrow.Array:
    values = [r[i] for r in batch]
    if pa.types.is_dictionary(type_):
        return pa.array(values, pa.string()).dictionary_encode()
    if pa.types.is_timestamp(type_):
        return pa.array(values, pa.int64()).cast(type_)
    if pa.types.is_boolean(type_):
        return pa.array([None if v is None else bool(v) for v in values], type_)
    return pa.array(values, type_)


def _fits(value: SqlValue, type_: pyarrow.DataType, pa: ModuleType) -> bool:
    """Whether one stored value converts to the column's Arrow type (to name the culprit of a failure)."""
    try:
        _arrow_column(pa, [(value,)], 0, type_)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, OverflowError):
        return False
    return True
