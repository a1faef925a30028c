"""`schedule install|status|remove`: run discovery by itself (systemd user timer, else cron)."""

from __future__ import annotations

import os
from typing import Any

import click

from music_minion.cli.common import emit, json_option
from music_minion.cli.helptext import Group, examples

EPILOG = """\b
Examples:
  music-minion schedule install               sync every 6 hours
  music-minion schedule install --every 2h --push
  music-minion schedule status
  music-minion schedule remove

A systemd user timer where a user manager runs, else a crontab line; both marked so they are found
again. Runs are `music-minion sync --wait`: a slow run never doubles up.
"""


@click.group("schedule", cls=Group, epilog=EPILOG)
def schedule() -> None:
    """Run discovery by itself: install, show or remove the schedule."""


@schedule.command(
    "install",
    epilog=examples(
        "music-minion schedule install", "music-minion schedule install --every 12h --push"
    ),
)
@click.option("--every", default="6h", show_default=True, help="How often, e.g. 30m, 6h or 1d.")
@click.option("--push", is_flag=True, help="Push the discovery playlist after each sync.")
@json_option
def install(every: str, push: bool) -> None:
    """Write the schedule (idempotent: replaces this config's earlier one)."""
    from music_minion import config
    from music_minion.automation import schedule as sched
    from music_minion.automation.plan import Plan, carried_env, parse_every

    plan = Plan(parse_every(every), push, config.config_path(), carried_env(dict(os.environ)))
    emit(sched.install(plan), _human_install)


def _human_install(d: dict[str, Any]) -> None:
    verb = "wrote" if d["changed"] else "already installed, unchanged:"
    for where, text in zip(d["where"], d["wrote"], strict=True):
        click.echo(f"{verb} {where}" if d["backend"] == "systemd" else f"{verb} in {where}:")
        click.echo(text.rstrip("\n"))


@schedule.command(
    "status", epilog=examples("music-minion schedule status", "music-minion schedule status --json")
)
@json_option
def status() -> None:
    """Whether a schedule is installed for this config, where and how often."""
    from music_minion import config
    from music_minion.automation import schedule as sched

    def human(d: dict[str, Any]) -> None:
        if d["installed"]:
            click.echo(
                f"installed: {d['backend']}, every {d['every_minutes']} min, in {d['where']}"
            )
        else:
            click.echo("not installed (run `music-minion schedule install`)")

    emit(sched.status(config.config_path()), human)


@schedule.command("remove", epilog=examples("music-minion schedule remove"))
@json_option
def remove() -> None:
    """Remove this config's schedule (nothing else in the crontab or units folder)."""
    from music_minion import config
    from music_minion.automation import schedule as sched

    def human(d: dict[str, Any]) -> None:
        click.echo(
            "removed from " + ", ".join(d["removed"]) if d["removed"] else "nothing installed"
        )

    emit(sched.remove(config.config_path()), human)
