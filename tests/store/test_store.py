"""Store: creation, migrations, pragmas, and databases that must be refused untouched."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from music_minion.store import SCHEMA_VERSION, connect
from music_minion.store.db import _migrations
from music_minion.store.errors import CannotOpen, NotADatabase, SchemaTooNew


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_has_schema_wal_and_foreign_keys(tmp_path):
    db = tmp_path / "d" / "mm.db"
    conn = connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "tracks",
        "artists",
        "provenance",
        "judgments",
        "local_files",
        "playlist_pushes",
        "sync_runs",
        "kv",
    } <= tables
    assert conn.execute("SELECT version FROM schema_migrations").fetchall()[0][0] == 1
    conn.close()
    conn = connect(db)  # reopening applies nothing twice
    applied = conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
    assert applied == len(_migrations())  # every bundled one (numbers may skip a reserved one)


def test_constraints_guard_the_model(tmp_path):
    conn = connect(tmp_path / "mm.db")
    now = "2026-01-01T00:00:00Z"
    conn.execute(
        "INSERT INTO tracks (urn, first_seen_at, updated_at) VALUES ('soundcloud:tracks:1', ?, ?)",
        (now, now),
    )
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO tracks (urn, first_seen_at, updated_at) VALUES ('soundcloud:tracks:1', ?, ?)",
            (now, now),
        )
    with pytest.raises(sqlite3.IntegrityError):  # foreign key: no such artist
        conn.execute("INSERT INTO provenance VALUES (1, 99, 'like', ?, 0, NULL)", (now,))
    conn.execute(
        "INSERT INTO artists (urn, added_at, updated_at) VALUES ('soundcloud:users:5', ?, ?)",
        (now, now),
    )
    with pytest.raises(sqlite3.IntegrityError):  # kind must be like|repost|upload
        conn.execute("INSERT INTO provenance VALUES (1, 1, 'favourite', ?, 0, NULL)", (now,))
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO judgments VALUES (1, 'meh', 'manual', ?)", (now,))


def test_newer_schema_is_refused_untouched(tmp_path):
    db = tmp_path / "mm.db"
    raw = sqlite3.connect(db)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    raw.close()
    before = digest(db)
    with pytest.raises(SchemaTooNew, match="newer than this Music Minion"):
        connect(db)
    assert digest(db) == before


def test_not_a_database_is_refused_untouched(tmp_path):
    db = tmp_path / "mm.db"
    db.write_bytes(b"this is my shopping list, not a database\n" * 100)
    before = digest(db)
    with pytest.raises(NotADatabase, match="not a Music Minion database"):
        connect(db)
    assert digest(db) == before


def test_data_dir_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CannotOpen, match="cannot create data dir"):
        connect(blocker / "sub" / "mm.db")


def test_db_info_and_check_commands(mm, home):
    r = mm("db", "info", "--json")
    assert r.code == 0, r.err
    data = r.json()
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["tables"]["tracks"] == 0 and "provenance" in data["tables"]
    r = mm("db", "info")
    assert r.code == 0 and "schema version" in r.out
    r = mm("db", "check", "--json")
    assert r.code == 0 and r.json() == {"ok": True, "problems": []}
    assert mm("db", "check").out.strip() == "ok"


def test_db_commands_on_a_foreign_file(mm, home):
    db = home / "data" / "music-minion.db"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"\x00garbage" * 512)
    before = digest(db)
    for args in (("db", "info"), ("db", "check")):
        r = mm(*args)
        assert r.code == 1
        assert r.err.startswith("error: ") and "not a Music Minion database" in r.err
        assert "Traceback" not in r.err
    assert digest(db) == before


def test_db_check_reports_foreign_key_damage(mm, home):
    assert mm("init").code == 0
    raw = sqlite3.connect(home / "data" / "music-minion.db")
    raw.execute(
        "INSERT INTO judgments VALUES (42, 'liked', 'manual', '2026-01-01T00:00:00Z')"
    )  # FKs off here
    raw.commit()
    raw.close()
    r = mm("db", "check")
    assert r.code == 1 and "foreign key" in r.out and "1 problem" in r.err
