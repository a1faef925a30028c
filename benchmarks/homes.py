"""A throwaway Music Minion home for benchmarks that drive the product in-process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_ENV = ("MUSIC_MINION_CONFIG", "MUSIC_MINION_DATA_DIR", "PYTHON_KEYRING_BACKEND")


@contextmanager
def isolated_home(root: Path) -> Iterator[Path]:
    """Point config and data at `root` (tokens in its 0600 file, no keyring); restore the
    environment afterwards. Yields the config file's path."""
    from music_minion import config

    saved = {k: os.environ.get(k) for k in _ENV}
    os.environ["MUSIC_MINION_CONFIG"] = str(root / "config.toml")
    os.environ["MUSIC_MINION_DATA_DIR"] = str(root / "data")
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    config.set_config_path(None)
    try:
        yield root / "config.toml"
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        config.set_config_path(None)
