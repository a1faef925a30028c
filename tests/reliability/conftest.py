"""Reliability fixtures: a fresh home (under the test's tmp dir) made current in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.helpers import Home


@pytest.fixture
def use_home(home: Path, monkeypatch: pytest.MonkeyPatch):
    """`use_home(name)` makes a fresh Home (under this test's tmp dir) the current one in-process."""
    from music_minion import config

    def activate(name: str) -> Home:
        h = Home(home / name)
        monkeypatch.setenv("MUSIC_MINION_CONFIG", str(h.config))
        monkeypatch.setenv("MUSIC_MINION_DATA_DIR", str(h.data))
        config.set_config_path(None)
        return h

    return activate
