"""Running the review page: in the foreground until Ctrl-C (`review`), or in a background thread
(`demo --review` keeps its emulator in the foreground; tests drive a browser at it)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from music_minion.config.loading import Config
from music_minion.discovery.listening import QueueFilters
from music_minion.web.app import Page, build_app
from music_minion.web.security import Guard, new_secret

HOST = "127.0.0.1"


async def start(cfg: Config, filters: QueueFilters, port: int = 0) -> tuple[web.AppRunner, Guard]:
    """Start the page on 127.0.0.1:`port` (0: any free port); returns its runner and guard (the
    guard knows the port and the URL to open)."""
    guard = Guard(new_secret())
    runner = web.AppRunner(build_app(Page(cfg, filters, guard)), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, HOST, port, reuse_address=True)
    await site.start()
    guard.port = int(runner.addresses[0][1])
    return runner, guard


def serve(cfg: Config, filters: QueueFilters, port: int, on_ready: Callable[[str], None]) -> None:
    """Serve until interrupted; `on_ready(url)` once it listens."""

    async def main() -> None:
        runner, guard = await start(cfg, filters, port)
        try:
            on_ready(guard.url())
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass


@dataclass
class Background:
    """A page served from a background thread."""

    url: str
    port: int
    stop: Callable[[], None]


def in_background(cfg: Config, filters: QueueFilters | None = None, port: int = 0) -> Background:
    """Start the page in its own thread and event loop; `stop()` ends it."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="review-page", daemon=True)
    thread.start()
    runner, guard = asyncio.run_coroutine_threadsafe(
        start(cfg, filters or QueueFilters(), port), loop
    ).result(timeout=30)

    def stop() -> None:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()

    return Background(guard.url(), guard.port, stop)
