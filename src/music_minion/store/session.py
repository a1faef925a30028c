"""One command's database session: a SQLite connection that owns its transactions.

`Store` is the connection itself (`sqlite3.connect(factory=Store)`), so every store function takes
one. `atomic()` opens `BEGIN IMMEDIATE … COMMIT` at the outermost level and a SAVEPOINT inside an
open transaction, so every writer is atomic on its own and callers can group writers into one
commit. `snapshot()` holds one read transaction for consistent multi-query reads.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class Store(sqlite3.Connection):
    """A connection opened by `store.db.connect` (autocommit mode, rows as `sqlite3.Row`)."""

    path: Path
    _depth: int = 0

    @contextmanager
    def atomic(self, *, savepoint: bool = True) -> Iterator[Store]:
        """All writes of the block commit together or not at all. Inside another `atomic()` block
        it becomes a SAVEPOINT, so a failure undoes only the inner block; with `savepoint=False` it
        joins the outer block instead (no savepoint to write: a failure must end the outer block,
        which the hot merge path relies on for speed)."""
        if self._depth == 0 and self.in_transaction:
            raise RuntimeError("atomic() inside a transaction it does not own")
        outer = self._depth == 0
        if outer:
            self.execute("BEGIN IMMEDIATE")
        elif savepoint:
            # Nested savepoints may share a name: RELEASE and ROLLBACK TO act on the innermost one.
            self.execute("SAVEPOINT nested")
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._depth -= 1
            if outer:
                self.execute("ROLLBACK")
            elif savepoint:
                self.execute("ROLLBACK TO nested")
                self.execute("RELEASE nested")
            raise
        self._depth -= 1
        if outer:
            self.execute("COMMIT")
        elif savepoint:
            self.execute("RELEASE nested")

    @contextmanager
    def snapshot(self) -> Iterator[Store]:
        """Every read of the block sees one state of the database (a deferred read transaction)."""
        if self.in_transaction:
            yield self
            return
        self.execute("BEGIN")
        try:
            yield self
        finally:
            if self.in_transaction:
                self.execute("COMMIT")

    def tune_writer(self, *, cache_mib: int = 64, checkpoint_pages: int = 16_384) -> None:
        """Settings of a long-running single writer (sync): a bigger page cache and rarer WAL
        checkpoints (each checkpoint syncs the database file). Every commit is still in the WAL."""
        self.execute(f"PRAGMA cache_size = -{int(cache_mib) * 1024}")
        self.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint_pages)}")

    def checkpoint(self, *, truncate: bool = False) -> None:
        """Move the WAL into the database file now: without waiting for readers, or (`truncate`)
        waiting for them and emptying the WAL, so a big rewrite leaves no big WAL behind."""
        if truncate:
            self.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        else:
            self.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def writer(fn: Callable[Concatenate[Store, P], R]) -> Callable[Concatenate[Store, P], R]:
    """Make a store function that writes atomic on its own (a savepoint inside a caller's block)."""

    @functools.wraps(fn)
    def atomic_call(db: Store, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with db.atomic():
            return fn(db, *args, **kwargs)

    return atomic_call
