"""The one place an error becomes what a person sees: one line `error: <what> — <hint>`, an exit code."""

from __future__ import annotations

from music_minion.errors import MinionError, UsageError


def exit_code(e: MinionError) -> int:
    """2 for a wrong command line, else 1."""
    if isinstance(e, UsageError):
        return 2
    return getattr(e, "exit_code", 1)


def line(e: MinionError) -> str:
    """The single line shown for `e`."""
    hint = e.hint
    return f"error: {e.what} — {hint}" if hint else f"error: {e.what}"
