"""Verdicts on the page while a sync runs in another process (as a cron run would): every verdict
is saved at once, and the sync still ends ok."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.web.helpers import manual_verdicts, request, sign_in

REPO = Path(__file__).resolve().parents[2]


def test_verdicts_are_saved_while_a_sync_runs(page_server, synced, mm):
    port = page_server.port
    cookie, origin = sign_in(page_server.url), f"http://127.0.0.1:{port}"
    urns = [t["urn"] for t in request(port, "/api/queue", cookie=cookie).json()["tracks"][:3]]
    synced.set_rate(8)  # a slow SoundCloud: the sync below takes a few seconds
    synced.reset_stats()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(REPO / "src"), str(REPO)))}
    sync = subprocess.Popen(
        [sys.executable, "-m", "music_minion", "sync", "--all", "--no-learn"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while synced.stats()["total"] == 0 and time.monotonic() < deadline:
            time.sleep(0.05)  # wait until the sync is talking to SoundCloud
        assert sync.poll() is None, "the sync should still be running"
        for urn in urns:
            r = request(
                port,
                "/api/verdict",
                "POST",
                cookie=cookie,
                origin=origin,
                body={"urn": urn, "verdict": "not_quite"},
            )
            assert r.status == 200, r.json()
        assert sync.poll() is None, "the verdicts were made during the sync"
        out, err = sync.communicate(timeout=60)
    finally:
        if sync.poll() is None:
            sync.kill()
    assert sync.returncode == 0, err
    assert "sync ok" in out
    assert manual_verdicts(mm) == dict.fromkeys(urns, "not_quite")
