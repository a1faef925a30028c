"""Small key/value sync state (my user URN, cursors): the `kv` table."""

from __future__ import annotations

from music_minion.store.session import Store
from music_minion.timeutil import now_iso


def get(conn: Store, key: str, default: str | None = None) -> str | None:
    """The value stored under `key`, else `default`."""
    row = conn.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def put(conn: Store, key: str, value: str) -> None:
    """Store `value` under `key` (insert or replace)."""
    conn.execute(
        "INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (key, value, now_iso()),
    )


def delete(conn: Store, key: str) -> bool:
    """Remove `key`; True when it existed."""
    return conn.execute("DELETE FROM kv WHERE key = ?", (key,)).rowcount > 0
