"""`open ROW|TRACK`: the track's SoundCloud page goes to the browser named by $BROWSER (a script
that records what it was given; no real browser is ever started)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path


def recorder(tmp_path: Path, code: int = 0) -> tuple[str, Path]:
    """A $BROWSER command that appends the URL it gets to a file and exits with `code`."""
    log = tmp_path / "opened.txt"
    script = tmp_path / "browser.sh"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{log}"\nexit {code}\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return f"{script} %s", log


def run(*args: str, browser: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a process of its own; PATH holds no browser, so only $BROWSER is ever tried."""
    env = {**os.environ, "BROWSER": browser, "PATH": os.devnull, "DISPLAY": ""}
    return subprocess.run(
        [sys.executable, "-m", "music_minion", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_open_a_feed_row_in_the_browser(mm, filled, tmp_path):
    browser, log = recorder(tmp_path)
    assert mm("feed").code == 0
    r = run("open", "2", browser=browser)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "https://soundcloud.com/up two/track-2\n"
    assert log.read_text() == "https://soundcloud.com/up two/track-2\n"
    r = run("open", "soundcloud:tracks:1", "--print", "--json", browser=browser)
    assert r.returncode == 0, r.stderr
    assert '"link": "https://soundcloud.com/up one/track-1"' in r.stdout
    assert log.read_text() == "https://soundcloud.com/up two/track-2\n"  # --print opened nothing


def test_open_errors_are_one_line(mm, filled, tmp_path):
    browser, log = recorder(tmp_path, code=1)
    r = run("open", "soundcloud:tracks:1", browser=browser)
    assert r.returncode == 1
    assert r.stdout == "https://soundcloud.com/up one/track-1\n"  # the link is there all the same
    assert r.stderr.strip().splitlines() == [
        "error: no browser could be opened — open the link above yourself"
    ]
    r = run("open", "soundcloud:tracks:404", browser=browser)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "not in the index" in r.stderr
    r = run("open", "7", browser=browser)
    assert r.returncode == 1 and "no feed has been shown yet" in r.stderr
