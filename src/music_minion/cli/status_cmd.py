"""`status [--json]`: is discovery running by itself, and working? Exit 0 healthy, 1 not."""

from __future__ import annotations

from typing import Any

import click

from music_minion.cli.common import emit, json_option, open_db, settings
from music_minion.timeutil import for_people as when
from music_minion.words import plural

EPILOG = """\b
Examples:
  music-minion status            one screen: login, last sync, due artists, feed, push, library
  music-minion status --json     the same as one object (for a monitor)

Exit codes: 0 healthy; 1 not (no successful sync in 3 intervals, the last 3 syncs failed, or the
login cannot be renewed), so cron mail or a health check can use it.
"""


@click.command("status", epilog=EPILOG)
@json_option
@click.pass_context
def status(ctx: click.Context) -> None:
    """Whether discovery runs by itself and works: one screen, or one object with --json."""
    from music_minion import config
    from music_minion.automation.health import gather

    data = gather(settings(), open_db(), config.config_path())
    emit(data, _human)
    if not data["healthy"]:
        ctx.exit(1)


def _human(d: dict[str, Any]) -> None:
    auth = d["login"]
    if auth["logged_in"]:
        renew = "renews itself" if auth["can_refresh"] else "cannot be renewed"
        click.echo(f"login     {auth['user']} until {when(auth['access_expires_at'])} ({renew})")
    else:
        click.echo("login     not logged in (run `music-minion auth login`)")
    s = d["last_sync"]
    if s is None:
        click.echo("last sync never")
    else:
        errors = ", ".join(f"{k} ×{v}" for k, v in sorted(s["errors"].items())) or "no errors"
        click.echo(
            f"last sync {when(s['started_at'])} {s['status']}: {plural(s['tracks_new'], 'new track')}, "
            f"{plural(s['requests'], 'request')}, {errors}"
        )
    click.echo(f"artists   {d['artists_watched']} watched, {d['artists_due']} due now")
    click.echo(f"feed      {plural(d['candidates'], 'candidate')}")
    p = d["last_push"]
    click.echo(
        f"push      {when(p['started_at'])} {p['status']}, {plural(p['track_count'], 'track')}"
        if p
        else "push      never"
    )
    lib = d["library"]
    click.echo(
        f"library   {plural(lib['files'], 'file')}, {plural(lib['owned_tracks'], 'owned track')} matched"
    )
    sc = d["schedule"]
    click.echo(
        f"schedule  {sc['backend']} every {sc['every_minutes']} min ({sc['where']})"
        if sc["installed"]
        else "schedule  not installed (run `music-minion schedule install`)"
    )
    click.echo("healthy" if d["healthy"] else "NOT healthy: " + "; ".join(d["problems"]))
