"""Writing a file so that a crash, a full disk or a reader never sees half of it."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from music_minion.errors import MinionError


def write_atomic(path: Path, data: str | bytes, *, private: bool = False) -> None:
    """Write `data` to a temp file beside `path`, fsync it, then rename it over `path`.

    `private` creates the file 0600 from its first byte (token files). A failure removes the temp
    file, leaves any old `path` as it was, and raises one MinionError line.
    """
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o666)
        try:
            if private:
                os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data.encode("utf-8") if isinstance(data, str) else data)
                f.flush()
                os.fsync(f.fileno())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        os.replace(tmp, path)
    except OSError as e:
        with contextlib.suppress(OSError):  # the folder may be no folder at all
            tmp.unlink(missing_ok=True)
        raise MinionError(
            f"cannot write {path}: {e.strerror}", "check free space and permissions"
        ) from None
