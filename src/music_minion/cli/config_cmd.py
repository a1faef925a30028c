"""`config path|show|get|set`."""

from __future__ import annotations

import click

from music_minion import config as cfgmod
from music_minion.cli.common import emit, json_option, print_json, wants_json, wide_option
from music_minion.cli.helptext import Group, examples
from music_minion.cli.table import fixed, table, text


@click.group(
    "config",
    cls=Group,
    epilog=examples(
        "music-minion config show",
        "music-minion config get soundcloud.max_concurrency",
        "music-minion config set playlist.size 200",
        'music-minion config set library.paths \'["~/Music", "/mnt/dj"]\'',
    ),
)
def config_group() -> None:
    """Show and change settings."""


@config_group.command(
    "path",
    epilog=examples("music-minion config path", "music-minion --config ./other.toml config path"),
)
@json_option
def path_cmd() -> None:
    """Print the config file's path."""
    p = cfgmod.config_path()
    emit({"path": str(p), "exists": p.exists()}, lambda d: click.echo(d["path"]))


@config_group.command(
    "show", epilog=examples("music-minion config show", "music-minion config show --json")
)
@json_option
@wide_option
def show_cmd() -> None:
    """Every setting with its effective value (secrets masked)."""
    cfg = cfgmod.load()
    items = cfg.items(mask_secrets=True)
    origins = {k: cfg.origins.get(k, "default") for k, _ in items}
    if wants_json():
        print_json(
            {
                "path": str(cfg.path),
                "settings": dict(items),
                "origins": origins,
                "data_dir": str(cfg.data_dir),
            }
        )
        return
    rows = [[k, _toml(v), origins[k], cfgmod.SETTINGS[k].doc] for k, v in items]
    table(
        f"config: {cfg.path}",
        [fixed("key"), text("value", min_width=24), fixed("from"), text("meaning", 2, 12, drop=1)],
        rows,
    )


def _toml(value: object) -> str:
    """A value as it is written in the config file (`true`, `["likes"]`, `"x"`)."""
    import tomlkit

    return str(tomlkit.item(value).as_string())


@config_group.command("get", epilog=examples("music-minion config get playlist.size"))
@click.argument("key")
@json_option
def get_cmd(key: str) -> None:
    """Print one setting's value (secrets masked)."""
    cfg = cfgmod.load()
    value = cfg.get(key)
    if cfgmod.SETTINGS[key].secret and value:
        value = "***"
    emit({"key": key, "value": value}, lambda d: click.echo(d["value"]))


@config_group.command(
    "set",
    context_settings={"ignore_unknown_options": True},
    epilog=examples(
        "music-minion config set playlist.size 200",
        'music-minion config set judgments.not_quite_playlist "Not quite"',
    ),
)
@click.argument("key")
@click.argument("value")
@json_option
def set_cmd(key: str, value: str) -> None:
    """Set one setting in the config file (type-checked; comments and layout kept)."""
    stored = cfgmod.set_value(key, value)
    shown = "***" if cfgmod.SETTINGS[key].secret else stored
    emit(
        {"key": key, "value": shown, "path": str(cfgmod.config_path())},
        lambda d: click.echo(f"{key} = {_toml(d['value'])}"),
    )
