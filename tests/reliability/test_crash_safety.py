"""SIGKILL a real `sync --push` process at seeded moments (mid-fetch, inside a merge transaction,
during a token refresh, around the playlist write): the database stays sound, no provenance row
committed before the kill is lost or changed, and the next run converges to the result of a run
that was never interrupted."""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from music_minion.emulator.testing import start_emulator
from tests.reliability.helpers import (
    LONG,
    Home,
    integrity_ok,
    login,
    picture,
    provenance_rows,
    setup_home,
)
from tests.reliability.killable import MARK

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]  # so the child process finds tests.reliability.killable
WORLD_SEED = 5
SIZE = "small"  # 12 artists × 3 sources = 36 merges, ~112 requests in all
SETTINGS = {"soundcloud.max_concurrency": "2"}
FIXED = [("fetch", 0), ("merge", 0), ("refresh", 1), ("rotated", 1), ("push", 1), ("pushed", 1)]


def kill_points() -> list[tuple[str, int]]:
    """Each phase once (the Nth occurrence drawn from a seeded RNG); 20 points in long mode."""
    rng = random.Random(2026)
    draw = {"fetch": lambda: rng.randint(3, 100), "merge": lambda: rng.randint(1, 36)}
    points = [(p, draw[p]() if p in draw else n) for p, n in FIXED]
    if LONG:
        # The refresh and the playlist write happen once per run: the other 14 moments are drawn
        # over the fetches and the 36 merges, each a different one.
        while len(points) < 20:
            phase = rng.choice(["fetch", "merge"])
            point = (phase, draw[phase]())
            if point not in points:
                points.append(point)
    return points


_reference: dict[str, Any] = {}


def reference(use_home: Any, mm: Any) -> dict[str, Any]:
    """What an uninterrupted `sync --push` of the same world stores (computed once per process)."""
    if not _reference:
        with start_emulator(seed=WORLD_SEED, size=SIZE) as emu:
            home = use_home("reference")
            setup_home(emu, home, mm, **SETTINGS)
            r = home.run("sync", "--push", "--json")
            assert r.returncode == 0, r.stderr
            _reference.update(_picture(home, emu))
    return _reference


def _picture(home: Home, emu: Any) -> dict[str, Any]:
    conn = home.connect()
    try:
        pic = picture(conn)
        urn = conn.execute("SELECT value FROM kv WHERE key = 'playlist.urn'").fetchone()
    finally:
        conn.close()
    mine = [
        p
        for p in emu.world.playlists.values()
        if p.user_urn == emu.user_urn and p.title == "Music Minion Discoveries"
    ]
    pic["playlist"] = sorted(emu.world.playlists[urn[0]].tracks) if urn else None
    pic["discovery_playlists"] = len(mine)
    return pic


def _reader(stream: Any, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)


def kill_at(home: Home, emu: Any, phase: str, n: int) -> str:
    """Start `sync --push`, SIGKILL it at the moment; returns its stderr up to then."""
    args = [
        sys.executable,
        "-m",
        "tests.reliability.killable",
        "none" if phase == "fetch" else phase,
        str(n),
        "sync",
        "--push",
        "--json",
    ]
    proc = subprocess.Popen(
        args,
        env={**home.env(), "PYTHONPATH": os.pathsep.join((str(REPO / "src"), str(REPO)))},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_reader, args=(proc.stderr, lines), daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if phase == "fetch":
                if emu.stats()["total"] >= n:
                    break
                time.sleep(0.003)
                continue
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                continue
            seen.append(line)
            if line.startswith(MARK):
                break
        assert proc.poll() is None, (
            f"the run ended before the kill point ({phase} {n}): {''.join(seen)}"
        )
        assert time.monotonic() < deadline, f"kill point {phase} {n} never came"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    return "".join(seen)


@pytest.mark.parametrize(("phase", "n"), kill_points(), ids=lambda v: str(v))
def test_sigkill_then_rerun_converges(use_home, mm, phase: str, n: int) -> None:
    want = reference(use_home, mm)
    with start_emulator(seed=WORLD_SEED, size=SIZE) as emu:
        home = use_home(f"{phase}-{n}")
        setup_home(emu, home, mm, **SETTINGS)
        if phase in ("refresh", "rotated"):
            emu.expire_tokens()  # the first request of the run gets a 401 and refreshes
        if phase == "fetch":
            emu.set_faults("rate=0,latency_ms=10")
        emu.reset_stats()
        kill_at(home, emu, phase, n)
        emu.set_faults(None)

        assert integrity_ok(home.db_path)
        conn = home.connect()
        try:
            before = provenance_rows(conn)
            running = conn.execute(
                "SELECT count(*) FROM sync_runs WHERE status = 'running'"
            ).fetchone()[0]
        finally:
            conn.close()
        assert running == 1
        if phase == "merge":
            assert len(before) < len(want["provenance"])  # the merge in flight was not committed

        if phase == "rotated":
            # The server spent the old refresh token and the new one died with the process: the
            # next run says so (exit 1, no traceback, the way out named); logging in again resumes.
            dead = home.run("sync", "--push")
            assert dead.returncode == 1 and "Traceback" not in dead.stderr, dead.stderr
            assert (
                "session has expired or was revoked — run `music-minion auth login`" in dead.stderr
            ), dead.stderr
            assert len(dead.stderr.strip().splitlines()) == 1, (
                dead.stderr
            )  # stops at the first refusal
            login(emu)
        again = home.run("sync", "--push", "--json")
        assert again.returncode == 0, again.stderr
        assert "Traceback" not in again.stderr
        summary = json.loads(again.stdout)
        assert summary["status"] == "ok", summary
        assert summary["interrupted_before"] == (
            0 if phase == "rotated" else 1
        )  # the killed run is marked

        assert integrity_ok(home.db_path)
        conn = home.connect()
        try:
            after = provenance_rows(conn)
            statuses = [r[0] for r in conn.execute("SELECT status FROM sync_runs ORDER BY id")]
        finally:
            conn.close()
        lost = {k: v for k, v in before.items() if after.get(k) != v}
        assert not lost, f"committed provenance rows lost or changed: {list(lost.items())[:3]}"
        assert statuses[0] == "interrupted" and statuses[-1] == "ok", statuses
        got = _picture(home, emu)
        for key in (
            "tracks",
            "provenance",
            "judgments",
            "my_likes",
            "artists",
            "playlist",
            "discovery_playlists",
        ):
            assert got[key] == want[key], key
