"""Walk library folders and record every audio file's tags in the store, incrementally.

A file whose (size, mtime_ns) equals the stored one is not reopened. New and changed files are read
with mutagen (in a small process pool when there are many), written with executemany in batches
(one transaction each, so an interrupted first scan keeps what it read). Files under a scanned
root that are no longer there are marked gone; roots that do not exist (an unplugged drive) are
reported and their files left alone. What was not read, and why, is counted by reason in one
`Counter` (`skipped`): files of another type ("unsupported .txt"), files without an extension that
are not audio ("no extension"), and files whose tags or audio could not be read ("unreadable tags",
"unreadable file"; those are still recorded, with the reason).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from music_minion.library.formats import audio_suffix, looks_like_audio
from music_minion.library.tags import FileTags, read_tags
from music_minion.store import local_files
from music_minion.store.local_files import KnownFile, ScannedFile
from music_minion.store.session import Store
from music_minion.timeutil import now_iso

BATCH = 500
POOL_MIN_FILES = 2000  # below this a process pool costs more than it saves

Progress = Callable[[int, int], None]  # (files read so far, files to read)


def walk_audio(
    root: Path,
    errors: list[str],
    failed_dirs: list[str] | None = None,
    skipped: Counter[str] | None = None,
) -> Iterator[tuple[str, int, int]]:
    """(path, size, mtime_ns) of every audio file under `root`; problems go to `errors`, folders
    that could not be listed to `failed_dirs` (their files must not be marked gone), and files left
    out to `skipped`, by reason.

    Hidden entries (dot files, AppleDouble `._x.mp3` companions) and symlinked folders are skipped.
    A file without an extension is listed when its content is audio (see `formats`).
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
                if not entry.is_file():
                    continue
                reason = skip_reason(name, entry.path)
                if reason:
                    if skipped is not None:
                        skipped[reason] += 1
                    continue
                st = entry.stat()
            except OSError as e:
                errors.append(f"{entry.path}: {e.strerror or type(e).__name__}")
                continue
            yield entry.path, st.st_size, st.st_mtime_ns


def skip_reason(name: str, path: str) -> str | None:
    """Why a file is not audio ("unsupported .txt", "no extension"), or None when it is."""
    suffix = audio_suffix(name)
    if suffix is None:
        return f"unsupported {os.path.splitext(name)[1].lower()}"
    if not suffix and not looks_like_audio(path):
        return "no extension"
    return None


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in a file name (surrogate escapes)
        return False
    return True


def _scanned(path: str, size: int, mtime_ns: int, tags: FileTags, when: str) -> ScannedFile:
    return ScannedFile(
        path=path,
        size=size,
        mtime_ns=mtime_ns,
        format=tags.format,
        title=tags.title,
        artist=tags.artist,
        album=tags.album,
        duration_ms=tags.duration_ms,
        bpm=tags.bpm,
        musical_key=tags.key,
        year=tags.year,
        sc_urn=tags.sc_urn,
        sc_url=tags.sc_url,
        status="unreadable" if tags.error else "ok",
        reason=tags.error or tags.note,
        scanned_at=when,
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


@dataclass(slots=True)
class _Walk:
    """What the walk of the roots found: every audio file, and those to (re)read."""

    known: dict[str, KnownFile]
    seen: set[str] = field(default_factory=set)
    to_read: list[tuple[str, int, int]] = field(default_factory=list)  # (path, size, mtime_ns)
    new: int = 0
    errors: list[str] = field(default_factory=list)
    failed_dirs: list[str] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)

    def visit(self, root: str) -> None:
        """Walk `root`, noting new files and files whose size or time changed (or came back)."""
        walk = walk_audio(Path(root), self.errors, self.failed_dirs, self.skipped)
        for path, size, mtime_ns in walk:
            if path in self.seen:
                continue
            self.seen.add(path)
            known = self.known.get(path)
            if known is None:
                self.new += 1
                self.to_read.append((path, size, mtime_ns))
            elif known.size != size or known.mtime_ns != mtime_ns or known.status == "gone":
                self.to_read.append((path, size, mtime_ns))

    def gone_ids(self, present: list[str]) -> list[int]:
        """Stored files under a walked root that the walk did not see (unlisted folders aside)."""
        return [
            f.id
            for p, f in self.known.items()
            if f.status != "gone"
            and p not in self.seen
            and _under(p, present)
            and not _under(p, self.failed_dirs)
        ]


def _read_into(
    db: Store,
    to_read: list[tuple[str, int, int]],
    workers: int,
    when: str,
    progress: Progress | None,
    skipped: Counter[str],
) -> tuple[int, int]:
    """Read the tags of `to_read` and save them batch by batch; (unreadable, tagless) counts.
    Files whose tags or audio could not be read are counted in `skipped` by reason."""
    unreadable = tagless = done = 0
    if progress:
        progress(0, len(to_read))
    paths = [p for p, _, _ in to_read]
    for i, batch in enumerate(_read_all(paths, workers)):
        files = []
        for (path, size, mtime_ns), tags in zip(
            to_read[i * BATCH : (i + 1) * BATCH], batch, strict=True
        ):
            unreadable += tags.error is not None
            tagless += tags.error is None and tags.from_name
            if tags.problem:
                skipped[tags.problem] += 1
            files.append(_scanned(path, size, mtime_ns, tags, when))
        local_files.save_scanned(db, files)
        done += len(files)
        if progress:
            progress(done, len(to_read))
    return unreadable, tagless


def scan(
    db: Store,
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
    walk = _Walk(local_files.list_known(db))
    for root in present:
        walk.visit(root)
    walked = time.perf_counter()
    to_read = walk.to_read
    workers = default_workers(len(to_read)) if workers is None else workers
    unreadable, tagless = _read_into(db, to_read, workers, when, progress, walk.skipped)
    read_s = time.perf_counter() - walked
    gone_ids = walk.gone_ids(present)
    local_files.mark_gone(db, gone_ids, when)
    elapsed = time.perf_counter() - started
    return {
        "roots": present,
        "missing_roots": missing,
        "files": len(walk.seen),
        "new": walk.new,
        "changed": len(to_read) - walk.new,
        "unchanged": len(walk.seen) - len(to_read),
        "read": len(to_read),
        "unreadable": unreadable,
        "tagless": tagless,
        "gone": len(gone_ids),
        "skipped": dict(walk.skipped.most_common()),
        "skipped_count": walk.skipped.total(),
        "errors": walk.errors[:50],
        "error_count": len(walk.errors),
        "workers": workers,
        "walk_s": round(walked - started, 3),
        "read_s": round(read_s, 3),
        "elapsed_s": round(elapsed, 3),
        "files_per_s": round(len(to_read) / read_s, 1) if to_read and read_s > 0 else None,
    }
