"""Counts in words, for every message people read: `1 request`, `2 requests`."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """`n` with `word` in the singular when n is 1, else `many` (default: word + "s")."""
    return f"{n} {word if n == 1 else (many or word + 's')}"
