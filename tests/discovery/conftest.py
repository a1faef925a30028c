"""Discovery fixtures: a real SQLite store filled with hand-built rows, and a home after one sync."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.discovery.builder import Builder, ago
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


@pytest.fixture
def filled(store: sqlite3.Connection) -> Builder:
    """Three watched artists; tracks surfaced by one, two or three of them; one long mix."""
    b = Builder(store)
    ana, bo, cy = b.artist("Ana"), b.artist("Bo"), b.artist("Cy")
    t1 = b.track(1, title="Three Friends", uploader="Up One", duration_ms=301_000)
    for aid in (ana, bo):
        b.prov(t1, aid, "repost", ago(days=3))
    b.prov(t1, cy, "like", ago(days=3))
    t2 = b.track(2, title="Two Friends", uploader="Up Two", genre="house")
    b.prov(t2, ana, "repost", ago(days=1))
    b.prov(t2, bo, "upload", ago(days=1))
    t3 = b.track(3, title="One Friend", uploader="Up Three")
    b.prov(t3, cy, "like", ago(hours=5))
    t4 = b.track(4, title="Long Mix", uploader="Up Four", duration_ms=3_600_000)
    b.prov(t4, ana, "repost", ago(days=1))
    return b
