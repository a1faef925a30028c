"""The root of every failure a person can act on; each layer derives its own typed errors from it.

`config` raises `ConfigError`, `store/` its `StoreError` family, `soundcloud/` its `SoundCloudError`
family, the domain `MinionError` or `UsageError`. Only `cli/` turns any of them into the one line
`error: <what> — <what to do>` and an exit code (`cli/errors.py`). Never put a token or a secret in
`what` or `hint`.
"""

from __future__ import annotations


class MinionError(Exception):
    """Something went wrong that the user can fix: `what` happened, `hint` what to do about it."""

    def __init__(self, what: str, hint: str = "") -> None:
        super().__init__(what)
        self.what = what
        self.hint = hint


class UsageError(MinionError):
    """The command line itself is wrong (an unknown verdict, a missing argument): exit status 2."""


class ConfigError(MinionError):
    """The config file or a setting is wrong."""


def reason(e: BaseException) -> str:
    """The short reason of a failure for people: `what — hint` of a MinionError, else its type."""
    if isinstance(e, MinionError):
        return f"{e.what} — {e.hint}" if e.hint else e.what
    return type(e).__name__
