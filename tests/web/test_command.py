"""`music-minion review` as a user runs it: prints the URL, serves, stops cleanly on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.web.helpers import request, sign_in

ROOT = Path(__file__).resolve().parents[2]


def test_review_prints_the_url_serves_and_stops_on_ctrl_c(synced):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(ROOT / "src"), str(ROOT)))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "music_minion", "review", "--no-browser"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("review page: http://127.0.0.1:"), line
        url = line.split(": ", 1)[1].strip()
        port = int(url.split(":")[2].split("/")[0])
        cookie = sign_in(url)
        assert request(port, "/api/queue", cookie=cookie).json()["tracks"]
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "stopped." in out
    assert "Traceback" not in err
    assert url.split("key=", 1)[1] not in err


def test_review_refuses_an_unknown_artist(synced, mm):
    r = mm("review", "--no-browser", "--artist", "nobody-at-all")
    assert r.code == 1
    assert "no artist matches" in r.err
