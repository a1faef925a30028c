"""Helpers shared by every test package: the outcome of one CLI run, and a stand-in for the user's browser."""

from __future__ import annotations

from dataclasses import dataclass

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
