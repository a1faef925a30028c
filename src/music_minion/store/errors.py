"""What can go wrong with the database itself, each a type the CLI renders as one line."""

from __future__ import annotations

from music_minion.errors import MinionError


class StoreError(MinionError):
    """The database cannot be used as asked."""


class NoDatabase(StoreError):
    """A read-only command found no database yet."""


class CannotOpen(StoreError):
    """The data dir or the file cannot be created or read."""


class NotADatabase(StoreError):
    """The file is not a Music Minion (SQLite) database."""


class SchemaTooNew(StoreError):
    """The database was written by a newer Music Minion; it is left untouched."""


class Busy(StoreError):
    """Another process holds what this one needs (the sync lock)."""


class Missing(StoreError):
    """Nothing in the index matches what was named."""


class Ambiguous(StoreError):
    """More than one row matches what was named."""
