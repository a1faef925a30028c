"""`emulator serve`: run the SoundCloud-compatible emulator on loopback until interrupted."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from music_minion.cli.common import json_option, wants_json
from music_minion.cli.helptext import Group, examples
from music_minion.errors import MinionError

if TYPE_CHECKING:
    from music_minion.emulator.server import Emulator


@click.group("emulator", cls=Group, epilog=examples("music-minion emulator serve --auto-approve"))
def emulator_group() -> None:
    """A local stand-in for SoundCloud (OAuth + API + faults) for tests and the demo."""


@emulator_group.command(
    "serve",
    epilog=examples(
        "music-minion emulator serve --auto-approve",
        "music-minion emulator serve --size large --port 8900 --json",
        "music-minion emulator serve --faults rate=0.2,seed=7,kinds=429,500,timeout --rate 20",
    ),
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="API port (0: a free one).")
@click.option(
    "--auth-port", type=click.IntRange(0, 65535), default=0, help="OAuth host port (0: a free one)."
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="World, credentials and fault seed."
)
@click.option(
    "--size",
    type=click.Choice(["tiny", "small", "medium", "large"]),
    default="small",
    show_default=True,
    help="World size.",
)
@click.option(
    "--faults",
    "faults_spec",
    metavar="SPEC",
    help="e.g. rate=0.2,seed=7,kinds=429,500,timeout,retry_after=mixed",
)
@click.option(
    "--rate",
    type=click.FloatRange(min=0, min_open=True),
    help="Request-rate limit (requests per second).",
)
@click.option(
    "--auto-approve",
    is_flag=True,
    help="/authorize redirects straight back with a code (no approval page).",
)
@click.option(
    "--redirect-uri",
    default=None,
    help="Registered redirect URI (default http://127.0.0.1:8765/callback).",
)
@click.option(
    "--token-ttl",
    type=click.FloatRange(min=1),
    default=3599,
    show_default=True,
    help="Access token lifetime (s).",
)
@json_option
def serve(
    host: str,
    port: int,
    auth_port: int,
    seed: int,
    size: str,
    faults_spec: str | None,
    rate: float | None,
    auto_approve: bool,
    redirect_uri: str | None,
    token_ttl: float,
) -> None:
    """Serve the emulator until interrupted (Ctrl-C).

    Once ready it prints the API and auth base URLs, the demo app's client id, secret and redirect
    URI, and the demo user; with --json exactly one JSON object on one line.
    """
    import asyncio

    from music_minion.emulator.faults import FaultSpec, FaultSpecError
    from music_minion.emulator.server import Emulator

    try:
        spec = FaultSpec.parse(faults_spec)
    except FaultSpecError as e:
        raise MinionError(
            f"bad --faults: {e}", "e.g. --faults rate=0.2,seed=7,kinds=429,500"
        ) from None
    emu = Emulator(
        seed=seed,
        size=size,
        faults=spec,
        rate=rate,
        auto_approve=auto_approve,
        redirect_uri=redirect_uri,
        token_ttl_s=token_ttl,
        host=host,
        port=port,
        auth_port=auth_port,
    )
    asyncio.run(_serve(emu, seed, size))


async def _serve(emu: Emulator, seed: int, size: str) -> None:
    """Start `emu`, print how to reach it, and serve until SIGINT or SIGTERM."""
    import asyncio
    import signal
    import sys

    try:
        await emu.start()
    except OSError as e:
        raise MinionError(
            f"cannot listen on {emu.host}: {e.strerror}", "pick another --port or stop what uses it"
        ) from None
    _print_ready(emu, seed, size)
    sys.stdout.flush()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    try:
        await stop.wait()
    finally:
        await emu.stop()


def _print_ready(emu: Emulator, seed: int, size: str) -> None:
    """The connection facts: one JSON line with --json, else a short table."""
    import json

    info = emu.info()
    if wants_json():
        click.echo(json.dumps(info))
        return
    for key in ("api_base", "auth_base", "client_id", "client_secret", "redirect_uri", "user_urn"):
        click.echo(f"{key:14} {info[key]}")
    click.echo(
        f"world          seed {seed}, {size}: {emu.world.counts()['tracks']} tracks, "
        f"{len(emu.world.artist_urns)} watched artists"
    )
    click.echo("ready (Ctrl-C stops)")
