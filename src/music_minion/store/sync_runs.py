"""The `sync_runs` table: one row per sync with its counts and figures."""

from __future__ import annotations

import json
from typing import Any

from music_minion.store.session import Store
from music_minion.store.sql import inserted_id
from music_minion.timeutil import now_iso

STATUSES = ("running", "ok", "partial", "failed", "interrupted")


def mark_interrupted(conn: Store) -> int:
    """Runs still 'running' were killed (call while holding the sync lock); returns how many."""
    return conn.execute(
        "UPDATE sync_runs SET status = 'interrupted' WHERE status = 'running'"
    ).rowcount


def start(conn: Store, options: dict[str, Any], artists_planned: int = 0) -> int:
    """Open a run row in status 'running'; returns its id."""
    cur = conn.execute(
        "INSERT INTO sync_runs (started_at, status, options, artists_planned) VALUES (?, 'running', ?, ?)",
        (now_iso(), json.dumps(options, sort_keys=True), artists_planned),
    )
    return inserted_id(cur)


def update(conn: Store, run_id: int, **fields: int) -> None:
    """Set counters (artists_planned, artists_done, tracks_new, provenance_new, requests)."""
    allowed = {"artists_planned", "artists_done", "tracks_new", "provenance_new", "requests"}
    bad = set(fields) - allowed
    if bad:
        raise ValueError(f"unknown sync_runs fields {sorted(bad)}")
    if fields:
        sets = ", ".join(f"{k} = ?" for k in fields)
        conn.execute(f"UPDATE sync_runs SET {sets} WHERE id = ?", (*fields.values(), run_id))  # noqa: S608


def finish(conn: Store, run_id: int, status: str, stats: dict[str, Any], **counters: int) -> None:
    """Close a run with its final status, counters and the stats JSON."""
    if status not in STATUSES[1:]:
        raise ValueError(status)
    with conn.atomic():
        update(conn, run_id, **counters)
        conn.execute(
            "UPDATE sync_runs SET status = ?, finished_at = ?, stats = ? WHERE id = ?",
            (status, now_iso(), json.dumps(stats, sort_keys=True, default=str), run_id),
        )


def count_runs(conn: Store) -> int:
    """How many runs were ever recorded."""
    n: int = conn.execute("SELECT count(*) FROM sync_runs").fetchone()[0]
    return n


def list_recent(conn: Store, limit: int | None = 20) -> list[dict[str, Any]]:
    """The latest runs (all when `limit` is None), newest first, with options and stats decoded."""
    out = []
    for r in conn.execute("SELECT * FROM sync_runs ORDER BY id DESC LIMIT ?", (limit or -1,)):
        d = dict(r)
        d["options"] = json.loads(d["options"]) if d["options"] else {}
        d["stats"] = json.loads(d["stats"]) if d["stats"] else {}
        out.append(d)
    return out


def count_since(conn: Store, since: str) -> dict[str, int]:
    """Runs started at or after `since`, the artists they checked and the picks they found."""
    row = conn.execute(
        "SELECT count(*), coalesce(sum(artists_done), 0), coalesce(sum(provenance_new), 0) "
        "FROM sync_runs WHERE started_at >= ? AND status != 'running'",
        (since,),
    ).fetchone()
    return {"syncs": row[0], "curators_checked": row[1], "new_picks": row[2]}
