"""Hostile users: broken config files, a data dir that is a file, bad URLs and verdicts, paths that
cannot be used, a full disk (a real tiny tmpfs when this machine lets us mount one, else a failing
write) and a read-only disk. Each mistake is one line `error: <what> — <what to do>`, a non-zero
exit, no traceback, and nothing lost: files unchanged, the database sound with the same rows."""

from __future__ import annotations

import errno
import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from music_minion.emulator.testing import start_emulator
from tests.reliability.helpers import integrity_ok, setup_home

pytestmark = pytest.mark.slow

BROKEN_CONFIGS = {
    "invalid toml": b"[soundcloud\napi_base = ",
    "unknown section": b"[bogus]\nx = 1\n",
    "unknown key": b'[soundcloud]\nclient_idd = "x"\n',
    "wrong type": b'[soundcloud]\nmax_concurrency = "lots"\n',
    "out of range": b"[soundcloud]\nmax_concurrency = 0\n",
    "bad choice": b'[playlist]\nsharing = "everyone"\n',
    "not utf-8": b'\xff\xfe[soundcloud]\napi_base = "x"\n',
    "section not a table": b"soundcloud = 3\n",
    "list for a number": b"[discovery]\nmax_pages = [1, 2]\n",
}
COMMANDS = [
    ("feed",),
    ("artists", "list"),
    ("sync",),
    ("auth", "status"),
    ("playlist", "show"),
    ("judge", "1", "liked"),
    ("sync", "history"),
    ("library", "scan", "."),
    ("export", "csv", "{tmp}/out"),
    ("db", "check"),
]


def one_line(r: Any, code: int | None = 1) -> str:
    """The error line of a failed command (asserting it is the only stderr line)."""
    lines = [x for x in r.err.splitlines() if x.strip()]
    assert "Traceback" not in r.err, r.err
    assert len(lines) == 1 and lines[0].startswith("error: ") and " — " in lines[0], r.err
    assert r.code != 0 if code is None else r.code == code, (r.code, r.err)
    return lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def db_state(home: Path) -> dict[str, int]:
    from music_minion.store import connect, database_path
    from music_minion.store.db import table_counts

    path = database_path(home / "data")
    assert integrity_ok(path)
    conn = connect(path)
    try:
        return table_counts(conn)
    finally:
        conn.close()


@pytest.fixture
def filled(home: Path) -> Path:
    """A home whose database already holds an artist."""
    from music_minion import config
    from music_minion.store import artists, open_store

    conn = open_store(config.load().data_dir)
    artists.upsert_resolved(
        conn, artists.Resolved("soundcloud:users:7", "dj seven", "dj-seven", None)
    )
    conn.close()
    return home


@pytest.fixture
def tiny_fs(tmp_path: Path):
    """`tiny_fs(size, ro=False)`: a real tmpfs of that size mounted in the test dir, or None when
    mounting is not permitted here (the caller then simulates the failing write)."""
    mounts: list[Path] = []

    def mount(size: str = "1m", ro: bool = False) -> Path | None:
        d = tmp_path / f"fs{len(mounts)}"
        d.mkdir()
        opts = f"size={size}" + (",ro" if ro else "")
        try:
            r = subprocess.run(
                ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(d)],
                capture_output=True,
                timeout=10,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        if r.returncode != 0:
            return None
        mounts.append(d)
        return d

    yield mount
    for d in mounts:
        subprocess.run(["umount", "-l", str(d)], capture_output=True, timeout=10)


@pytest.mark.parametrize("broken", list(BROKEN_CONFIGS))
def test_broken_config_is_one_line_for_every_command(mm, filled: Path, broken: str) -> None:
    from music_minion import config

    cfg = filled / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_bytes(BROKEN_CONFIGS[broken])
    before, rows = digest(cfg), db_state(filled)
    for args in COMMANDS:
        config.set_config_path(None)
        r = mm(*[a.format(tmp=filled) for a in args])
        line = one_line(r, code=None)
        assert str(cfg) in line or any(
            w in line for w in ("soundcloud.", "playlist.", "discovery.")
        ), (args, line)
    assert digest(cfg) == before and db_state(filled) == rows
    assert not (filled / "out").exists()


