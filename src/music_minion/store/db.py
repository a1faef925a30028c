"""Open the SQLite database (WAL, foreign keys, busy timeout) and apply numbered migrations."""

from __future__ import annotations

import re
import sqlite3
from importlib import resources
from pathlib import Path

from music_minion.store.errors import CannotOpen, NoDatabase, NotADatabase, SchemaTooNew
from music_minion.store.session import Store
from music_minion.timeutil import now_iso

DB_NAME = "music-minion.db"
BUSY_TIMEOUT_MS = 30_000


def _migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every bundled migration, in order."""
    found = []
    for entry in resources.files("music_minion.store").joinpath("migrations").iterdir():
        m = re.fullmatch(r"(\d{4})_(\w+)\.sql", entry.name)
        if m:
            found.append((int(m.group(1)), m.group(2), entry.read_text("utf-8")))
    return sorted(found)


SCHEMA_VERSION = max(v for v, _, _ in _migrations())


def schema_digest() -> str:
    """A short hash of every bundled migration: equal digests mean exactly the same schema."""
    import hashlib

    text = "".join(f"{v}:{name}:{sql}" for v, name, sql in _migrations())
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def database_path(data_dir: Path) -> Path:
    return data_dir / DB_NAME


def connect(path: Path, *, migrate: bool = True, readonly: bool = False) -> Store:
    """Open the database at `path`, creating and migrating it unless `readonly`.

    Raises a StoreError (one clear line) for a file that is not SQLite, a database from a newer
    version of Music Minion, or a folder that cannot be created or read. Never damages the file.
    """
    if readonly and not path.exists():
        raise NoDatabase(
            f"no database at {path}", "run `music-minion init` or `music-minion sync` first"
        )
    _make_data_dir(path)
    conn = _open(path, readonly=readonly)
    try:
        _prepare(conn, path, migrate=migrate, readonly=readonly)
    except sqlite3.DatabaseError as e:
        conn.close()
        if "not a database" in str(e) or "malformed" in str(e):
            raise NotADatabase(
                f"{path} is not a Music Minion database ({e})",
                "move it aside or point paths.data_dir elsewhere",
            ) from None
        raise CannotOpen(
            f"cannot open database {path}: {e}", "check the file and its permissions"
        ) from None
    except SchemaTooNew:
        conn.close()
        raise
    conn.row_factory = sqlite3.Row
    conn.path = path
    return conn


def _make_data_dir(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CannotOpen(
            f"cannot create data dir {path.parent}: {e.strerror}",
            "check paths.data_dir and its permissions",
        ) from None


def _open(path: Path, *, readonly: bool) -> Store:
    """A Store on `path` in autocommit mode (read-only when asked)."""
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    try:
        return sqlite3.connect(
            uri,
            uri=True,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
            factory=Store,
        )
    except sqlite3.Error as e:
        raise CannotOpen(
            f"cannot open database {path}: {e}", "check the data dir's permissions"
        ) from None


def _prepare(conn: Store, path: Path, *, migrate: bool, readonly: bool) -> None:
    """Refuse a newer schema, set the connection's pragmas and apply pending migrations."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"database {path} has schema version {version}, newer than this Music Minion ({SCHEMA_VERSION})",
            "upgrade music-minion; the database was left untouched",
        )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        if migrate and version < SCHEMA_VERSION:
            _migrate(conn, version)


def _migrate(conn: Store, current: int) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    for version, name, sql in _migrations():
        if version <= current:
            continue
        # executescript commits first; wrap the migration so it applies whole or not at all.
        conn.executescript(
            f"BEGIN IMMEDIATE;\n{sql}\n"
            f"INSERT INTO schema_migrations VALUES ({version}, '{name}', '{now_iso()}');\n"
            f"PRAGMA user_version = {version};\nCOMMIT;"
        )


def open_store(data_dir: Path, *, readonly: bool = False) -> Store:
    """Open the database in `data_dir` (the config's `data_dir`)."""
    return connect(database_path(data_dir), readonly=readonly)


def schema_version(conn: Store) -> int:
    """The migration the database is at (SQLite's `user_version`)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def table_counts(conn: Store) -> dict[str, int]:
    """Row count of every table of the schema."""
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    # Table names come from sqlite_master, never from input.
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608


def integrity_problems(conn: Store) -> list[str]:
    """Problems found by SQLite's integrity and foreign-key checks; empty when healthy."""
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
    problems += [f"foreign key: {tuple(r)}" for r in conn.execute("PRAGMA foreign_key_check")]
    return problems
