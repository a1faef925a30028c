"""`db info|check`."""

from __future__ import annotations

import click

from music_minion.cli.common import emit, json_option, table
from music_minion.errors import UserError


@click.group("db")
def db() -> None:
    """Inspect and check the database."""


@db.command("info")
@json_option
def info() -> None:
    """Path, schema version and row counts."""
    from music_minion import config
    from music_minion.store import database_path, open_store
    from music_minion.store.db import table_counts

    cfg = config.load()
    conn = open_store(cfg.data_dir)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        data = {
            "path": str(database_path(cfg.data_dir)),
            "schema_version": version,
            "tables": table_counts(conn),
        }
    finally:
        conn.close()

    def human(d: dict) -> None:
        click.echo(f"database: {d['path']}\nschema version: {d['schema_version']}")
        table(None, ["table", "rows"], [[k, v] for k, v in d["tables"].items()])

    emit(data, human)


@db.command("check")
@json_option
def check() -> None:
    """Run SQLite's integrity and foreign-key checks (exit 1 on problems)."""
    from music_minion import config
    from music_minion.store import open_store
    from music_minion.store.db import integrity_problems

    conn = open_store(config.load().data_dir)
    try:
        problems = integrity_problems(conn)
    finally:
        conn.close()
    emit(
        {"ok": not problems, "problems": problems},
        lambda d: click.echo("ok" if d["ok"] else "\n".join(d["problems"])),
    )
    if problems:
        raise UserError(
            f"database check found {len(problems)} problem(s)",
            "restore from a backup or re-run sync",
        )
