"""Helpers shared by every test package: the outcome of one CLI run, a stand-in for the user's
browser, and a terminal of a given width for the tables."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from music_minion.emulator.browser import visit


@dataclass
class Result:
    """What one `music-minion` run left: its exit code, stdout and stderr."""

    code: int
    out: str
    err: str

    def json(self):
        import json

        return json.loads(self.out)


async def browser_stand_in(url: str) -> None:
    """Stands in for the user's browser: open the authorize URL and follow its redirect to the callback."""
    import asyncio

    await asyncio.to_thread(visit, url)


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def terminal(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    """Make stdout a terminal of `width` columns for rich (the tests capture stdout)."""
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("NO_COLOR", "1")


def screen(out: str) -> list[str]:
    """The lines a terminal shows, without colour codes."""
    return ANSI.sub("", out).splitlines()
