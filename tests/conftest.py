"""Shared fixtures: an isolated config + data dir per test, and the real CLI entry point in-process."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.helpers import Result, browser_stand_in

# CI runs the property tests on fixed examples (a landing never depends on a random draw);
# elsewhere they draw new examples each run, to find what no fixed example shows.
settings.register_profile("ci", derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh config file path and data dir for this test (nothing of the user's is touched)."""
    cfg = tmp_path / "config" / "config.toml"
    data = tmp_path / "data"
    monkeypatch.setenv("MUSIC_MINION_CONFIG", str(cfg))
    monkeypatch.setenv("MUSIC_MINION_DATA_DIR", str(data))
    monkeypatch.delenv("SOUNDCLOUD_CLIENT_ID", raising=False)
    monkeypatch.delenv("SOUNDCLOUD_CLIENT_SECRET", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    # a schedule goes to a crontab file and a units folder of this test, never the machine's
    monkeypatch.setenv("MUSIC_MINION_CRONTAB", str(tmp_path / "crontab"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    from music_minion import config

    config.set_config_path(None)
    return tmp_path


@pytest.fixture
def store(home: Path) -> Iterator[sqlite3.Connection]:
    """The store of this test's home (created on first use), closed at the end."""
    from music_minion import config
    from music_minion.store import open_store

    conn = open_store(config.load().data_dir)
    yield conn
    conn.close()


@pytest.fixture
def mm(home: Path, capsys: pytest.CaptureFixture[str]):
    """Run `music-minion ARGS...` through the real entry point; returns Result(code, out, err)."""
    from music_minion.cli.main import run

    def invoke(*args: str) -> Result:
        capsys.readouterr()
        try:
            run([str(a) for a in args])
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def emulator(home: Path):
    """A started tiny SoundCloud emulator (seed 1) on loopback, configured into this test's `home`."""
    from music_minion.emulator.testing import start_emulator
    from music_minion.sandbox import configure

    with start_emulator(seed=1, size="tiny") as emu:
        configure(emu, home)
        yield emu


@pytest.fixture
def logged_in(emulator):
    """The `emulator`, with this test's `home` logged in through the real OAuth flow (loopback callback)."""
    import asyncio

    from music_minion import config
    from music_minion.soundcloud.login import login

    asyncio.run(login(config.load(), browser=browser_stand_in, timeout_s=20))
    yield emulator
