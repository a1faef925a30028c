"""Fixtures of the SoundCloud client tests: emulators started with options."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def start(home: Path):
    """Start an emulator with options, configured into this test's `home` (a context manager)."""
    from music_minion import config
    from music_minion.emulator.testing import start_emulator
    from music_minion.sandbox import configure

    @contextmanager
    def starter(**options: Any) -> Iterator[Any]:
        with start_emulator(**{"seed": 1, "size": "tiny", **options}) as emu:
            configure(emu, home)
            config.set_config_path(None)
            yield emu

    return starter
