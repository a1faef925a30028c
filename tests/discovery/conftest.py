"""Discovery fixtures: a real SQLite store filled with hand-built rows, and a home after one sync."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.discovery.builder import Builder
from tests.discovery.helpers import watch_all


@pytest.fixture
def db(tmp_path: Path) -> sqlite3.Connection:
    """A fresh store of its own (not the home's), for tests that build rows by hand."""
    from music_minion.store import connect

    conn = connect(tmp_path / "curate.db")
    yield conn
    conn.close()


@pytest.fixture
def build(db: sqlite3.Connection) -> Builder:
    return Builder(db)


@pytest.fixture
def synced(logged_in, mm):
    """A logged-in home watching the tiny world's artists, after one successful sync."""
    watch_all(logged_in)
    r = mm("sync", "--json")
    assert r.code == 0, r.err
    return logged_in, r.json()
