"""The CLI shell through the real entry points: version, help, usage errors, debug, `python -m`."""

from __future__ import annotations

import os
import subprocess
import sys

from music_minion import __version__


def test_version(mm):
    r = mm("--version")
    assert r.code == 0 and __version__ in r.out


def test_help_lists_only_registered_commands(mm):
    from music_minion.cli.main import COMMANDS

    r = mm("--help")
    assert r.code == 0
    for name in COMMANDS:
        assert name in r.out


def test_unknown_command_is_a_usage_error(mm):
    r = mm("frobnicate")
    assert r.code == 2 and "No such command" in r.err


def test_user_error_is_one_line_and_debug_shows_traceback(mm):
    r = mm("config", "get", "no.such")
    assert r.code == 1 and r.err.count("\n") == 1 and r.err.startswith("error: unknown config key")
    r = mm("--debug", "config", "get", "no.such")
    assert r.code == 1 and "Traceback" in r.err


def test_python_dash_m_and_console_script(home):
    env = dict(os.environ)
    r = subprocess.run(
        [sys.executable, "-m", "music_minion", "db", "info", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert '"schema_version"' in r.stdout
    script = os.path.join(os.path.dirname(sys.executable), "music-minion")
    r = subprocess.run(
        [script, "config", "get", "playlist.size"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert r.returncode == 0 and r.stdout.strip() == "100"


def test_help_does_not_import_heavy_modules(home):
    code = (
        "import sys\n"
        "from music_minion.cli.main import run\n"
        "try:\n    run(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('aiohttp', 'rich', 'mutagen', 'rapidfuzz', 'pyarrow', 'tomlkit') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in r.stdout, r.stdout + r.stderr