def test_config_path_that_is_a_folder_and_an_unknown_key_set(mm, filled: Path, monkeypatch) -> None:
    folder = filled / "cfgdir"
    folder.mkdir()
    monkeypatch.setenv("MUSIC_MINION_CONFIG", str(folder))
    assert "is a directory" in one_line(mm("feed"))
    monkeypatch.setenv("MUSIC_MINION_CONFIG", str(filled / "config" / "config.toml"))
    mm("config", "set", "playlist.size", "50")
    cfg = filled / "config" / "config.toml"
    before = digest(cfg)
    for args in (
        ("config", "set", "playlist.sizee", "5"),
        ("config", "set", "playlist.size", "many"),
        ("config", "set", "playlist.size", "0"),
        ("config", "get", "nope.nope"),
    ):
        one_line(mm(*args), code=None)
    assert digest(cfg) == before


def test_data_dir_that_is_a_file(mm, home: Path, monkeypatch, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"precious")
    monkeypatch.setenv("MUSIC_MINION_DATA_DIR", str(blocker))
    for args in COMMANDS:
        r = mm(*[a.format(tmp=tmp_path) for a in args])
        if args[0] == "library" or (r.code == 0 and args == ("auth", "status")):
            continue  # `library scan .` of an empty folder needs no data dir to fail; status may read nothing
        one_line(r, code=None)
    assert blocker.read_bytes() == b"precious"


BAD_URLS = [
    "https://example.com/some-dj",
    "not a url at all",
    "https://soundcloud.com/",
    "ftp://soundcloud.com/x",
    "https://soundcloud.com/no-such-user-anywhere",
    "https://soundcloud.com/a/b/c/d/e",
    "javascript:alert(1)",
    "https://soundcloud.com/" + "x" * 5000,
    "soundcloud:users:",
    "soundcloud:tracks:1",
    "\u202eevil",
]


def test_bad_artist_urls_each_get_a_reason_and_nothing_is_watched(emulator, mm) -> None:
    r = mm("artists", "add", *BAD_URLS)
    assert r.code == 1 and "Traceback" not in r.err
    lines = r.err.splitlines()
    failed = lines[1:]
    assert lines[0] == f"failed {len(BAD_URLS)} of {len(BAD_URLS)}:", r.err
    assert len(failed) == len(BAD_URLS) and all(" — " in x for x in failed), r.err
    # Listed apart on stderr, and not stored: a typo never becomes a row of `artists list`.
    assert mm("artists", "list", "--json").json()["items"] == []
    assert mm("sync", "--dry-run", "--json").json()["artists_planned"] == 0
    one_line(mm("artists", "add", " "), code=2)


def test_bad_verdicts_and_unknown_tracks_change_nothing(mm, filled: Path) -> None:
    rows = db_state(filled)
    for args in (
        ("judge", "soundcloud:tracks:1", "maybe"),
        ("judge", "soundcloud:tracks:404", "liked"),
        ("judge", "99999", "liked"),
        ("judge", "", "liked"),
        ("judge", "'; DROP TABLE judgments; --", "liked"),
        ("unjudge", "soundcloud:tracks:404"),
    ):
        one_line(mm(*args), code=None)
    assert db_state(filled) == rows


def test_paths_that_cannot_be_used(mm, filled: Path, tiny_fs) -> None:
    afile = filled / "a-file"
    afile.write_bytes(b"keep me")
    rows = db_state(filled)
    for args in (
        ("library", "scan", str(afile / "under-a-file")),
        ("library", "scan", str(filled / "missing")),
        ("export", "csv", str(afile / "out")),
        ("export", "json", str(afile) + "/"),
        ("export", "csv", str(afile)),
    ):
        one_line(mm(*args), code=None)
    ro = tiny_fs("64k", ro=True)
    if ro is not None:  # a read-only disk
        one_line(mm("export", "csv", str(ro / "out")))
        assert list(ro.iterdir()) == []
    assert afile.read_bytes() == b"keep me" and db_state(filled) == rows


