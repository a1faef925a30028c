"""The `music-minion` entry point: global options, lazy command loading, error rendering."""

from __future__ import annotations

import importlib
import os
import sys

import click

from music_minion import __version__
from music_minion.cli.common import State
from music_minion.errors import MinionError

# name -> (module, attribute, short help). Modules are imported only when their command runs,
# so `--help` and every command start fast.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": (
        "music_minion.cli.init_cmd",
        "init",
        "Write a commented default config and create the database.",
    ),
    "config": ("music_minion.cli.config_cmd", "config_group", "Show and change settings."),
    "db": ("music_minion.cli.db_cmd", "db", "Inspect and check the database."),
    "demo": (
        "music_minion.cli.demo_cmd",
        "demo",
        "Run the whole pipeline offline against the built-in emulator.",
    ),
    "artists": (
        "music_minion.cli.artists_cmd",
        "artists",
        "Watched artists: add, import, list, remove, weigh.",
    ),
    "sync": (
        "music_minion.cli.sync_cmd",
        "sync",
        "Collect what the watched artists like, repost and upload.",
    ),
    "emulator": (
        "music_minion.cli.emulator_cmd",
        "emulator_group",
        "Run a local SoundCloud stand-in (OAuth, API, faults).",
    ),
    "auth": ("music_minion.cli.auth_cmd", "auth", "Log in to SoundCloud, show or end the session."),
    "library": (
        "music_minion.cli.library_cmd",
        "library",
        "Scan local audio files and match them to SoundCloud tracks.",
    ),
    "export": (
        "music_minion.cli.export_cmd",
        "export",
        "Write the index to Parquet, CSV or JSON for analytics.",
    ),
    "feed": (
        "music_minion.cli.curate_cmd",
        "feed",
        "Rank unjudged tracks and say why each is there.",
    ),
    "why": (
        "music_minion.cli.why_cmd",
        "why",
        "Why a track is in the feed, or what keeps it out.",
    ),
    "open": (
        "music_minion.cli.open_cmd",
        "open_track",
        "Open a track's SoundCloud page in the browser.",
    ),
    "judge": (
        "music_minion.cli.curate_cmd",
        "judge",
        "Judge tracks: liked, not_interested or not_quite.",
    ),
    "unjudge": ("music_minion.cli.curate_cmd", "unjudge", "Forget the judgments of tracks."),
    "restore": (
        "music_minion.cli.retired_cmd",
        "restore",
        "Bring retired tracks back into the feed.",
    ),
    "judged": ("music_minion.cli.curate_cmd", "judged", "List judged tracks."),
    "undo": (
        "music_minion.cli.undo_cmd",
        "undo",
        "Revert the last batch of judgments (a command or a sync).",
    ),
    "review": (
        "music_minion.web.command",
        "review",
        "Listen and judge at keyboard speed in a local web page.",
    ),
    "playlist": (
        "music_minion.cli.playlist_cmd",
        "playlist",
        "Push the top of the feed to the discovery playlist.",
    ),
    "digest": (
        "music_minion.cli.digest_cmd",
        "digest",
        "What is new, to read: Markdown, HTML or Atom.",
    ),
    "schedule": (
        "music_minion.cli.schedule_cmd",
        "schedule",
        "Run discovery by itself (systemd timer or cron).",
    ),
    "status": (
        "music_minion.cli.status_cmd",
        "status",
        "Is discovery working? (exit 1 when not)",
    ),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        command: click.Command = getattr(importlib.import_module(module), attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


EPILOG = """\b
Examples:
  music-minion demo                        the whole pipeline offline, against the built-in emulator
  music-minion auth login                  log in to SoundCloud (OAuth 2.1, PKCE)
  music-minion artists import-followings   watch the artists you follow
  music-minion sync --push                 collect, learn, push the discovery playlist (for cron)
  music-minion feed --limit 20             what to listen to next, and why
  music-minion judge 3 not_interested      teach it
  music-minion library scan ~/Music        know what you own
"""


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_file",
    metavar="FILE",
    envvar="MUSIC_MINION_CONFIG",
    help="Config file; must exist, except for `init`, `config set`, `config path` (default: the user config dir).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print data as JSON (for scripts); errors too, on stderr.",
)
@click.version_option(__version__, prog_name="music-minion")
@click.pass_context
def cli(ctx: click.Context, config_file: str | None, debug: bool, as_json: bool) -> None:
    """Music Minion: discover music on SoundCloud through the artists you trust."""
    from music_minion import config

    typed = ctx.get_parameter_source("config_file") == click.core.ParameterSource.COMMANDLINE
    config.set_config_path(config_file, must_exist=typed)
    ctx.obj = State(debug=debug, json=as_json)
    if debug:
        import logging

        logging.basicConfig(
            level=logging.DEBUG, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
        )


def run(argv: list[str] | None = None) -> None:
    """Run the CLI and exit: a MinionError → one line and exit 1 (2 for usage); tracebacks only
    with --debug; under --json every error is one JSON object on stderr instead of the line."""
    from music_minion.cli import errors

    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args

    def fail(kind: str, message: str, hint: str = "") -> None:
        errors.report(kind, message, hint, as_json="--json" in args)

    try:
        code = cli.main(args=args, prog_name="music-minion", standalone_mode=False)
    except MinionError as e:
        if debug:
            import traceback

            traceback.print_exc()
        fail(errors.kind(e), *errors.parts(e))
        code = errors.exit_code(e)
    except (click.exceptions.Abort, KeyboardInterrupt):
        fail("interrupted", "interrupted")
        code = 130
    except click.UsageError as e:
        fail("usage", *errors.usage_parts(e))
        code = 2
    except click.ClickException as e:
        fail("error", e.format_message())
        code = e.exit_code
    except BrokenPipeError:
        code = 0
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except Exception as e:  # noqa: BLE001 - the last line of defence: one line, no secrets
        if debug:
            raise
        if _disk_full(e):
            fail(
                "disk_full",
                "the disk is full",
                "free some space and run it again (what was saved is kept)",
            )
        else:
            fail(
                "unexpected",
                f"unexpected {type(e).__name__}",
                "rerun with --debug for details and report it",
            )
        code = 1
    sys.exit(code if isinstance(code, int) else 0)


def _disk_full(e: BaseException | None) -> bool:
    """An OS write that found no space, or SQLite's SQLITE_FULL, anywhere in the exception's chain."""
    import errno
    import sqlite3

    for _ in range(10):
        if e is None:
            return False
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(e, sqlite3.OperationalError) and "disk is full" in str(e):
            return True
        e = e.__cause__ or e.__context__
    return False
