"""Helpers of the discovery tests: the current home's store, watching the emulator's artists, and
what a correct sync stores."""

from __future__ import annotations

import sqlite3
from typing import Any

KIND = {"likes": "like", "reposts": "repost", "uploads": "upload"}


def home_db() -> sqlite3.Connection:
    """The store of the current home (its config's data dir)."""
    from music_minion import config
    from music_minion.store import open_store

    return open_store(config.load().data_dir)


def watch_all(emu: Any) -> list[str]:
    """Watch every artist of the emulator's world (stored as resolved, no requests)."""
    from music_minion.store import artists as store

    conn = home_db()
    try:
        for urn in emu.world.artist_urns:
            u = emu.world.users[urn]
            store.upsert_resolved(
                conn,
                store.Resolved(
                    urn, u.username, u.permalink, f"https://soundcloud.com/{u.permalink}"
                ),
            )
    finally:
        conn.close()
    return list(emu.world.artist_urns)


def expected_provenance(
    emu: Any, sources: tuple[str, ...] = ("likes", "reposts", "uploads")
) -> set[tuple]:
    """(track, artist, kind, position) a fault-free first sync must store: the lists as served."""
    w = emu.world
    out = set()
    for artist in w.artist_urns:
        for src in sources:
            visible = [u for u in w.list_for(src, artist) if w.tracks[u].access != "blocked"]
            out.update((u, artist, KIND[src], i) for i, u in enumerate(visible))
    return out


def stored_provenance(conn: sqlite3.Connection | None = None) -> set[tuple]:
    own = conn is None
    conn = conn or home_db()
    try:
        return {
            tuple(r)
            for r in conn.execute(
                "SELECT t.urn, a.urn, p.kind, p.position FROM provenance p JOIN tracks t ON t.id = p.track_id "
                "JOIN artists a ON a.id = p.artist_id"
            )
        }
    finally:
        if own:
            conn.close()


def snapshot() -> dict[str, list[tuple]]:
    """Everything sync writes except the artists' schedule columns."""
    conn = home_db()
    try:
        return {
            "tracks": [tuple(r) for r in conn.execute("SELECT * FROM tracks ORDER BY id")],
            "provenance": [
                tuple(r)
                for r in conn.execute("SELECT * FROM provenance ORDER BY track_id, artist_id, kind")
            ],
            "artists": [
                tuple(r)
                for r in conn.execute(
                    "SELECT id, urn, username, watched, weight FROM artists ORDER BY id"
                )
            ],
        }
    finally:
        conn.close()


def list_requests(stats: dict[str, Any]) -> dict[str, int]:
    """Requests the client made to the artists' list endpoints."""
    return {k: v for k, v in stats.get("by_endpoint", {}).items() if k.startswith("/users/{urn}/")}