def test_sync_on_a_full_disk_keeps_what_was_saved_and_resumes(
    use_home, mm, tiny_fs, monkeypatch
) -> None:
    with start_emulator(seed=5, size="small") as emu:
        home = use_home("full")
        home.root.mkdir(parents=True)
        disk = tiny_fs("700k")
        if disk is not None:
            home.data.symlink_to(disk)  # the data dir lives on the tiny disk
        setup_home(emu, home, mm)
        if disk is None:  # no tmpfs here: the 10th merge hits a full disk
            import sqlite3

            from music_minion.store import provenance

            real, calls = provenance.merge_source, [0]

            def full(*a: Any, **kw: Any) -> Any:
                calls[0] += 1
                if calls[0] >= 10:
                    raise sqlite3.OperationalError("database or disk is full")
                return real(*a, **kw)

            monkeypatch.setattr(provenance, "merge_source", full)
        r = mm("sync")
        line = one_line(r)
        assert (
            line
            == "error: the disk is full — free some space and run it again (what was saved is kept)"
        )
        assert integrity_ok(home.db_path)
        from tests.reliability.helpers import provenance_rows

        conn = home.connect()
        try:
            saved = provenance_rows(conn)
        finally:
            conn.close()
        # Room again: the next sync resumes and loses nothing saved before.
        if disk is not None:
            assert subprocess.run(["mount", "-o", "remount,size=20m", str(disk)]).returncode == 0
        else:
            monkeypatch.undo()
            use_home("full")
        r = mm("sync", "--json")
        assert r.code == 0 and r.json()["status"] == "ok", r.err
        conn = home.connect()
        try:
            after = provenance_rows(conn)
        finally:
            conn.close()
        assert all(after.get(k) == v for k, v in saved.items())
        from tests.reliability.helpers import expected_provenance

        assert {(t, a, k, p) for (t, a, k), (_, p) in after.items()} == expected_provenance(
            emu.world
        )


def test_export_and_config_set_on_a_full_disk(mm, filled: Path, tiny_fs, monkeypatch) -> None:
    from music_minion import config

    rows = db_state(filled)
    disk = tiny_fs("16k")
    if disk is not None:
        (disk / "filler").write_bytes(b"\0" * 12_000)
        cfg = disk / "config.toml"
        cfg.write_bytes(b'[playlist]\ntitle = "Mine"\n')
        try:  # fill the rest
            with open(disk / "filler2", "wb") as f:
                while True:
                    f.write(b"\0" * 512)
                    f.flush()
        except OSError as e:
            assert e.errno == errno.ENOSPC
        out = disk / "out"
    else:  # no tmpfs here: every write of a file fails with ENOSPC
        cfg = filled / "config" / "config.toml"
        cfg.parent.mkdir(parents=True, exist_ok=True)
        cfg.write_bytes(b'[playlist]\ntitle = "Mine"\n')
        out = filled / "out"
        real_open = Path.open

        def no_space(self: Path, mode: str = "r", *a: Any, **kw: Any) -> Any:
            if "w" in mode or "a" in mode:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_open(self, mode, *a, **kw)

        monkeypatch.setattr(Path, "open", no_space)
    monkeypatch.setenv("MUSIC_MINION_CONFIG", str(cfg))
    config.set_config_path(None)
    before = digest(cfg)
    for args in (
        ("export", "csv", str(out) + "/", "--what", "all"),
        ("export", "json", str(out) + ".json", "--what", "tracks"),
        ("config", "set", "playlist.title", "Something much longer than before " * 20),
    ):
        one_line(mm(*args))
    assert digest(cfg) == before
    assert db_state(filled) == rows
    leftovers = [
        p
        for p in (out, Path(str(out) + ".json"))
        if p.exists() and (p.is_file() or any(p.iterdir()))
    ]
    assert not leftovers, [list(p.iterdir()) if p.is_dir() else p for p in leftovers]


def test_library_scan_of_a_folder_with_a_fifo_dangling_links_and_a_loop(tmp_path: Path) -> None:
    """A named pipe called song.mp3 would block a reader forever; links lead nowhere or in circles."""
    import os
    import subprocess
    import sys

    from tests.reliability.helpers import Home

    lib = tmp_path / "lib"
    lib.mkdir()
    os.mkfifo(lib / "song.mp3")
    (lib / "gone.flac").symlink_to(tmp_path / "nowhere.flac")
    (lib / "loop").symlink_to(lib)
    (lib / "tiny.wav").write_bytes(b"x")
    home = Home(tmp_path / "home")
    r = subprocess.run(
        [sys.executable, "-m", "music_minion", "library", "scan", str(lib), "--json"],
        env=home.env(),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    summary = json.loads(r.stdout)
    assert (summary["files"], summary["unreadable"]) == (
        1,
        1,
    )  # tiny.wav; the pipe was never opened
    assert integrity_ok(home.db_path)
