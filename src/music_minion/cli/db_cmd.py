"""`db info|check`."""

from __future__ import annotations

from typing import Any

import click

from music_minion.cli.common import emit, json_option, open_db
from music_minion.cli.helptext import Group, examples
from music_minion.cli.table import fixed, table
from music_minion.errors import MinionError
from music_minion.words import plural


@click.group("db", cls=Group, epilog=examples("music-minion db info", "music-minion db check"))
def db() -> None:
    """Inspect and check the database."""


@db.command("info", epilog=examples("music-minion db info", "music-minion db info --json"))
@json_option
def info() -> None:
    """Path, schema version and row counts."""
    from music_minion.store.db import schema_version, table_counts

    db = open_db()
    data = {"path": str(db.path), "schema_version": schema_version(db), "tables": table_counts(db)}

    def human(d: dict[str, Any]) -> None:
        click.echo(f"database: {d['path']}\nschema version: {d['schema_version']}")
        table(None, [fixed("table"), fixed("rows")], [[k, v] for k, v in d["tables"].items()])

    emit(data, human)


@db.command("check", epilog=examples("music-minion db check"))
@json_option
def check() -> None:
    """Run SQLite's integrity and foreign-key checks (exit 1 on problems)."""
    from music_minion.store.db import integrity_problems

    problems = integrity_problems(open_db())
    emit(
        {"ok": not problems, "problems": problems},
        lambda d: click.echo("ok" if d["ok"] else "\n".join(d["problems"])),
    )
    if problems:
        raise MinionError(
            f"database check found {plural(len(problems), 'problem')}",
            "restore from a backup or re-run sync",
        )
