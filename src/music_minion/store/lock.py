"""One sync at a time: an exclusive lock file in the data dir (works across processes)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from music_minion.store.errors import Busy

LOCK_NAME = "sync.lock"


def lock_path(data_dir: Path) -> Path:
    return data_dir / LOCK_NAME


@contextmanager
def process_lock(
    data_dir: Path, *, wait: bool = False, timeout_s: float | None = None
) -> Iterator[None]:
    """Hold the sync lock for the block.

    Without `wait` a lock held by another process raises `Busy` at once; with `wait` it blocks
    (up to `timeout_s` when given). The lock is released when the process dies, even by SIGKILL.
    """
    from filelock import FileLock, Timeout

    data_dir.mkdir(parents=True, exist_ok=True)
    path = lock_path(data_dir)
    lock = FileLock(str(path), thread_local=False)
    timeout = (-1 if timeout_s is None else timeout_s) if wait else 0
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        holder = _holder(path.with_suffix(".pid"))
        who = f" (pid {holder})" if holder else ""
        if wait:
            raise Busy(
                f"another sync is still running{who} after {timeout_s:g} s", "try again later"
            ) from None
        raise Busy(
            f"another sync is running{who}", "wait for it to finish, or pass --wait"
        ) from None
    pid_file = path.with_suffix(".pid")
    try:
        pid_file.write_text(str(os.getpid()))
        yield
    finally:
        pid_file.unlink(missing_ok=True)
        lock.release()


def _holder(pid_file: Path) -> str | None:
    try:
        text = pid_file.read_text().strip()
    except OSError:
        return None
    return text if text.isdigit() else None
