"""The store session: `atomic()` commits whole, rolls back whole, and nests as savepoints."""

from __future__ import annotations

from pathlib import Path

import pytest

from music_minion.store import connect


def _kv(db) -> dict[str, str]:
    return {r["key"]: r["value"] for r in db.execute("SELECT key, value FROM kv")}


def _put(db, key: str) -> None:
    db.execute("INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?)", (key, "v", "t"))


def test_atomic_commits_and_rolls_back_whole(tmp_path: Path) -> None:
    db = connect(tmp_path / "s.db")
    with db.atomic():
        _put(db, "a")
    with pytest.raises(RuntimeError), db.atomic():
        _put(db, "b")
        raise RuntimeError("boom")
    assert _kv(db) == {"a": "v"}
    assert not db.in_transaction


def test_inner_failure_rolls_back_only_the_inner_block(tmp_path: Path) -> None:
    db = connect(tmp_path / "s.db")
    with db.atomic():
        _put(db, "outer")
        with pytest.raises(ValueError), db.atomic():
            _put(db, "inner")
            with db.atomic():
                _put(db, "innermost")
            raise ValueError("undo the inner block and what it nested")
        with db.atomic():
            _put(db, "after")
    assert _kv(db) == {"outer": "v", "after": "v"}


def test_outer_failure_undoes_committed_savepoints(tmp_path: Path) -> None:
    db = connect(tmp_path / "s.db")
    with pytest.raises(KeyError), db.atomic():
        with db.atomic():
            _put(db, "inner")
        raise KeyError("x")
    assert _kv(db) == {}
    other = connect(tmp_path / "s.db")
    assert _kv(other) == {}


def test_snapshot_sees_one_state(tmp_path: Path) -> None:
    db = connect(tmp_path / "s.db")
    writer = connect(tmp_path / "s.db")
    with db.snapshot():
        before = _kv(db)
        with writer.atomic():
            _put(writer, "late")
        assert _kv(db) == before
    assert "late" in _kv(db)


def test_an_inner_block_without_savepoint_fails_with_its_outer_block(tmp_path: Path) -> None:
    db = connect(tmp_path / "s.db")
    with db.atomic(savepoint=False):  # outermost: a transaction as usual
        _put(db, "alone")
    with pytest.raises(ValueError), db.atomic():
        _put(db, "outer")
        with db.atomic(savepoint=False):
            _put(db, "joined")
        raise ValueError("the joined writes go with the outer block")
    assert _kv(db) == {"alone": "v"}
