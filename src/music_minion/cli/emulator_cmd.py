"""`emulator serve`: run the SoundCloud-compatible emulator on loopback until interrupted."""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
        "music-minion emulator serve --auto-approve --write-config",
        "music-minion emulator serve --size large --port 8900 --json",
        "music-minion emulator serve --faults rate=0.2,seed=7,kinds=429,500,timeout --rate 20",
        "music-minion emulator serve --world ./demo-data",
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
    "--world",
    "world_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Bring back the world of a folder kept by `demo --keep` (its seed, size and taste "
    "model) and point the folder's config at it.",
)
@click.option(
    "--write-config",
    "config_file",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[FILE]",
    help="Point this config file (default: the one in use) at the emulator: writes the "
    "soundcloud.* connection keys, keeping the file's other keys and comments.",
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
    world_dir: Path | None,
    config_file: str | None,
    faults_spec: str | None,
    rate: float | None,
    auto_approve: bool,
    redirect_uri: str | None,
    token_ttl: float,
) -> None:
    """Serve the emulator until interrupted (Ctrl-C).

    Once ready it prints the API and auth base URLs, the demo app's client id, secret and redirect
    URI, and the demo user; with --json exactly one JSON object on one line. With --write-config
    the config file points at it (then `music-minion auth login` logs in to the emulator).
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
    target = _config_target(config_file, world_dir)
    if target is not None:
        from music_minion.sandbox import check_replaceable

        check_replaceable(target)
    options = _world_options(seed, size, auto_approve, world_dir)
    emu = Emulator(
        **options,
        faults=spec,
        rate=rate,
        redirect_uri=redirect_uri,
        token_ttl_s=token_ttl,
        host=host,
        port=port,
        auth_port=auth_port,
    )
    asyncio.run(_serve(emu, options, target))


def _world_options(
    seed: int, size: str, auto_approve: bool, world_dir: Path | None
) -> dict[str, Any]:
    """The world's options: from the command line, or those kept in the --world folder."""
    options: dict[str, Any] = {"seed": seed, "size": size, "auto_approve": auto_approve}
    if world_dir is None:
        return options
    from music_minion.errors import UsageError
    from music_minion.sandbox import load_world

    ctx = click.get_current_context()
    given = [
        f"--{name}"
        for name in ("seed", "size")
        if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE
    ]
    if given:
        raise UsageError(
            f"--world brings its own seed and size, so {' and '.join(given)} cannot go with it",
            "leave them out",
        )
    return options | load_world(world_dir)


def _config_target(config_file: str | None, world_dir: Path | None) -> Path | None:
    """The config file to point at the emulator: --write-config's (its bare form: the config in
    use), else the --world folder's, else none."""
    if config_file is not None:
        from music_minion import config

        return Path(config_file).expanduser() if config_file else config.config_path()
    return world_dir / "config.toml" if world_dir is not None else None


async def _serve(emu: Emulator, options: dict[str, Any], config_file: Path | None) -> None:
    """Start `emu`, point `config_file` at it, print how to reach it, serve until SIGINT/SIGTERM."""
    import asyncio
    import signal
    import sys

    try:
        await emu.start()
    except OSError as e:
        raise MinionError(
            f"cannot listen on {emu.host}: {e.strerror}", "pick another --port or stop what uses it"
        ) from None
    try:
        if config_file is not None:
            from music_minion.sandbox import write_config

            write_config(emu.info(), config_file)
        _print_ready(emu, options, config_file)
        sys.stdout.flush()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):
                pass
        await stop.wait()
    finally:
        await emu.stop()


def _print_ready(emu: Emulator, options: dict[str, Any], config_file: Path | None) -> None:
    """The connection facts: one JSON line with --json, else a short table."""
    import json

    info = emu.info()
    if wants_json():
        click.echo(json.dumps(info | ({"config": str(config_file)} if config_file else {})))
        return
    for key in ("api_base", "auth_base", "client_id", "client_secret", "redirect_uri", "user_urn"):
        click.echo(f"{key:14} {info[key]}")
    click.echo(
        f"world          seed {options['seed']}, {options['size']}: "
        f"{emu.world.counts()['tracks']} tracks, {len(emu.world.artist_urns)} watched artists"
    )
    if config_file is not None:
        _print_config_written(config_file)
    click.echo("ready (Ctrl-C stops)")


def _print_config_written(config_file: Path) -> None:
    """What --write-config did, how to log in, and any environment setting that overrides it."""
    from music_minion import config
    from music_minion.sandbox import CONNECTION_KEYS, ENV_FILE

    click.echo(f"config         {config_file}: soundcloud.{{{','.join(CONNECTION_KEYS)}}} written")
    overridden = [
        s.env
        for key in CONNECTION_KEYS
        if (s := config.SETTINGS[f"soundcloud.{key}"]).env and os.environ.get(s.env)
    ]
    if overridden:
        click.echo(f"note: unset {' '.join(overridden)}: the environment wins over the file")
    env_file = config_file.parent / ENV_FILE
    using = f"source {shlex.quote(str(env_file))}; " if env_file.exists() else ""
    if not env_file.exists() and config_file != config.config_path():
        using = f"export MUSIC_MINION_CONFIG={shlex.quote(str(config_file))}; "
    click.echo(f"log in with    {using}music-minion auth login")
