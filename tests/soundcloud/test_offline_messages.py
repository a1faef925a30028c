"""Offline, every command that needs SoundCloud says "cannot connect to HOST" — never an error
class, an endpoint template or OAuth words."""

from __future__ import annotations

import pytest

from music_minion import config
from music_minion.emulator.testing import free_port
from tests.discovery.helpers import watch_all

JARGON = (
    "transient on",
    "permanent on",
    "{urn}",
    "token endpoint",
    "grant",
    "client credentials",
    "authorization code",
    "OAuth",
)

COMMANDS = {
    "sync": (("sync",), 3, "could not learn from my likes: cannot connect to {host}"),
    "sync --no-learn": (("sync", "--all", "--no-learn"), 1, "— cannot connect to {host}\n"),
    "sync --push": (
        ("sync", "--all", "--push"),
        1,
        "push skipped: playlist push failed (cannot connect to {host})",
    ),
    "artists add": (("artists", "add", "some-dj"), 1, "some-dj — cannot connect to {host}"),
    "import-followings": (
        ("artists", "import-followings"),
        1,
        "error: cannot connect to {host} — check your network connection",
    ),
    "suggest": (("artists", "suggest"), 0, "stopped early: cannot connect to {host}"),
    "playlist push": (
        ("playlist", "push"),
        1,
        "error: playlist push failed (cannot connect to {host})",
    ),
    "import-likes": (
        ("library", "import-likes"),
        1,
        "error: cannot connect to {host} — check your network connection",
    ),
}


@pytest.fixture
def offline(logged_in, mm):
    """A logged-in home with one good sync behind it, whose API host then stops answering."""
    watch_all(logged_in)
    assert mm("sync").code == 0
    assert mm("config", "set", "judgments.not_quite_playlist", "Not quite").code == 0
    host = f"127.0.0.1:{free_port()}"  # nothing listens there
    config.set_value("soundcloud.api_base", f"http://{host}")
    config.set_value("soundcloud.backoff_base_s", "0.01")
    return host


@pytest.mark.parametrize("name", list(COMMANDS))
def test_offline_commands_say_they_cannot_connect(offline, mm, name):
    args, code, said = COMMANDS[name]
    r = mm(*args)
    assert r.code == code, r.err
    assert said.format(host=offline) in r.err, r.err
    for word in JARGON:
        assert word not in r.out + r.err, (word, r.err)


def test_a_dead_login_service_is_said_in_plain_words(mm, home):
    host = f"127.0.0.1:{free_port()}"
    for key, value in (
        ("soundcloud.api_base", f"http://{host}"),
        ("soundcloud.auth_base", f"http://{host}"),
        ("soundcloud.client_id", "id"),
        ("soundcloud.client_secret", "secret"),
    ):
        assert mm("config", "set", key, value).code == 0
    r = mm("sync", "--artist", "x")
    assert r.code != 0
    r = mm("artists", "add", "some-dj")
    assert f"cannot connect to {host}" in r.err
    assert not any(word in r.out + r.err for word in JARGON), r.err


def test_an_offline_sync_names_its_artists_and_why(offline, mm, logged_in):
    r = mm("sync", "--all", "--no-learn")
    line = next(x for x in r.err.splitlines() if x.startswith("failed artists (4): "))
    names = line.removeprefix("failed artists (4): ").split(" — ")[0].split(", ")
    world = logged_in.world
    assert sorted(names) == sorted(world.users[u].username for u in world.artist_urns)
    assert line.endswith(f" — cannot connect to {offline}")
