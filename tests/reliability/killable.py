"""Run `music-minion ARGS` with one hook that announces a moment on stderr and then stalls there,
so a test can SIGKILL the process at exactly that moment.

    python -m tests.reliability.killable PHASE N ARGS...

PHASE (the Nth time it happens, counting from 1):
  merge    inside a merge transaction, after the (artist, source) rows are written, before commit
  refresh  just before a refresh token is sent to the token endpoint
  rotated  after the server rotated the refresh token, before the new pair is stored
  push     just before the playlist write (create or replace)
  pushed   after the playlist write succeeded, before the outcome is recorded
  none     no hook (the test kills at a moment it picks itself)
"""

from __future__ import annotations

import sys
import time
from typing import Any

MARK = "@@KILLPOINT"
STALL_S = 30.0


def _announce(phase: str) -> None:
    sys.stderr.write(f"{MARK} {phase}\n")
    sys.stderr.flush()


def install(phase: str, n: int) -> None:
    """Patch the hook for `phase`; it fires on its Nth call."""
    calls = [0]

    def hit() -> bool:
        calls[0] += 1
        return calls[0] == n

    if phase == "merge":
        from music_minion.store import provenance

        original_merge = provenance.merge_source

        def merge_source(*args: Any, **kwargs: Any) -> Any:
            result = original_merge(*args, **kwargs)
            if hit():  # runs in the writer's thread: blocking here keeps the transaction open
                _announce(phase)
                time.sleep(STALL_S)
            return result

        provenance.merge_source = merge_source
    elif phase in ("refresh", "rotated"):
        import asyncio

        from music_minion.soundcloud import oauth

        original_refresh = oauth.refresh

        async def refresh(*args: Any, **kwargs: Any) -> Any:
            if phase == "refresh" and hit():
                _announce(phase)
                await asyncio.sleep(STALL_S)
            body = await original_refresh(*args, **kwargs)
            if phase == "rotated" and hit():
                _announce(phase)
                await asyncio.sleep(STALL_S)
            return body

        oauth.refresh = refresh
    elif phase in ("push", "pushed"):
        import asyncio

        from music_minion.soundcloud.client import SoundCloudClient

        for name in ("create_playlist", "replace_playlist"):
            original = getattr(SoundCloudClient, name)

            def make(original: Any) -> Any:
                async def write(self: Any, *args: Any, **kwargs: Any) -> Any:
                    if phase == "push" and hit():
                        _announce(phase)
                        await asyncio.sleep(STALL_S)
                    result = await original(self, *args, **kwargs)
                    if phase == "pushed" and hit():
                        _announce(phase)
                        await asyncio.sleep(STALL_S)
                    return result

                return write

            setattr(SoundCloudClient, name, make(original))
    elif phase != "none":
        raise SystemExit(f"unknown phase {phase!r}")


def main(argv: list[str]) -> None:
    phase, n, *args = argv
    install(phase, int(n))
    from music_minion.cli.main import run

    run(args)


if __name__ == "__main__":
    main(sys.argv[1:])
