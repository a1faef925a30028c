"""`undo`: revert the last batch of judgments (one command, or what one sync learned)."""

from __future__ import annotations

from typing import Any

import click

from music_minion.cli.common import emit, json_option, open_db
from music_minion.cli.table import fixed, footer, table, text
from music_minion.timeutil import for_people as when


@click.command(
    "undo",
    epilog="""\b
Examples:
  music-minion undo              revert the last batch of judgments
  music-minion undo 12           revert batch 12
  music-minion undo --list       the recent batches, newest first
""",
)
@click.argument("batch", type=click.IntRange(min=1), required=False)
@click.option("--list", "listing", is_flag=True, help="List the recent batches instead.")
@json_option
def undo(batch: int | None, listing: bool) -> None:
    """Revert a batch of judgments: the last one, or BATCH. A batch is one `judge`/`unjudge` call
    or what one sync learned from my likes and playlists; every track gets back the judgment it had
    before (a track judged again since keeps the newer one). Undone learned judgments are not
    learned again while their playlist still holds the track."""
    if listing:
        _list_batches()
        return
    from music_minion.discovery.verdicts import undo_batch

    emit(undo_batch(open_db(), batch), lambda d: click.echo(reverted_line(d)))


def reverted_line(d: dict[str, Any]) -> str:
    """E.g. "reverted 100 not_quite judgments learned from playlist X at 2026-11-30 14:02"."""
    parts = [
        f"{n} removal{'s' * (n != 1)}"
        if what == "removed"
        else f"{n} {what} judgment{'s' * (n != 1)}"
        for what, n in d["reverted"].items()
    ]
    line = f"reverted {', '.join(parts) or 'nothing'} {d['label']} at {when(d['made_at'])}"
    if d["kept_newer"]:
        line += f" ({d['kept_newer']} judged again since: kept)"
    return line


def _list_batches() -> None:
    from music_minion.store import batches

    conn = open_db()
    rows, total = batches.list_batches(conn, 20), batches.count_batches(conn)

    def human(found: list[Any]) -> None:
        table(
            "Judgment batches (newest first)",
            [fixed("batch"), fixed("when"), text("what"), fixed("changes"), fixed("undone")],
            [[b.id, when(b.made_at), b.label, b.changes, when(b.undone_at)] for b in found],
            empty="no judgment batches yet: `music-minion judge` and `sync` make them",
            notes=[footer(len(found), total, "`music-minion undo BATCH` reverts an older one")],
        )

    emit(rows, human, total=total)
