"""The one place an error becomes what a person sees: one line `error: <what> — <hint>`, an exit code."""

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
    from music_minion.soundcloud.errors import ApiError

    if isinstance(e, ApiError):
        return _api_line(e)
    hint = e.hint
    return f"error: {e.what} — {hint}" if hint else f"error: {e.what}"


def _api_line(e: ApiError) -> str:
    """`error: SoundCloud request /tracks/{urn} failed (HTTP 404): <message> — <what to do>`, or
    `error: cannot connect to HOST — <what to do>`."""
    return f"error: {e.for_people()} — {e.hint or _api_hint(e)}"


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


def usage_line(e: click.UsageError) -> str:
    """A wrong command line as one line: what is wrong, a guess when a name was mistyped, and
    where the help is (instead of click's three lines of usage, hint and error)."""
    where = e.ctx.command_path if e.ctx is not None else "music-minion"
    message = e.format_message().rstrip(".")
    guess = _did_you_mean(e)
    return f"error: {message}{guess} — see `{where} --help`"


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
