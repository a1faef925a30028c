"""Processes racing each other on one home: two syncs started together, readers and a writer
(`feed`, `artists list`, `judge`) during a sync, and two commands refreshing the same single-use
refresh token at once.

The library-level refresh race (two processes calling the client directly) is covered by
tests/soundcloud/test_refresh_race.py; here the racers are real commands (`sync` and
`artists import-followings`) started at the same moment with expired access tokens.
"""

from __future__ import annotations

import json
import os
import re
import stat
import time

import pytest

from music_minion.emulator.testing import start_emulator
from tests.reliability.helpers import Home, integrity_ok, seeds, setup_home

pytestmark = pytest.mark.slow

ROUNDS = seeds([1, 2, 3], list(range(1, 11)))
REFUSAL = re.compile(
    r"^error: another sync is running( \(pid \d+\))? — wait for it to finish, or pass --wait$"
)
BAD = ("Traceback", "database is locked", "database is busy")


@pytest.fixture
def busy(use_home, mm):
    """A small world whose every response takes 25 ms, two requests at a time: a sync lasts seconds."""
    with start_emulator(seed=4, size="small") as emu:
        home = use_home("racer")
        setup_home(emu, home, mm, **{"soundcloud.max_concurrency": "2"})
        emu.set_faults("rate=0,latency_ms=25")
        yield emu, home


def _clean(text: str) -> None:
    assert not any(b in text for b in BAD), text


def _runs(home: Home) -> list[tuple]:
    conn = home.connect()
    try:
        return [
            tuple(r)
            for r in conn.execute(
                "SELECT status, started_at, finished_at FROM sync_runs ORDER BY id"
            )
        ]
    finally:
        conn.close()


def test_two_syncs_started_together_one_refuses_in_one_line(busy) -> None:
    emu, home = busy
    collisions = 0
    for _ in ROUNDS:
        procs = [home.popen("sync", "--all", "--no-learn", "--json") for _ in range(2)]
        outs = [p.communicate(timeout=120) for p in procs]
        for (out, err), p in zip(outs, procs, strict=True):
            _clean(out + err)
            if p.returncode == 0:
                assert json.loads(out)["status"] == "ok"
            else:
                refusal = json.loads(err)["error"]  # under --json the one line is one object
                line = f"error: {refusal['message']} — {refusal['hint']}"
                assert p.returncode == 1 and refusal["kind"] == "busy" and REFUSAL.match(line), err
                assert out == ""
        codes = sorted(p.returncode for p in procs)
        assert codes[0] == 0, outs
        collisions += codes == [0, 1]
    assert collisions >= 1, "the two syncs never overlapped"
    assert {r[0] for r in _runs(home)} == {"ok"}
    assert integrity_ok(home.db_path)


def test_two_syncs_with_wait_run_one_after_the_other(busy) -> None:
    emu, home = busy
    procs = [home.popen("sync", "--all", "--wait", "--no-learn", "--json") for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    for (out, err), p in zip(outs, procs, strict=True):
        _clean(out + err)
        assert p.returncode == 0 and json.loads(out)["status"] == "ok", err
    runs = _runs(home)
    assert [r[0] for r in runs] == ["ok", "ok"]
    assert runs[1][1] >= runs[0][2]  # the second started once the first had finished
    assert integrity_ok(home.db_path)


def test_feed_artists_list_and_judge_during_a_sync(busy, mm) -> None:
    emu, home = busy
    sync = home.popen("sync", "--all", "--json")
    done: dict[str, int] = {"feed": 0, "artists list": 0, "judge": 0, "unjudge": 0}
    judged: set[str] = set()
    try:
        while sync.poll() is None:
            for name, args in (
                ("feed", ("feed", "--json", "--limit", "20")),
                ("artists list", ("artists", "list", "--json")),
            ):
                r = mm(*args)
                _clean(r.out + r.err)
                assert r.code == 0, (name, r.err)
                done[name] += 1
                if name == "feed" and r.json()["items"]:
                    urn = r.json()["items"][0]["urn"]
                    j = mm("judge", urn, "not_interested" if urn in judged else "liked")
                    _clean(j.err)
                    assert j.code == 0, j.err
                    judged.add(urn)
                    done["judge"] += 1
            time.sleep(0.05)
        out, err = sync.communicate(timeout=120)
    finally:
        if sync.poll() is None:
            sync.kill()
            sync.wait()
    _clean(out + err)
    assert sync.returncode == 0 and json.loads(out)["status"] == "ok", err
    assert done["feed"] >= 2 and done["artists list"] >= 2 and done["judge"] >= 1, done
    conn = home.connect()
    try:
        manual = {
            r[0]
            for r in conn.execute(
                "SELECT t.urn FROM judgments j JOIN tracks t ON t.id = j.track_id WHERE j.source = 'manual'"
            )
        }
    finally:
        conn.close()
    assert judged <= manual  # nothing a reader or writer did during the sync was lost
    assert integrity_ok(home.db_path)


def test_two_commands_refresh_the_same_token_at_once(busy) -> None:
    emu, home = busy
    emu.set_faults(None)
    for _ in ROUNDS:
        emu.expire_tokens()
        before = emu.stats()["oauth"]["refreshes"]
        procs = [
            home.popen("sync", "--all", "--no-learn", "--json"),
            home.popen("artists", "import-followings", "--json"),
        ]
        outs = [p.communicate(timeout=120) for p in procs]
        for (out, err), p in zip(outs, procs, strict=True):
            _clean(out + err)
            assert p.returncode == 0, err
        assert (
            emu.stats()["oauth"]["refreshes"] - before == 1
        )  # one spent the token, the other re-read it
        token_file = home.data / "tokens.json"
        assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
        stored = json.loads(token_file.read_text())
        assert any(
            isinstance(v, dict) and v.get("refresh_token") in emu.emulator.oauth.refresh
            for v in stored.values()
        )
    status = home.run("auth", "status", "--json")
    assert status.returncode == 0 and json.loads(status.stdout)["logged_in"]
