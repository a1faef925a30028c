"""The running emulator: two aiohttp sites on loopback (API host and auth host) over one state.

Each site is built from the route table (`routes`) and runs its host's request pipeline
(`pipeline`); the private test endpoints are listed in `private`.
"""

from __future__ import annotations

import socket
from typing import Any

from aiohttp import web

from music_minion.emulator import pipeline, routes
from music_minion.emulator.api import Api
from music_minion.emulator.private import Listening, Private
from music_minion.emulator.state import EmulatorState


class Emulator(EmulatorState):
    """A SoundCloud stand-in: call `await start()` inside an event loop, `await stop()` to end."""

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 0, auth_port: int = 0, **options: Any
    ) -> None:
        """`options` are the state's: seed=, size=, faults=, rate=, auto_approve=, redirect_uri=,
        token_ttl_s=, world=, cc_cap=, taste= (a world with taste: the model's options) and
        explicit world sizes."""
        super().__init__(**options)
        self.host, self.port, self.auth_port = host, port, auth_port
        self._runners: list[web.AppRunner] = []

    async def start(self) -> None:
        api_sock, auth_sock = _bind(self.host, self.port), _bind(self.host, self.auth_port)
        self.serve_at(
            f"http://{self.host}:{api_sock.getsockname()[1]}",
            f"http://{self.host}:{auth_sock.getsockname()[1]}",
        )
        for app, sock in ((self._api_app(), api_sock), (self._auth_app(), auth_sock)):
            runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.1)
            await runner.setup()
            await web.SockSite(runner, sock).start()
            self._runners.append(runner)

    async def stop(self) -> None:
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()

    def _api_app(self) -> web.Application:
        app = web.Application(
            middlewares=[pipeline.middleware(self, routes.API_HOST)],
            client_max_size=4 * 1024 * 1024,
        )
        api, private = Api(self), Private(self)
        app.add_routes([r.bind(api) for r in routes.API_ROUTES])
        app.add_routes([r.bind(private) for r in routes.PRIVATE_ROUTES])
        app.add_routes([r.bind(Listening(self)) for r in routes.LISTENING_ROUTES])
        return app

    def _auth_app(self) -> web.Application:
        app = web.Application(middlewares=[pipeline.middleware(self, routes.AUTH_HOST)])
        app.add_routes([r.bind(self.oauth) for r in routes.AUTH_ROUTES])
        return app


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(512)
    sock.setblocking(False)
    return sock
