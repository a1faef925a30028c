"""Export fixtures: a real SQLite index in the test's data dir (synthetic rows plus awkward edge rows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from music_minion.store import connect, database_path
from tests.export.helpers import add_edge_rows


@pytest.fixture
def index(home: Path) -> Path:
    """The test's database, holding a 300-track synthetic index plus the edge rows; returns its path."""
    from benchmarks.synthetic_index import build_index

    path = database_path(home / "data")
    build_index(path, 300, seed=7)
    conn = connect(path)
    add_edge_rows(conn)
    conn.close()
    return path
