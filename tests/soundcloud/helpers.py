"""Helpers of the SoundCloud client tests: a client from the test's config, config keys, secret
grepping, and what a list endpoint shows."""

from __future__ import annotations

import asyncio
from typing import Any


def run(coro: Any) -> Any:
    """Run a coroutine to completion on a fresh event loop."""
    return asyncio.run(coro)


def set_keys(**values: Any) -> None:
    """Change config keys of the test's config file (`soundcloud_timeout_s=1` → soundcloud.timeout_s)."""
    from music_minion import config

    for key, value in values.items():
        section, _, name = key.partition("_")
        config.set_value(f"{section}.{name}", str(value))


def client(auth: str = "auto"):
    """A SoundCloud client built from the test's config."""
    from music_minion import config
    from music_minion.soundcloud.client import SoundCloudClient

    return SoundCloudClient.from_config(config.load(), auth=auth)  # type: ignore[arg-type]


def issued_secrets(emu: Any) -> list[str]:
    """The client secret and every token the emulator has issued (for grepping output)."""
    oauth = emu.emulator.oauth
    return [emu.client_secret, *oauth.access, *oauth.refresh, *oauth.spent_refresh]


def assert_no_secrets(emu: Any, *texts: str) -> None:
    """None of the secrets the emulator issued appears in `texts`."""
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
