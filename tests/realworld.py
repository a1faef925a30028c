"""Where the real-world material lives (real SoundCloud bodies, real audio files), read in place.

`$MUSIC_MINION_REALWORLD` when set, else `../shared/realworld` beside the repository. Tests that
use it skip cleanly when it is absent; nothing of it is ever copied into the project.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def realworld_root() -> Path:
    env = os.environ.get("MUSIC_MINION_REALWORLD")
    return Path(env) if env else REPO / ".." / "shared" / "realworld"


def soundcloud_index() -> list[dict[str, str]]:
    """The rows of `soundcloud/INDEX.csv` (one per captured body); [] when absent."""
    index = realworld_root() / "soundcloud" / "INDEX.csv"
    if not index.is_file():
        return []
    with index.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def audio_files(folder: str = "beets") -> list[Path]:
    """The files of `audio/<folder>`, sorted; [] when absent."""
    root = realworld_root() / "audio" / folder
    return sorted(p for p in root.iterdir() if p.is_file()) if root.is_dir() else []
