"""`init`: write a commented default config and create the database."""

from __future__ import annotations

import click

from music_minion import config
from music_minion.cli.common import emit, json_option
from music_minion.cli.helptext import examples
from music_minion.errors import MinionError
from music_minion.files import write_atomic


@click.command(
    "init",
    epilog=examples(
        "music-minion init && music-minion config set soundcloud.client_id YOUR_ID",
        "music-minion --config ./work.toml init --force",
    ),
)
@click.option("--force", is_flag=True, help="Overwrite an existing config file.")
@json_option
def init(force: bool) -> None:
    """Write a commented default config and create the database."""
    from music_minion.store import database_path, open_store

    path = config.config_path()
    if path.exists() and not force:
        raise MinionError(
            f"config {path} already exists",
            "edit it, or pass --force to overwrite it with defaults",
        )
    write_atomic(path, config.default_toml())
    config.set_config_path(path)
    cfg = config.load(path)
    open_store(cfg.data_dir).close()
    data = {"config": str(path), "database": str(database_path(cfg.data_dir))}
    emit(data, lambda d: click.echo(f"wrote {d['config']}\ndatabase {d['database']}"))
