"""SQLite store: the only place SQL lives. One module per table family; `db.connect` opens it."""

from music_minion.store.db import SCHEMA_VERSION, connect, database_path, open_store

__all__ = ["SCHEMA_VERSION", "connect", "database_path", "open_store"]
