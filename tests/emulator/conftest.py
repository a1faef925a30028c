"""Fixtures for the emulator's own tests: a shared tiny emulator and a logged-in token."""

from __future__ import annotations

import pytest

from tests.emulator.helpers import login


@pytest.fixture(scope="module")
def emu():
    """A tiny emulator shared by a module's read-only tests (tests that mutate start their own)."""
    from music_minion.emulator.testing import start_emulator

    with start_emulator(seed=3, size="tiny") as e:
        yield e


@pytest.fixture(scope="module")
def token(emu) -> str:
    return login(emu)["access_token"]
