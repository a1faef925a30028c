"""The `judgments` table: one verdict per track, with its source and time."""

from __future__ import annotations

from typing import Any

from music_minion.store.session import Store
from music_minion.store.sql import SqlValue
from music_minion.vocab import JUDGMENT_SOURCES as SOURCES
from music_minion.vocab import VERDICTS


def get_verdict(conn: Store, track_id: int) -> tuple[str, str, str] | None:
    """(verdict, source, judged_at) of a track, or None."""
    row = conn.execute(
        "SELECT verdict, source, judged_at FROM judgments WHERE track_id = ?", (track_id,)
    ).fetchone()
    return (row[0], row[1], row[2]) if row else None


def put(conn: Store, track_id: int, verdict: str, source: str, judged_at: str) -> None:
    """Insert or replace the judgment of a track."""
    if verdict not in VERDICTS or source not in SOURCES:
        raise ValueError(f"bad judgment {verdict!r} from {source!r}")
    conn.execute(
        "INSERT INTO judgments (track_id, verdict, source, judged_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (track_id) DO UPDATE SET verdict = excluded.verdict, source = excluded.source, judged_at = excluded.judged_at",
        (track_id, verdict, source, judged_at),
    )


def delete(conn: Store, track_id: int) -> bool:
    return conn.execute("DELETE FROM judgments WHERE track_id = ?", (track_id,)).rowcount > 0


def list_synced(conn: Store) -> dict[int, str]:
    """track_id -> verdict of every judgment learned from SoundCloud (not manual)."""
    return dict(
        conn.execute("SELECT track_id, verdict FROM judgments WHERE source != 'manual'").fetchall()
    )


def list_manual_ids(conn: Store) -> set[int]:
    return {r[0] for r in conn.execute("SELECT track_id FROM judgments WHERE source = 'manual'")}


def list_judged(
    conn: Store, verdict: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """Judged tracks, newest judgment first, with what identifies them."""
    sql = (
        "SELECT t.urn, t.title, t.uploader_name, t.permalink_url, j.verdict, j.source, j.judged_at "
        "FROM judgments j JOIN tracks t ON t.id = j.track_id"
    )
    params: list[SqlValue] = []
    if verdict:
        sql += " WHERE j.verdict = ?"
        params.append(verdict)
    sql += " ORDER BY j.judged_at DESC, t.urn LIMIT ?"
    params.append(-1 if limit is None else limit)
    return [
        dict(
            zip(
                ("urn", "title", "uploader", "link", "verdict", "source", "judged_at"),
                r,
                strict=True,
            )
        )
        for r in conn.execute(sql, params)
    ]


def count_by_verdict(conn: Store) -> dict[str, int]:
    """How many judgments of each verdict."""
    found = dict(
        conn.execute("SELECT verdict, count(*) FROM judgments GROUP BY verdict").fetchall()
    )
    return {v: found.get(v, 0) for v in VERDICTS}


def count_by_verdict_since(conn: Store, since: str) -> dict[str, int]:
    """How many judgments of each verdict were made at or after `since`."""
    rows = conn.execute(
        "SELECT verdict, count(*) FROM judgments WHERE judged_at >= ? GROUP BY verdict", (since,)
    )
    found = dict(rows.fetchall())
    return {v: found.get(v, 0) for v in VERDICTS}
