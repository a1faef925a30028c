"""Help reads the same everywhere: every group lists its commands with whole one-line summaries
(never cut with "..." or "…"), and every command, as the README says, ends with its examples."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from music_minion.cli.helptext import summary
from music_minion.cli.main import cli


def tree() -> list[tuple[list[str], click.Command]]:
    """Every command of the CLI with its path, groups included."""
    out: list[tuple[list[str], click.Command]] = []

    def walk(path: list[str], command: click.Command) -> None:
        out.append((path, command))
        if isinstance(command, click.Group):
            ctx = click.Context(command)
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                assert sub is not None
                walk([*path, name], sub)

    walk([], cli)
    return out


COMMANDS = tree()


def help_of(path: list[str], width: int = 80) -> str:
    r = CliRunner().invoke(cli, [*path, "--help"], terminal_width=width)
    assert r.exit_code == 0, r.output
    return r.output


def test_the_tree_is_whole():
    names = {" ".join(p) for p, _ in COMMANDS}
    assert {"sync history", "artists suggest", "library review accept", "config set"} <= names


@pytest.mark.parametrize(
    ("path", "command"), COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, list) else ""
)
def test_help_has_whole_summaries_and_ends_with_examples(path, command):
    text = help_of(path)
    assert "…" not in text
    found = re.search(r"^ *Examples:$", text, re.M)
    assert found is not None, text
    options_at, examples_at = text.find("Options:"), found.start()
    assert examples_at > options_at > 0, text  # the examples close the help, after the options
    assert "Example" not in (command.help or "")  # never in the description itself
    first = text[examples_at:].splitlines()[1]
    assert first.strip().startswith("music-minion "), first
    if isinstance(command, click.Group) and path:
        flat = " ".join(text.split())
        listing = text[text.index("Commands:") : examples_at]
        assert "..." not in listing, listing
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            whole = summary(command.get_command(ctx, name))
            assert whole and not whole.endswith("..."), name
            assert " ".join(whole.split()) in flat, (name, whole)


def test_one_line_summaries_stay_short_enough_to_read():
    for path, command in COMMANDS:
        if path:
            assert len(summary(command)) <= 100, (" ".join(path), summary(command))
