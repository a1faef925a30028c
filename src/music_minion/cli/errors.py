"""The one place an error becomes what a person sees: one line `error: <what> — <hint>`, an exit code;
under `--json` the same as one object on stderr: `{"error": {"kind", "message", "hint"}}`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from music_minion.errors import MinionError, UsageError

if TYPE_CHECKING:
    from music_minion.soundcloud.errors import ApiError


def exit_code(e: MinionError) -> int:
    """2 for a wrong command line, else 1."""
    return 2 if isinstance(e, UsageError) else 1


def line(e: MinionError) -> str:
    """The single line shown for `e`."""
    return joined(*parts(e))


def joined(message: str, hint: str) -> str:
    """`error: <message> — <hint>` (without the dash when there is no hint)."""
    return f"error: {message} — {hint}" if hint else f"error: {message}"


def parts(e: MinionError) -> tuple[str, str]:
    """What happened and what to do about it."""
    from music_minion.soundcloud.errors import ApiError

    if isinstance(e, ApiError):
        return _api_parts(e)
    return e.what, e.hint


def kind(e: BaseException) -> str:
    """The error's class as a word: `usage`, `config`, `not_found`, `rate_limited`, `error` …"""
    import re

    name = type(e).__name__.removesuffix("Error").replace("Minion", "")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower() or "error"


def report(kind_: str, message: str, hint: str, *, as_json: bool) -> None:
    """Print one error on stderr: the one line, or under --json one object."""
    if as_json:
        import json

        body = {"error": {"kind": kind_, "message": message, "hint": hint or None}}
        click.echo(json.dumps(body, ensure_ascii=False), err=True)
    else:
        click.echo(joined(message, hint), err=True)


def _api_parts(e: ApiError) -> tuple[str, str]:
    """(`SoundCloud request /tracks/{urn} failed (HTTP 404): <message>` or `cannot connect to
    HOST`, `<what to do>`)."""
    return e.for_people(), e.hint or _api_hint(e)


def _api_hint(e: ApiError) -> str:
    """What to do about a failed API call, by its class."""
    from music_minion.soundcloud import errors as sc

    if isinstance(e, sc.AuthFailed):
        return "run `music-minion auth login`"
    if isinstance(e, sc.Unreachable):
        return "check your network connection (and soundcloud.api_base), then try again"
    if isinstance(e, sc.RateLimited):
        return "SoundCloud's rate limit was reached; try again later"
    if isinstance(e, sc.Transient):
        return "SoundCloud or the network failed; try again later"
    return "check the URL or URN (the item may be deleted, private or blocked)"


def usage_parts(e: click.UsageError) -> tuple[str, str]:
    """A wrong command line: what is wrong, a guess when a name was mistyped, and where the help
    is (instead of click's three lines of usage, hint and error)."""
    where = e.ctx.command_path if e.ctx is not None else "music-minion"
    message = e.format_message().rstrip(".")
    return f"{message}{_did_you_mean(e)}", f"see `{where} --help`"


def _did_you_mean(e: click.UsageError) -> str:
    import difflib
    import re

    found = re.match(r"No such command '(.+)'", e.format_message())
    ctx = e.ctx
    if found is None or ctx is None or not isinstance(ctx.command, click.Group):
        return ""
    names = ctx.command.list_commands(ctx)
    close = difflib.get_close_matches(found.group(1), names, n=1, cutoff=0.5)
    close = close or [n for n in names if n.startswith(found.group(1)[:3])][:1]
    return f"; did you mean `{close[0]}`?" if close else ""
