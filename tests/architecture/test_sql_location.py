"""Every SQL statement, PRAGMA included, lives in `store/`: no other module calls `execute*`."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "music_minion"
EXECUTE = {"execute", "executemany", "executescript"}


def execute_calls(source: str) -> list[int]:
    """Lines of `source` that call a method named execute, executemany or executescript."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in EXECUTE
    )


def test_the_check_finds_calls_however_they_are_written() -> None:
    source = """
def f(db, rows):
    db.execute("SELECT 1")
    cur = db.cursor(); cur.executemany("INSERT INTO t VALUES (?)", rows)
    db.executescript(SCRIPT)
    db.execute_soon("not sql")
"""
    assert execute_calls(source) == [3, 4, 5]


def test_sql_is_only_in_the_store() -> None:
    outside = [
        f"{path.relative_to(PACKAGE).as_posix()}:{line}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] != "store"
        for line in execute_calls(path.read_text("utf-8"))
    ]
    assert not outside, "SQL outside store/ (move it into a store module):\n" + "\n".join(outside)
