"""Fixtures of the SoundCloud client tests: emulators with options, a client factory, secret grepping."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest


def run(coro: Any) -> Any:
    return asyncio.run(coro)


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


def set_keys(**values: Any) -> None:
    """Change config keys of the test's config file (`soundcloud_timeout_s=1` → soundcloud.timeout_s)."""
    from music_minion import config

    for key, value in values.items():
        section, _, name = key.partition("_")
        config.set_value(f"{section}.{name}", str(value))


def client(auth: str = "auto"):
    from music_minion import config
    from music_minion.soundcloud.client import SoundCloudClient

    return SoundCloudClient.from_config(config.load(), auth=auth)  # type: ignore[arg-type]


def issued_secrets(emu: Any) -> list[str]:
    """The client secret and every token the emulator has issued (for grepping output)."""
    oauth = emu.emulator.oauth
    return [emu.client_secret, *oauth.access, *oauth.refresh, *oauth.spent_refresh]


def assert_no_secrets(emu: Any, *texts: str) -> None:
    secrets = issued_secrets(emu)
    assert secrets
    for text in texts:
        for s in secrets:
            assert s not in text


def visible(
    world: Any, urns: list[str], levels: tuple[str, ...] = ("playable", "preview")
) -> list[str]:
    """What a list endpoint shows by default (blocked and deleted tracks left out)."""
    return [u for u in urns if u not in world.deleted and world.tracks[u].access in levels]
