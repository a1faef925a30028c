"""Push the top of the feed into the discovery playlist on SoundCloud (one PUT), or diff it."""

from __future__ import annotations

import sqlite3
from typing import Any


async def push_playlist(client: Any, conn: sqlite3.Connection, cfg: Any, *, size: int | None = None, dry_run: bool = False) -> dict:
    """Replace the discovery playlist's tracks with the top `size` candidates; returns what changed."""
    return {"dry_run": dry_run, "playlist_urn": None, "added": [], "removed": [], "kept": []}
