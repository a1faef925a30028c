"""`music-minion --help` lists only commands that load, and starts without importing heavy packages."""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

from music_minion.cli.main import COMMANDS

HEAVY = (
    "rich",
    "aiohttp",
    "pyarrow",
    "mutagen",
    "rapidfuzz",
    "msgspec",
    "keyring",
    "tomlkit",
    "sqlite3",
    "numpy",
)


def test_help_lists_exactly_the_registered_commands(mm):
    r = mm("--help")
    assert r.code == 0, r.err
    section = r.out.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    listed = [
        line.split()[0] for line in section.splitlines() if line.startswith("  ") and line.split()
    ]
    assert listed == sorted(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_listed_command_imports_and_shows_help(mm, name):
    import importlib

    module, attr, short = COMMANDS[name]
    command = getattr(importlib.import_module(module), attr)
    assert isinstance(command, click.Command) and short
    r = mm(name, "--help")
    assert r.code == 0, r.err
    assert "Usage:" in r.out and name in r.out
    if isinstance(command, click.Group):
        for sub in command.list_commands(click.Context(command)):
            r = mm(name, sub, "--help")
            assert r.code == 0 and "Usage:" in r.out, (name, sub, r.err)


def test_help_imports_no_heavy_package():
    code = (
        "import sys, json\n"
        "from music_minion.cli.main import run\n"
        "try:\n    run(['--help'])\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(json.dumps(sorted(m for m in sys.modules if '.' not in m)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = set(json.loads(proc.stderr.strip().splitlines()[-1]))
    assert "Commands:" in proc.stdout
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
