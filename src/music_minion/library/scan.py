"""Walk library folders and record every audio file's tags in the store, incrementally.

A file whose (size, mtime_ns) equals the stored one is not reopened. New and changed files are read
with mutagen (in a small process pool when there are many), written with executemany in batches
(one transaction each, so an interrupted first scan keeps what it read). Files under a scanned
root that are no longer there are marked gone; roots that do not exist (an unplugged drive) are
reported and their files left alone.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from music_minion.library.tags import AUDIO_EXTENSIONS, FileTags, read_tags
from music_minion.store import local_files
from music_minion.timeutil import now_iso

BATCH = 500
POOL_MIN_FILES = 2000  # below this a process pool costs more than it saves

Progress = Callable[[int, int], None]  # (files read so far, files to read)


def walk_audio(
    root: Path, errors: list[str], failed_dirs: list[str] | None = None
) -> Iterator[tuple[str, int, int]]:
    """(path, size, mtime_ns) of every audio file under `root`; problems go to `errors`, and
    folders that could not be listed to `failed_dirs` (their files must not be marked gone).

    Hidden entries (dot files, AppleDouble `._x.mp3` companions) and symlinked folders are skipped.
    """
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as e:
            errors.append(f"{folder}: {e.strerror or type(e).__name__}")
            if failed_dirs is not None:
                failed_dirs.append(folder)
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if not _utf8(name):
                errors.append(
                    f"{entry.path.encode('utf-8', 'replace').decode()}: name is not valid UTF-8 (skipped; rename it)"
                )
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                    continue
                if os.path.splitext(name)[1].lower() not in AUDIO_EXTENSIONS or not entry.is_file():
                    continue
                st = entry.stat()
            except OSError as e:
                errors.append(f"{entry.path}: {e.strerror or type(e).__name__}")
                continue
            yield entry.path, st.st_size, st.st_mtime_ns


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in a file name (surrogate escapes)
        return False
    return True


def _row(path: str, size: int, mtime_ns: int, tags: FileTags, when: str) -> tuple:
    status = "unreadable" if tags.error else "ok"
    return (
        path,
        size,
        mtime_ns,
        tags.format,
        tags.title,
        tags.artist,
        tags.album,
        tags.duration_ms,
        tags.bpm,
        tags.key,
        tags.year,
        tags.sc_urn,
        tags.sc_url,
        status,
        tags.error or tags.note,
        when,
    )


def _read_batch(paths: list[str]) -> list[FileTags]:
    return [read_tags(p) for p in paths]


def _read_all(paths: list[str], workers: int) -> Iterator[list[FileTags]]:
    """Tags of `paths` in BATCH-sized lists, in order; in a process pool when `workers` > 1."""
    batches = [paths[i : i + BATCH] for i in range(0, len(paths), BATCH)]
    if workers <= 1 or len(batches) < 2:
        for b in batches:
            yield _read_batch(b)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        yield from pool.map(_read_batch, batches)


def default_workers(to_read: int) -> int:
    """Processes for tag reading: one for small jobs, else one per core (at most 4)."""
    if to_read < POOL_MIN_FILES:
        return 1
    return max(1, min(4, os.cpu_count() or 1))


def _under(path: str, roots: Iterable[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def scan(
    conn: sqlite3.Connection,
    roots: Iterable[str | Path],
    *,
    progress: Progress | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    """Scan `roots` into the store; returns a summary (counts, timings, missing roots, errors)."""
    started = time.perf_counter()
    when = now_iso()
    present: list[str] = []
    missing: list[str] = []
    for r in roots:
        p = Path(r).expanduser().absolute()
        (present if p.is_dir() else missing).append(os.path.normpath(str(p)))
    index = local_files.scan_index(conn)
    errors: list[str] = []
    failed_dirs: list[str] = []
    seen: set[str] = set()
    to_read: list[tuple[str, int, int]] = []
    new = 0
    for root in present:
        for path, size, mtime_ns in walk_audio(Path(root), errors, failed_dirs):
            if path in seen:
                continue
            seen.add(path)
            known = index.get(path)
            if known is None:
                new += 1
                to_read.append((path, size, mtime_ns))
            elif known[1] != size or known[2] != mtime_ns or known[3] == "gone":
                to_read.append((path, size, mtime_ns))
    walked = time.perf_counter()
    workers = default_workers(len(to_read)) if workers is None else workers
    unreadable = tagless = done = 0
    if progress:
        progress(0, len(to_read))
    paths = [p for p, _, _ in to_read]
    for i, batch in enumerate(_read_all(paths, workers)):
        rows = []
        for (path, size, mtime_ns), tags in zip(
            to_read[i * BATCH : (i + 1) * BATCH], batch, strict=True
        ):
            unreadable += tags.error is not None
            tagless += tags.error is None and tags.note is not None
            rows.append(_row(path, size, mtime_ns, tags, when))
        local_files.write_scanned(conn, rows)
        done += len(rows)
        if progress:
            progress(done, len(to_read))
    read_s = time.perf_counter() - walked
    gone_ids = [
        v[0]
        for p, v in index.items()
        if v[3] != "gone" and p not in seen and _under(p, present) and not _under(p, failed_dirs)
    ]
    local_files.mark_gone(conn, gone_ids, when)
    elapsed = time.perf_counter() - started
    return {
        "roots": present,
        "missing_roots": missing,
        "files": len(seen),
        "new": new,
        "changed": len(to_read) - new,
        "unchanged": len(seen) - len(to_read),
        "read": len(to_read),
        "unreadable": unreadable,
        "tagless": tagless,
        "gone": len(gone_ids),
        "errors": errors[:50],
        "error_count": len(errors),
        "workers": workers,
        "walk_s": round(walked - started, 3),
        "read_s": round(read_s, 3),
        "elapsed_s": round(elapsed, 3),
        "files_per_s": round(len(to_read) / read_s, 1) if to_read and read_s > 0 else None,
    }
