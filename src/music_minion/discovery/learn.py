"""Learn judgments from SoundCloud: my likes become `liked`, configured playlists become dismissals."""

from __future__ import annotations

import sqlite3
from typing import Any


async def import_my_likes(client: Any, conn: sqlite3.Connection, *, full: bool = False) -> dict:
    """Record my SoundCloud likes in `my_likes` (newest first); incremental unless `full`.

    An incremental walk stops at the first like already recorded. Returns counts.
    """
    return {"seen": 0, "new": 0}


async def learn_from_soundcloud(client: Any, conn: sqlite3.Connection, cfg: Any) -> dict:
    """My likes → my_likes + `liked` judgments; configured playlists → not_interested / not_quite."""
    return {"likes": {"seen": 0, "new": 0}, "liked": 0, "not_interested": 0, "not_quite": 0}
