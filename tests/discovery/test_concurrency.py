"""One sync at a time, readers during a sync, and a sync killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from music_minion.emulator.testing import start_emulator
from music_minion.sandbox import configure
from tests.discovery.helpers import expected_provenance, home_db, stored_provenance, watch_all

HOLD_LOCK = (
    "import sys; from pathlib import Path; from music_minion.store.lock import process_lock\n"
    "with process_lock(Path(sys.argv[1])):\n    print('held', flush=True); sys.stdin.readline()\n"
)


@pytest.fixture
def slow_world(home: Path, mm):
    """A small world (12 artists) whose every response takes 60 ms, two requests at a time."""
    with start_emulator(seed=3, size="small") as emu:
        configure(emu, home)
        assert mm("config", "set", "soundcloud.max_concurrency", "2").code == 0
        assert mm("config", "set", "soundcloud.page_size", "20").code == 0
        watch_all(emu)
        emu.set_faults("rate=0,latency_ms=60")
        yield emu


def _data_dir() -> Path:
    return Path(os.environ["MUSIC_MINION_DATA_DIR"])


def test_second_sync_exits_at_once_or_waits(emulator, mm) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(_data_dir())],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        t0 = time.monotonic()
        r = mm("sync", "--no-learn")
        assert r.code == 1 and time.monotonic() - t0 < 5
        assert (
            r.err.strip()
            == f"error: another sync is running (pid {holder.pid}) — wait for it to finish, or pass --wait"
        )
        threading.Timer(0.5, lambda: (holder.stdin.write("go\n"), holder.stdin.flush())).start()
        r = mm("sync", "--wait", "--no-learn", "--json")  # returns once the holder lets go
        assert r.code == 0 and r.json()["status"] == "ok"
        assert holder.wait(5) == 0
    finally:
        holder.kill()
        holder.wait()


def test_readers_keep_working_during_a_sync(slow_world) -> None:
    from music_minion import config
    from music_minion.discovery.sync_run import SyncOptions
    from music_minion.pipeline import run
    from music_minion.store import artists as artists_store

    result: dict = {}
    t = threading.Thread(
        target=lambda: result.update(run(config.load(), SyncOptions(learn=False)).as_dict())
    )
    t.start()
    seen_during: set[int] = set()
    try:
        while t.is_alive():
            conn = home_db()
            conn.execute("PRAGMA busy_timeout = 0")  # a read that would wait fails at once
            try:
                rows = artists_store.list_with_counts(conn)
                running = conn.execute(
                    "SELECT count(*) FROM sync_runs WHERE status = 'running'"
                ).fetchone()[0]
            finally:
                conn.close()
            if running:
                seen_during.add(sum(r["likes"] + r["reposts"] + r["uploads"] for r in rows))
            time.sleep(0.02)
    finally:
        t.join()
    assert result["status"] == "ok"
    final = len(expected_provenance(slow_world))
    assert len([n for n in seen_during if 0 < n < final]) >= 2, (
        seen_during
    )  # read partial progress, twice, never waiting for the writer


def test_sigkill_mid_sync_leaves_a_sound_database_that_converges(slow_world, mm) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "music_minion", "sync", "--no-learn"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            conn = home_db()
            try:
                n = conn.execute("SELECT count(*) FROM provenance").fetchone()[0]
            finally:
                conn.close()
            if n > 0:
                break
            time.sleep(0.02)
        assert n > 0 and proc.poll() is None, "the sync should be mid-way"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    partial = stored_provenance()
    expected = expected_provenance(slow_world)
    assert partial < expected  # cut short
    r = mm("db", "check", "--json")
    assert r.code == 0 and r.json()["ok"]
    conn = home_db()
    try:
        assert [x[0] for x in conn.execute("SELECT status FROM sync_runs")] == ["running"]
    finally:
        conn.close()
    slow_world.set_faults(None)
    again = mm("sync", "--no-learn", "--json").json()
    assert again["status"] == "ok" and again["interrupted_before"] == 1
    assert stored_provenance() == expected
    assert (
        mm("sync", "--json", "--no-learn").json()["artists_planned"] == 0
    )  # everyone checked once
    conn = home_db()
    try:
        assert [x[0] for x in conn.execute("SELECT status FROM sync_runs ORDER BY id")] == [
            "interrupted",
            "ok",
            "ok",
        ]
        assert (
            conn.execute("SELECT count(*) FROM artists WHERE last_checked_at IS NULL").fetchone()[0]
            == 0
        )
    finally:
        conn.close()
