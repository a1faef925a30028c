"""`auth login|status|logout`: connect Music Minion to a SoundCloud account."""

from __future__ import annotations

import time
from typing import Any

import click

from music_minion.cli.common import emit, json_option
from music_minion.cli.helptext import Group, examples
from music_minion.timeutil import for_people as when

EPILOG = """\b
Examples:
  music-minion auth login                 opens the browser, waits for the redirect
                                          (no browser here: prints the URL to paste from)
  music-minion auth login --no-browser    prints the URL; paste the address you land on
  music-minion auth status --json
  music-minion auth logout
"""


@click.group("auth", cls=Group, epilog=EPILOG)
def auth() -> None:
    """Log in to SoundCloud (OAuth 2.1 with PKCE), show or end the session."""


@auth.command("login", epilog=EPILOG)
@click.option(
    "--no-browser",
    is_flag=True,
    help="Print the URL and read the pasted redirect address (headless).",
)
@click.option(
    "--timeout",
    "timeout_s",
    type=float,
    default=None,
    metavar="SECONDS",
    help="How long to wait for the browser (default: soundcloud.login_timeout_s).",
)
@json_option
def login_cmd(no_browser: bool, timeout_s: float | None) -> None:
    """Log in through the browser and store the tokens (keyring, else a 0600 file).

    When no browser can be opened (a machine without a display), it prints the URL at once and
    reads the address you are redirected to, as with --no-browser.
    """
    import asyncio

    from music_minion import config
    from music_minion.soundcloud.login import login

    cfg = config.load()

    def show_url(url: str) -> bool:
        import webbrowser

        opened = webbrowser.open(url)
        if opened:
            click.echo(
                f"Opened the browser to log in. If it did not open, visit:\n  {url}", err=True
            )
        return opened

    me = asyncio.run(login(cfg, browser=show_url, paste=no_browser, timeout_s=timeout_s))
    emit(
        {"logged_in": True, "user": me.username, "user_urn": me.urn},
        lambda d: click.echo(f"logged in as {d['user']} ({d['user_urn']})"),
    )


def _status_data() -> dict[str, Any]:
    from datetime import UTC, datetime

    from music_minion import config
    from music_minion.soundcloud.oauth import AppSettings
    from music_minion.soundcloud.tokens import TokenStore
    from music_minion.timeutil import to_iso

    cfg = config.load()
    app = AppSettings.from_config(cfg)
    store = TokenStore(cfg.data_dir, app.namespace)
    tok = store.load("user")
    app_tok = store.load("app")
    now = time.time()

    def iso(ts: float) -> str:
        return to_iso(datetime.fromtimestamp(ts, UTC))

    return {
        "logged_in": tok is not None,
        "user": tok.username if tok else None,
        "user_urn": tok.user_urn if tok else None,
        "access_expires_at": iso(tok.expires_at) if tok else None,
        "access_expired": tok.expires_at <= now if tok else None,
        "can_refresh": bool(tok.refresh_token) if tok else False,
        "storage": store.backend,
        "api_base": app.api_base,
        "app_token_cached": app_tok is not None and app_tok.expires_at > now,
    }


@auth.command(
    "status", epilog=examples("music-minion auth status", "music-minion auth status --json")
)
@json_option
def status() -> None:
    """Who is logged in, when the access token expires, where tokens are stored (never the token)."""
    data = _status_data()

    def human(d: dict[str, Any]) -> None:
        if d["logged_in"]:
            state = (
                "expired (refreshes on next use)"
                if d["access_expired"]
                else f"valid until {when(d['access_expires_at'])}"
            )
            click.echo(f"logged in as {d['user']} ({d['user_urn']})\naccess token: {state}")
        else:
            click.echo("not logged in (run `music-minion auth login`)")
        click.echo(f"token storage: {d['storage']}")
        if d["storage"].startswith("file"):
            click.echo(
                "  (no OS keyring available: tokens are in a file only you can read, mode 0600)"
            )

    emit(data, human)


@auth.command("logout", epilog=examples("music-minion auth logout"))
@json_option
def logout() -> None:
    """Sign out at SoundCloud (when reachable) and delete the stored user tokens."""
    import asyncio

    import aiohttp

    from music_minion import config
    from music_minion.soundcloud import oauth
    from music_minion.soundcloud.tokens import TokenStore

    cfg = config.load()
    app = oauth.AppSettings.from_config(cfg)
    store = TokenStore(cfg.data_dir, app.namespace)
    tok = store.load("user")
    remote = False
    if tok is not None:

        async def sign_out() -> bool:
            async with aiohttp.ClientSession() as http:
                return await oauth.sign_out(http, app, tok.access_token)

        remote = asyncio.run(sign_out())
    store.delete("user")
    emit(
        {"logged_out": True, "was_logged_in": tok is not None, "signed_out_remotely": remote},
        lambda d: click.echo(
            "logged out"
            + (
                ""
                if d["signed_out_remotely"] or not d["was_logged_in"]
                else " (SoundCloud could not be reached; tokens deleted here)"
            )
        ),
    )
