"""Token storage: 0600 file fallback, keyring path (a stand-in backend), in-memory cache."""

from __future__ import annotations

import json
import os
import stat
import time

import keyring
import pytest
from keyring.backend import KeyringBackend

from music_minion.soundcloud.tokens import Token, TokenStore


def tok(access: str = "A" * 40, refresh: str | None = "R" * 40, ttl: float = 3600) -> Token:
    return Token(
        access_token=access,
        refresh_token=refresh,
        expires_at=time.time() + ttl,
        user_urn="soundcloud:users:1",
    )


def test_file_fallback_is_0600_and_round_trips(home):
    store = TokenStore(home / "data", "ns")
    assert store.backend.startswith("file") and not store.uses_keyring
    store.save(tok("user-access", "user-refresh"), "user")
    store.save(tok("app-access", None), "app")
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    fresh = TokenStore(home / "data", "ns")
    assert fresh.load("user").access_token == "user-access"
    assert fresh.load("user").refresh_token == "user-refresh"
    assert fresh.load("app").refresh_token is None
    assert TokenStore(home / "data", "other").load("user") is None  # apps are kept apart


def test_existing_wider_file_is_rewritten_0600(home):
    store = TokenStore(home / "data")
    store.data_dir.mkdir(parents=True)
    store.path.write_text("{}")
    os.chmod(store.path, 0o644)
    store.save(tok(), "user")
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600


def test_cache_serves_hot_reads_without_io_and_fresh_rereads(home):
    store = TokenStore(home / "data")
    store.save(tok("first"), "user")
    other = TokenStore(home / "data")
    other.save(tok("rotated-by-another-process"), "user")
    assert store.load("user").access_token == "first"  # memory
    assert store.load("user", fresh=True).access_token == "rotated-by-another-process"
    store.path.unlink()
    assert store.load("user").access_token == "rotated-by-another-process"  # no I/O on a hot read


def test_delete_and_corrupt_file(home):
    store = TokenStore(home / "data")
    store.save(tok(), "user")
    store.save(tok(), "app")
    store.delete("user")
    assert store.load("user") is None and store.load("app") is not None
    assert TokenStore(home / "data").load("user") is None
    store.path.write_text("not json")
    assert TokenStore(home / "data").load("app") is None


def test_repr_never_shows_tokens():
    t = tok("SECRET-ACCESS", "SECRET-REFRESH")
    assert "SECRET" not in repr(t) and "SECRET" not in str(t)


def test_from_response_and_expiry():
    t = Token.from_response(
        {"access_token": "a", "expires_in": 3599, "refresh_token": "r", "scope": ""}
    )
    assert not t.expires_within(300) and t.expires_within(3600)
    assert Token.from_json({"nope": 1}) is None


class MemoryKeyring(KeyringBackend):
    """A keyring backend that lives in memory (no OS keyring exists here)."""

    priority = 10

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}
        self.reads = 0

    def get_password(self, service, username):
        self.reads += 1
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        from keyring.errors import PasswordDeleteError

        if (service, username) not in self.items:
            raise PasswordDeleteError("missing")
        del self.items[(service, username)]


@pytest.fixture
def memory_keyring(home):
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_keyring_backend_used_when_available(home, memory_keyring):
    store = TokenStore(home / "data", "ns")
    assert store.uses_keyring and "MemoryKeyring" in store.backend
    store.save(tok("kr-access", "kr-refresh"), "user")
    assert not store.path.exists()
    saved = json.loads(memory_keyring.items[("music-minion", "ns:user")])
    assert saved["access_token"] == "kr-access"
    assert TokenStore(home / "data", "ns").load("user").refresh_token == "kr-refresh"
    store.delete()
    assert memory_keyring.items == {}
    store.delete()  # deleting what is not there is fine


def test_cached_reads_never_reach_the_backend(home, memory_keyring):
    """Hot reads come from memory: the keyring is read once per store and kind, then only on `fresh`
    (the read's speed is the client benchmark's `client_cached_token_read`)."""
    store = TokenStore(home / "data", "ns")
    store.save(tok("saved"), "user")
    assert all(store.load("user").access_token == "saved" for _ in range(1000))
    assert memory_keyring.reads == 0  # saving filled the cache

    other = TokenStore(home / "data", "ns")
    assert all(other.load("user").access_token == "saved" for _ in range(1000))
    assert memory_keyring.reads == 1
    assert other.load("user", fresh=True).access_token == "saved"
    assert memory_keyring.reads == 2
