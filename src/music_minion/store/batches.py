"""Judgment batches: what one command or one sync changed (`judgment_batches`, `judgment_changes`),
and the learned judgments an undo suppressed (`judgment_suppressions`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from music_minion.store.session import Store

# A judgment as stored: (verdict, source, judged_at); None: no judgment.
Judgment = tuple[str, str, str] | None


class Batch(NamedTuple):
    id: int
    kind: str
    label: str
    made_at: str
    undone_at: str | None
    changes: int


class Change(NamedTuple):
    track_id: int
    before: Judgment
    after: Judgment
    learned_from: str | None = None  # a learned change: its source ("playlist X")


# A suppressed learned judgment: (track_id, verdict, learned_from).
Suppression = tuple[int, str, str]


_BATCHES = (
    "SELECT b.id, b.kind, b.label, b.made_at, b.undone_at, "
    "(SELECT count(*) FROM judgment_changes c WHERE c.batch_id = b.id) FROM judgment_batches b"
)


def add_batch(conn: Store, kind: str, label: str, made_at: str, changes: Iterable[Change]) -> int:
    """Record a batch and its changes; returns its id."""
    cur = conn.execute(
        "INSERT INTO judgment_batches (kind, label, made_at) VALUES (?, ?, ?)",
        (kind, label, made_at),
    )
    batch_id = int(cur.lastrowid or 0)
    conn.executemany(
        "INSERT INTO judgment_changes (batch_id, track_id, before_verdict, before_source, "
        "before_judged_at, after_verdict, after_source, after_judged_at, learned_from) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                batch_id,
                c.track_id,
                *(c.before or (None,) * 3),
                *(c.after or (None,) * 3),
                c.learned_from,
            )
            for c in changes
        ],
    )
    return batch_id


def get_batch(conn: Store, batch_id: int | None = None) -> Batch | None:
    """The batch `batch_id`, or (None) the newest one not undone yet."""
    if batch_id is None:
        row = conn.execute(_BATCHES + " WHERE b.undone_at IS NULL ORDER BY b.id DESC LIMIT 1")
    else:
        row = conn.execute(_BATCHES + " WHERE b.id = ?", (batch_id,))  # noqa: S608 - constant text
    found = row.fetchone()
    return Batch(*found) if found else None


def list_batches(conn: Store, limit: int) -> list[Batch]:
    """The newest batches first."""
    return [Batch(*r) for r in conn.execute(_BATCHES + " ORDER BY b.id DESC LIMIT ?", (limit,))]


def list_changes(conn: Store, batch_id: int) -> list[Change]:
    """What a batch changed, by track."""
    rows = conn.execute(
        "SELECT track_id, before_verdict, before_source, before_judged_at, after_verdict, "
        "after_source, after_judged_at, learned_from FROM judgment_changes WHERE batch_id = ? ORDER BY track_id",
        (batch_id,),
    )
    return [
        Change(
            r[0], (r[1], r[2], r[3]) if r[1] else None, (r[4], r[5], r[6]) if r[4] else None, r[7]
        )
        for r in rows
    ]


def mark_undone(conn: Store, batch_id: int, at: str) -> None:
    conn.execute("UPDATE judgment_batches SET undone_at = ? WHERE id = ?", (at, batch_id))


def suppress(conn: Store, items: Iterable[Suppression], batch_id: int) -> None:
    """Do not learn `verdict` for `track_id` from `learned_from` again (an undone learned judgment)."""
    conn.executemany(
        "INSERT OR REPLACE INTO judgment_suppressions (track_id, verdict, learned_from, batch_id) "
        "VALUES (?, ?, ?, ?)",
        [(*item, batch_id) for item in items],
    )


def list_suppressed(conn: Store) -> set[Suppression]:
    """What a sync must not learn: (track_id, verdict, learned_from)."""
    rows = conn.execute("SELECT track_id, verdict, learned_from FROM judgment_suppressions")
    return {(r[0], r[1], r[2]) for r in rows}


def lift(conn: Store, items: Iterable[Suppression]) -> None:
    """Forget these suppressions (their source no longer holds the track)."""
    conn.executemany(
        "DELETE FROM judgment_suppressions WHERE track_id = ? AND verdict = ? AND learned_from = ?",
        list(items),
    )
