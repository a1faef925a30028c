"""`music-minion demo` end to end in its own process: every step runs, owned tracks leave the feed,
temporary data is cleaned up, and no secret of the emulator leaks into any output or file."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from music_minion.emulator.testing import SECRET_MARKERS, free_port


def run_mm(
    args: list[str], env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "music_minion", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SOUNDCLOUD_", "MUSIC_MINION_"))
    }
    env["MUSIC_MINION_CONFIG"] = str(
        tmp_path / "user-config.toml"
    )  # must stay untouched by the demo
    env["COLUMNS"] = "200"
    return env


def test_demo_keeps_data_and_leaks_no_secret(tmp_path, clean_env):
    keep = tmp_path / "kept"
    r = run_mm(["--json", "demo", "--keep", str(keep)], clean_env, timeout=180)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    result = json.loads(r.stdout)  # with --json the show goes to stderr, stdout is the result only
    assert "Summary" in r.stderr
    assert all(step["code"] == 0 for step in result["steps"])
    titles = " | ".join(s["title"] for s in result["steps"])
    for word in ("Log in", "Sync", "feed", "Push", "Scan", "Match", "Parquet"):
        assert word.lower() in titles.lower()
    summary = result["summary"]
    assert summary["artists_watched"] >= 10 and summary["tracks"] > 100
    assert summary["provenance_rows"] > summary["tracks"]  # overlaps: several artists per track
    assert summary["judgments"] > 0 and summary["requests_made"] > 0
    assert summary["seconds"] < 60
    assert not Path(clean_env["MUSIC_MINION_CONFIG"]).exists()

    # The kept data works with the other commands; owned (matched) tracks are out of the feed.
    env = dict(
        clean_env,
        MUSIC_MINION_CONFIG=str(keep / "config.toml"),
        MUSIC_MINION_DATA_DIR=str(keep / "data"),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    files = run_mm(["library", "list", "--json"], env)
    assert files.returncode == 0, files.stderr
    feed = run_mm(["feed", "--limit", "500", "--json"], env)
    assert feed.returncode == 0, feed.stderr
    feed_urns = {t["urn"] for t in json.loads(feed.stdout)}
    assert feed_urns
    db = run_mm(["db", "check"], env)
    assert db.returncode == 0 and db.stdout.strip() == "ok"
    owned = _owned_urns(keep / "data" / "music-minion.db")
    assert len(owned) >= 3 and not owned & feed_urns
    assert list((keep / "export").glob("*.parquet"))

    # Secrets: not in any output, exported file or the database; the token file is private.
    token_file = keep / "data" / "tokens.json"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    for marker in SECRET_MARKERS:
        assert marker in token_file.read_text() or marker.startswith(
            "emu-secret"
        )  # the store holds tokens
    outputs = r.stdout + r.stderr + files.stdout + feed.stdout + db.stdout
    for path in keep.rglob("*"):
        if path.is_file() and path != token_file and path.name != "config.toml":
            outputs += path.read_bytes().decode("latin-1")
    leaks = [m for m in SECRET_MARKERS if m in outputs]
    assert not leaks, f"secret markers found: {leaks}"


def test_demo_without_keep_cleans_up(tmp_path, clean_env):
    r = run_mm(["demo", "--size", "tiny"], clean_env, timeout=180)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    home = re.search(r"data in (\S+)", r.stdout.replace("\n", " "))
    assert home, r.stdout[:500]
    assert not Path(home.group(1)).exists()
    assert "Summary" in r.stdout


def test_demo_refuses_a_non_empty_keep_folder(tmp_path, clean_env):
    keep = tmp_path / "busy"
    keep.mkdir()
    (keep / "precious.txt").write_text("mine")
    r = run_mm(["demo", "--keep", str(keep)], clean_env)
    assert r.returncode == 1 and "is not empty" in r.stderr
    assert (keep / "precious.txt").read_text() == "mine"


def _owned_urns(db_path: Path) -> set[str]:
    import sqlite3

    conn = sqlite3.connect(db_path)
    rows = conn.execute(
        "SELECT t.urn FROM local_files f JOIN tracks t ON t.id = f.track_id WHERE f.match_status IN ('exact', 'auto', 'accepted')"
    ).fetchall()
    conn.close()
    return {r[0] for r in rows}


def test_a_kept_demo_says_in_plain_lines_how_to_come_back_and_does(tmp_path, clean_env):
    """Even in a narrow terminal the lines to paste are whole; `source env.sh` points a shell at the
    kept data; `emulator serve --world` brings the world back as the demo left it and `auth login`
    works on it."""
    import shlex
    import signal

    keep = tmp_path / "a folder with spaces"
    r = run_mm(["demo", "--size", "tiny", "--keep", str(keep)], {**clean_env, "COLUMNS": "40"})
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    lines = r.stdout.splitlines()
    env_file, folder = shlex.quote(str(keep / "env.sh")), shlex.quote(str(keep))
    assert f"  source {env_file}" in lines
    assert f"  music-minion emulator serve --world {folder}" in lines
    assert "  music-minion auth login" in lines
    # the "own a few tracks" step says what it does instead of echoing a feed command
    assert "As if you had bought them, the demo wrote audio files of the top 4 feed" in r.stdout
    assert "feed --limit 4 --json" not in r.stdout

    shell = {**clean_env, "BROWSER": f"{sys.executable} -m music_minion.emulator.browser %s"}
    mm = f"{shlex.quote(sys.executable)} -m music_minion"
    checked = subprocess.run(
        ["bash", "-c", f"source {env_file} && {mm} db check"],
        env=shell,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.stdout.strip() == "ok", checked.stderr
    judged = _judgments(keep / "data" / "music-minion.db")
    assert judged  # the simulated listener's likes and dismissals, learned from the world
    serve = subprocess.Popen(
        [sys.executable, "-m", "music_minion", "emulator", "serve", "--world", str(keep)]
        + ["--redirect-uri", f"http://127.0.0.1:{free_port()}/callback"],
        env={**clean_env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while not (line := serve.stdout.readline()).startswith("ready"):
            assert line, serve.stderr.read()
        steps = f"source {env_file} && {mm} auth login && {mm} sync --all --json"
        back = subprocess.run(
            ["bash", "-c", steps], env=shell, capture_output=True, text=True, timeout=120
        )
    finally:
        serve.send_signal(signal.SIGINT)
        serve.communicate(timeout=15)
    assert back.returncode == 0, back.stderr[-2000:]
    assert "logged in as" in back.stdout
    sync = json.loads(back.stdout[back.stdout.index("{") :])
    # The world as the demo left it: every track is known, every learned judgment still holds,
    # and the second week's listening (after the demo's last sync) is learned now.
    assert sync["artists_done"] > 0 and sync["tracks_new"] == 0
    after = _judgments(keep / "data" / "music-minion.db")
    assert set(judged) < set(after)


def _judgments(db_path: Path) -> list[tuple[int, str, str]]:
    import sqlite3

    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT track_id, verdict, source FROM judgments").fetchall()
    conn.close()
    return rows
