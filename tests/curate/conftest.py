"""Fixtures of the curate tests: a real SQLite store filled with hand-built rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.curate.builder import Builder


@pytest.fixture
def db(tmp_path: Path) -> sqlite3.Connection:
    from music_minion.store import connect

    conn = connect(tmp_path / "curate.db")
    yield conn
    conn.close()


@pytest.fixture
def build(db: sqlite3.Connection) -> Builder:
    return Builder(db)
