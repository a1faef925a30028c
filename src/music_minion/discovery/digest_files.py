"""The digest written after each sync: an Atom feed and an HTML page of what is new since the
previous one (paths from `paths.digest_feed` / `paths.digest_page`, else the data folder)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from music_minion.config import Config
from music_minion.discovery import digest
from music_minion.discovery.digest_render import atom, page
from music_minion.files import write_atomic
from music_minion.store.session import Store
from music_minion.timeutil import now

FIRST_DAYS = 7  # the first digest covers the last week


def paths(cfg: Config) -> tuple[Path, Path]:
    feed = Path(cfg.paths.digest_feed).expanduser() if cfg.paths.digest_feed else None
    html = Path(cfg.paths.digest_page).expanduser() if cfg.paths.digest_page else None
    return feed or cfg.data_dir / "digest.xml", html or cfg.data_dir / "digest.html"


def write_after_sync(db: Store, cfg: Config) -> dict[str, Any]:
    """Write both files for what is new since the previous digest; remember when."""
    at = now()
    last = digest.last_digest_at(db)
    # Times are kept to the second: what the previous digest listed is at or before `last`.
    since = last + timedelta(seconds=1) if last else at - timedelta(days=FIRST_DAYS)
    d = digest.build(db, cfg, since, at)
    feed, html = paths(cfg)
    write_atomic(feed, atom(d))
    write_atomic(html, page(d))
    digest.mark_written(db, at)
    return {"feed": str(feed), "page": str(html), "picks": len(d.picks)}
