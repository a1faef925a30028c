"""Helpers of the reliability suite: several isolated homes, the CLI as a real process, and a
comparable picture of everything a sync writes (no timestamps, no row ids).

Child processes import this module too (they run with the repository root on PYTHONPATH), so it
holds no fixtures and needs no pytest."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LONG = os.environ.get("MUSIC_MINION_RELIABILITY", "").lower() == "long"
KIND = {"likes": "like", "reposts": "repost", "uploads": "upload"}


def seeds(short: list[int], long: list[int]) -> list[int]:
    """The seed list for this mode: `short` by default, `long` when MUSIC_MINION_RELIABILITY=long."""
    return long if LONG else short


@dataclass
class Home:
    """One user's config file and data dir."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "config" / "config.toml"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def db_path(self) -> Path:
        from music_minion.store import database_path

        return database_path(self.data)

    def env(self) -> dict[str, str]:
        """The environment of a `music-minion` process using this home (no keyring, no app env)."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SOUNDCLOUD_", "MUSIC_MINION_"))
        }
        env.update(
            {
                "MUSIC_MINION_CONFIG": str(self.config),
                "MUSIC_MINION_DATA_DIR": str(self.data),
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env

    def connect(self) -> sqlite3.Connection:
        from music_minion.store import connect

        return connect(self.db_path)

    def popen(self, *args: str, **kw: Any) -> subprocess.Popen:
        """Start `music-minion ARGS` as its own process."""
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        return subprocess.Popen(
            [sys.executable, "-m", "music_minion", *args],
            env=self.env(),
            stdin=subprocess.DEVNULL,
            text=True,
            **kw,
        )

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "music_minion", *args],
            env=self.env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


async def _browser(url: str) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as http, http.get(url, allow_redirects=True) as resp:
        await resp.read()


def login(emu: Any) -> None:
    """Log the current home in through the real loopback OAuth flow (the emulator auto-approves)."""
    from music_minion import config
    from music_minion.soundcloud.login import login as do_login

    asyncio.run(do_login(config.load(), browser=_browser, timeout_s=20))


def setup_home(emu: Any, home: Home, mm: Any, **settings: str) -> None:
    """Point `home` (already current) at `emu`, log in, and watch every artist of its world."""
    from music_minion.sandbox import configure

    configure(emu, home.root)
    for key, value in {
        "soundcloud.page_size": "10",
        "discovery.max_pages": "50",
        "ranking.per_artist_cap": "500",
        "playlist.size": "500",
        **settings,
    }.items():
        r = mm("config", "set", key, value)
        assert r.code == 0, r.err
    login(emu)
    urls = [f"https://soundcloud.com/{emu.world.users[u].permalink}" for u in emu.world.artist_urns]
    r = mm("artists", "add", *urls, "--json")
    assert r.code == 0 and len(r.json()["added"]) == len(urls), r.err


def expected_provenance(world: Any) -> set[tuple]:
    """(track, artist, kind, position) rows a correct first sync stores: the lists as served."""
    out = set()
    for artist in world.artist_urns:
        for src, kind in KIND.items():
            visible = [
                u for u in world.list_for(src, artist) if world.tracks[u].access != "blocked"
            ]
            out.update((u, artist, kind, i) for i, u in enumerate(visible))
    return out


def picture(conn: sqlite3.Connection) -> dict[str, Any]:
    """What sync, learn and push stored, keyed by URN: comparable between two homes."""
    q = lambda sql: sorted(tuple(r) for r in conn.execute(sql))  # noqa: E731
    return {
        "tracks": q(
            "SELECT urn, title, uploader_urn, uploader_name, permalink_url, duration_ms, genre, tags, bpm,"
            " created_at, access, playback_count, likes_count, reposts_count, status FROM tracks"
        ),
        "provenance": q(
            "SELECT t.urn, a.urn, p.kind, p.position, p.gone_at IS NULL FROM provenance p"
            " JOIN tracks t ON t.id = p.track_id JOIN artists a ON a.id = p.artist_id"
        ),
        "judgments": q(
            "SELECT t.urn, j.verdict, j.source FROM judgments j JOIN tracks t ON t.id = j.track_id"
        ),
        "my_likes": q(
            "SELECT t.urn, m.position, m.gone_at IS NULL FROM my_likes m JOIN tracks t ON t.id = m.track_id"
        ),
        "artists": q("SELECT urn, username, watched, weight, resolve_status FROM artists"),
    }


def provenance_rows(conn: sqlite3.Connection) -> dict[tuple, tuple]:
    """(track urn, artist urn, kind) -> (first_seen_at, position) of every provenance row."""
    return {
        (r[0], r[1], r[2]): (r[3], r[4])
        for r in conn.execute(
            "SELECT t.urn, a.urn, p.kind, p.first_seen_at, p.position FROM provenance p"
            " JOIN tracks t ON t.id = p.track_id JOIN artists a ON a.id = p.artist_id"
        )
    }


def integrity_ok(path: Path) -> bool:
    """The SQLite file passes its integrity and foreign-key checks."""
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            and not conn.execute("PRAGMA foreign_key_check").fetchall()
        )
    finally:
        conn.close()
