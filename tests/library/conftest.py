"""Library fixtures: a real SQLite store and a way to add SoundCloud track rows to it."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from music_minion.store import connect
from tests.library.helpers import add_tracks


@pytest.fixture
def db(tmp_path: Path) -> sqlite3.Connection:
    conn = connect(tmp_path / "store" / "mm.db")
    yield conn
    conn.close()


@pytest.fixture
def tracks() -> Callable[[sqlite3.Connection, Iterable[tuple]], list[int]]:
    return add_tracks
