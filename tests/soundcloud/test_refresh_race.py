"""Single-use refresh tokens: concurrent refreshes, in one process and across two, end with a working token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from music_minion import config
from music_minion.soundcloud.oauth import AppSettings
from music_minion.soundcloud.tokens import TokenStore
from tests.soundcloud.helpers import client, run


def _store() -> TokenStore:
    cfg = config.load()
    return TokenStore(cfg.data_dir, AppSettings.from_config(cfg).namespace)


def _expire_everywhere(emu) -> None:
    """The server refuses the access token and the local copy is inside the refresh margin."""
    store = _store()
    tok = store.load("user")
    tok.expires_at = time.time() + 30
    store.save(tok, "user")
    emu.expire_tokens()


def test_many_tasks_one_refresh(logged_in):
    _expire_everywhere(logged_in)

    async def go():
        import asyncio

        async with client() as sc:
            users = await asyncio.gather(*(sc.user(a) for a in logged_in.world.artist_urns * 5))
            return users, sc._tokens.refreshes

    users, refreshes = run(go())
    assert len(users) == len(logged_in.world.artist_urns) * 5
    assert refreshes == 1
    assert logged_in.stats()["oauth"]["refreshes"] == 1


def test_two_processes_refresh_at_once_and_both_work(logged_in):
    _expire_everywhere(logged_in)
    old_refresh = _store().load("user").refresh_token
    worker = Path(__file__).with_name("refresh_worker.py")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    start_at = time.time() + 1.5
    procs = [
        subprocess.Popen(
            [sys.executable, str(worker), str(start_at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        results.append(json.loads(out))
    assert [r["urn"] for r in results] == [logged_in.user_urn] * 2
    assert sorted(r["refreshes"] for r in results) == [
        0,
        1,
    ]  # one spent the token, the other re-read it
    assert logged_in.stats()["oauth"]["refreshes"] == 1
    assert old_refresh in logged_in.emulator.oauth.spent_refresh
    # what is stored now works, including its refresh token
    tok = _store().load("user", fresh=True)
    assert tok.access_token in logged_in.emulator.oauth.access
    assert tok.refresh_token in logged_in.emulator.oauth.refresh
    _expire_everywhere(logged_in)

    async def again():
        async with client() as sc:
            return (await sc.me()).urn

    assert run(again()) == logged_in.user_urn
