"""Hand-built store rows for ranking and judgment tests (plain SQL, like the merge would write)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from music_minion.timeutil import now, to_iso


def ago(days: float = 0, hours: float = 0, base: datetime | None = None) -> str:
    return to_iso((base or now()) - timedelta(days=days, hours=hours))


class Builder:
    """Insert artists, tracks, provenance, judgments, likes, local files and pushes."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.stamp = to_iso(now())
        self.before = to_iso(
            now() - timedelta(days=1)
        )  # artists were added before this test's changes

    def artist(self, name: str, *, weight: float = 1.0, watched: bool = True) -> int:
        n = self.conn.execute("SELECT count(*) FROM artists").fetchone()[0] + 1
        cur = self.conn.execute(
            "INSERT INTO artists (urn, username, permalink, permalink_url, watched, weight, added_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                f"soundcloud:users:{1000 + n}",
                name,
                name.lower().replace(" ", "-"),
                f"https://soundcloud.com/{name.lower().replace(' ', '-')}",
                int(watched),
                weight,
                self.before,
                self.before,
            ),
        )
        return int(cur.lastrowid)

    def track(
        self,
        n: int,
        *,
        title: str | None = None,
        uploader: str = "Uploader",
        uploader_urn: str | None = None,
        duration_ms: int | None = 240_000,
        genre: str | None = None,
        created_at: str | None = None,
        status: str = "ok",
        access: str | None = "playable",
        tags: str | None = None,
    ) -> int:
        cur = self.conn.execute(
            "INSERT INTO tracks (urn, title, uploader_urn, uploader_name, permalink_url, duration_ms, genre, tags, created_at, "
            "access, first_seen_at, updated_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                f"soundcloud:tracks:{n}",
                title or f"Track {n}",
                uploader_urn or f"soundcloud:users:up-{uploader}",
                uploader,
                f"https://soundcloud.com/{uploader.lower()}/track-{n}",
                duration_ms,
                genre,
                tags,
                created_at,
                access,
                self.stamp,
                self.stamp,
                status,
            ),
        )
        return int(cur.lastrowid)

    def prov(
        self,
        track_id: int,
        artist_id: int,
        kind: str = "repost",
        first_seen_at: str | None = None,
        position: int = 0,
    ) -> None:
        self.conn.execute(
            "INSERT INTO provenance (track_id, artist_id, kind, first_seen_at, position) VALUES (?, ?, ?, ?, ?)",
            (track_id, artist_id, kind, first_seen_at or self.stamp, position),
        )

    def judgment(self, track_id: int, verdict: str, source: str = "manual") -> None:
        self.conn.execute(
            "INSERT INTO judgments (track_id, verdict, source, judged_at) VALUES (?, ?, ?, ?)",
            (track_id, verdict, source, self.stamp),
        )

    def my_like(self, track_id: int, gone: bool = False) -> None:
        self.conn.execute(
            "INSERT INTO my_likes (track_id, first_seen_at, position, gone_at) VALUES (?, ?, 0, ?)",
            (track_id, self.stamp, self.stamp if gone else None),
        )

    def local_file(self, track_id: int, match_status: str = "exact", status: str = "ok") -> None:
        n = self.conn.execute("SELECT count(*) FROM local_files").fetchone()[0]
        self.conn.execute(
            "INSERT INTO local_files (path, size, mtime_ns, scanned_at, track_id, match_status, status) VALUES (?, 1, 1, ?, ?, ?, ?)",
            (f"/music/{n}.mp3", self.stamp, track_id, match_status, status),
        )

    def push(
        self, track_ids: list[int], status: str = "ok", at: str | None = None, mode: str = "replace"
    ) -> int:
        """A push of `track_ids` to playlist 1 that finished `at` (default: now)."""
        when = at or self.stamp
        cur = self.conn.execute(
            "INSERT INTO playlist_pushes (playlist_urn, started_at, finished_at, status, track_count, mode) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            ("soundcloud:playlists:1", when, when, status, len(track_ids), mode),
        )
        pid = int(cur.lastrowid)
        self.conn.executemany(
            "INSERT INTO playlist_push_tracks (push_id, track_id, position) VALUES (?, ?, ?)",
            [(pid, t, i) for i, t in enumerate(track_ids)],
        )
        return pid
