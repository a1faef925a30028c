"""The one user-facing error type: rendered by the CLI as `error: <what> — <what to do>`."""

from __future__ import annotations


class UserError(Exception):
    """A mistake the user can fix (bad config, unknown artist, not logged in).

    `what` says what went wrong, `hint` what to do about it. `exit_code` is 1, or 2 for bad usage.
    Never put a token or a secret in either text.
    """

    def __init__(self, what: str, hint: str = "", *, exit_code: int = 1) -> None:
        super().__init__(what)
        self.what = what
        self.hint = hint
        self.exit_code = exit_code

    def line(self) -> str:
        """The single line shown to the user."""
        return f"error: {self.what} — {self.hint}" if self.hint else f"error: {self.what}"
