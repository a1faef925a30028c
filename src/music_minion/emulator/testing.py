"""The emulator for tests: `start_emulator()` runs it on loopback in a background thread.

    with start_emulator(seed=1, size="tiny") as emu:
        emu.api_base, emu.auth_base, emu.client_id, emu.client_secret, emu.redirect_uri, emu.user_urn
        emu.world; emu.stats(); emu.set_faults("rate=0.2,seed=7"); emu.set_rate(5); emu.mutate(likes=3)

The server has its own event loop, so both sync and async tests can use it. `emulator_process()`
runs one in a child process instead (benchmarks). Pointing a Music Minion config at a running
emulator is the client's business: see `music_minion.sandbox`.
"""

from __future__ import annotations

import asyncio
import json
import random
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from music_minion.emulator.oauth import ACCESS_PREFIX, CLIENT_SECRET_PREFIX, REFRESH_PREFIX
from music_minion.emulator.server import Emulator
from music_minion.emulator.world import World

T = TypeVar("T")

# Substrings that must never appear in logs, errors or --json output (tests grep for them).
SECRET_MARKERS = (CLIENT_SECRET_PREFIX, ACCESS_PREFIX, REFRESH_PREFIX)


def free_port() -> int:
    """A free loopback port for a server started later (the login callback), chosen below the
    range the OS hands out to outgoing connections, so a client's connection cannot take it first."""
    low = _ephemeral_low()
    rng = random.SystemRandom()
    for _ in range(50 if low > 12_000 else 0):
        port = rng.randrange(10_000, low)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ephemeral_low() -> int:
    """The first port of the OS's range for outgoing connections (Linux; 32768 elsewhere)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768


class RunningEmulator:
    """A started emulator, driven from the test's thread."""

    def __init__(self, emulator: Emulator, loop: asyncio.AbstractEventLoop) -> None:
        self._emu = emulator
        self._loop = loop

    # connection facts
    @property
    def api_base(self) -> str:
        return self._emu.api_base

    @property
    def auth_base(self) -> str:
        return self._emu.auth_base

    @property
    def client_id(self) -> str:
        return self._emu.client_id

    @property
    def client_secret(self) -> str:
        return self._emu.client_secret

    @property
    def redirect_uri(self) -> str:
        return self._emu.redirect_uri

    @property
    def user_urn(self) -> str:
        return self._emu.world.me_urn

    @property
    def world(self) -> World:
        return self._emu.world

    @property
    def emulator(self) -> Emulator:
        return self._emu

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn` on the server's loop (so it never races a request) and return its result."""

        async def run() -> T:
            return fn(*args, **kwargs)

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(30)

    def stats(self) -> dict[str, Any]:
        return self.call(self._emu.stats)

    def reset_stats(self) -> None:
        self.call(self._emu.reset_stats)

    def set_faults(self, spec: str | None) -> None:
        self.call(self._emu.set_faults, spec)

    def set_rate(self, rate: float | None) -> None:
        self.call(self._emu.set_rate, rate)

    def mutate(self, **changes: Any) -> dict[str, Any]:
        """Change the world (see `World.mutate`): likes=, reposts=, uploads=, delete=, me_likes=, artists=."""
        return self.call(self._emu.world.mutate, **changes)

    def expire_tokens(self) -> int:
        return self.call(self._emu.oauth.expire_all)

    def user_token(self) -> dict[str, Any]:
        """A fresh user token response without the browser round trip."""
        return self.call(self._emu.oauth.issue_user_tokens)

    def info(self) -> dict[str, Any]:
        return self._emu.info()

    def world_data(self) -> dict[str, Any]:
        """The world as it is now, as JSON-ready data (`snapshot.world_from_data` brings it back)."""
        from music_minion.emulator.snapshot import world_to_data

        return self.call(world_to_data, self._emu.world)


_CHILD = """
import asyncio, json, sys
from music_minion.emulator.server import Emulator
async def main():
    emu = Emulator(**json.loads(sys.argv[1]))
    await emu.start()
    print(json.dumps({**emu.info(), "artists": emu.world.artist_urns}), flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
"""


@contextmanager
def emulator_process(
    seed: int = 1, size: str = "tiny", rate: float | None = None, **options: Any
) -> Iterator[dict[str, Any]]:
    """An emulator in a child process, so its work stays out of the measuring process (benchmarks).

    Yields its `info()` plus the watched `artists`; `options` go to `Emulator` (explicit world
    sizes, faults, ...). The child is killed on exit.
    """
    args = {"seed": seed, "size": size, "rate": rate, "auto_approve": True, **options}
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, json.dumps(args)], stdout=subprocess.PIPE, text=True
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        if not line:
            raise RuntimeError("the emulator did not start")
        yield json.loads(line)
    finally:
        proc.kill()
        proc.wait()


@contextmanager
def start_emulator(
    seed: int = 1,
    size: str = "tiny",
    faults: str | None = None,
    rate: float | None = None,
    auto_approve: bool = True,
    redirect_uri: str | None = None,
    token_ttl_s: float = 3599,
    **options: Any,
) -> Iterator[RunningEmulator]:
    """Start an emulator on random loopback ports in a background thread; stop it on exit.

    Without `redirect_uri`, a loopback callback on a free port is registered. Other options go to
    `Emulator` (cc_cap=, port=, explicit world sizes such as artists=, likes_per_artist=).
    """
    redirect_uri = redirect_uri or f"http://127.0.0.1:{free_port()}/callback"
    emu = Emulator(
        seed=seed,
        size=size,
        faults=faults,
        rate=rate,
        auto_approve=auto_approve,
        redirect_uri=redirect_uri,
        token_ttl_s=token_ttl_s,
        **options,
    )
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(emu.start())
        except BaseException as e:  # noqa: BLE001 - reported to the starting thread
            failure.append(e)
            ready.set()
            return
        ready.set()
        loop.run_forever()
        loop.run_until_complete(emu.stop())
        loop.close()

    thread = threading.Thread(target=run, name="soundcloud-emulator", daemon=True)
    thread.start()
    ready.wait(30)
    if failure:
        raise failure[0]
    try:
        yield RunningEmulator(emu, loop)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
