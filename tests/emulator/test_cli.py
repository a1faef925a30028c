"""`music-minion emulator serve` as a real process: ready line, real OAuth flow, clean stop."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse

from tests.emulator.helpers import http, pkce_pair


def start(*args: str) -> subprocess.Popen:
    """`emulator serve ARGS`; a login's callback gets a port of its own (tests run in parallel)."""
    from music_minion.emulator.testing import free_port

    if "--redirect-uri" not in args:
        args = (*args, "--redirect-uri", f"http://127.0.0.1:{free_port()}/callback")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "music_minion", "emulator", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_serve_json_then_login_and_stop(home):
    proc = start("--size", "tiny", "--seed", "4", "--auto-approve", "--json")
    try:
        line = proc.stdout.readline()
        info = json.loads(line)
        assert set(info) == {
            "api_base",
            "auth_base",
            "client_id",
            "client_secret",
            "redirect_uri",
            "user_urn",
        }
        from music_minion.emulator.oauth import credentials_for_seed

        assert (info["client_id"], info["client_secret"]) == credentials_for_seed(4)
        verifier, challenge = pkce_pair()
        q = urllib.parse.urlencode(
            {
                "client_id": info["client_id"],
                "redirect_uri": info["redirect_uri"],
                "response_type": "code",
                "code_challenge": challenge,
                "code_challenge_method": "S256",
                "state": "s",
            }
        )
        r = http(f"{info['auth_base']}/authorize?{q}")
        code = urllib.parse.parse_qs(urllib.parse.urlsplit(r.headers["Location"]).query)["code"][0]
        tok = http(
            f"{info['auth_base']}/oauth/token",
            "POST",
            form={
                "grant_type": "authorization_code",
                "client_id": info["client_id"],
                "client_secret": info["client_secret"],
                "redirect_uri": info["redirect_uri"],
                "code_verifier": verifier,
                "code": code,
            },
        ).json()
        me = http(f"{info['api_base']}/me", token=tok["access_token"]).json()
        assert me["urn"] == info["user_urn"]
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert out == ""  # exactly one line of JSON was printed in all


def test_serve_human_output_and_approval_page(home):
    proc = start("--size", "tiny", "--faults", "rate=0.1,seed=2,kinds=500", "--rate", "50")
    try:
        lines = [proc.stdout.readline() for _ in range(8)]
        text = "".join(lines)
        assert "api_base" in text and "client_secret" in text and "ready" in text
        auth = next(x.split()[1] for x in lines if x.startswith("auth_base"))
        r = http(f"{auth}/authorize?client_id=wrong")
        assert r.status == 400
    finally:
        proc.terminate()
        proc.communicate(timeout=15)
    assert proc.returncode == 0


def test_serve_rejects_bad_faults_in_one_line(mm):
    t0 = time.monotonic()
    r = mm("emulator", "serve", "--faults", "rate=3")
    assert r.code == 1 and r.err.count("\n") == 1 and r.err.startswith("error: bad --faults")
    assert time.monotonic() - t0 < 5
    r = mm("emulator", "serve", "--size", "gigantic")
    assert r.code == 2


def ready_lines(proc: subprocess.Popen) -> list[str]:
    """The human ready output of `emulator serve`, up to its "ready" line."""
    lines: list[str] = []
    while not lines or not lines[-1].startswith("ready"):
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        lines.append(line.rstrip("\n"))
    return lines


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=15)
    assert proc.returncode == 0


def login_env(config_file, data_dir) -> dict[str, str]:
    """A user's shell pointed at `config_file`, with a stand-in browser that approves."""
    return {
        **os.environ,
        "MUSIC_MINION_CONFIG": str(config_file),
        "MUSIC_MINION_DATA_DIR": str(data_dir),
        "BROWSER": f"{sys.executable} -m music_minion.emulator.browser %s",
    }


def music_minion(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "music_minion", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_write_config_points_a_config_at_it_and_keeps_the_rest(home):
    import tomllib

    config_file = home / "mine.toml"
    config_file.write_text("# my settings\n[soundcloud]\nmax_retries = 3  # why not\n")
    proc = start(
        "--size", "tiny", "--seed", "5", "--auto-approve", "--write-config", str(config_file)
    )
    try:
        text = "\n".join(ready_lines(proc))
        written = tomllib.loads(config_file.read_text())["soundcloud"]
        assert "# my settings" in config_file.read_text() and "# why not" in config_file.read_text()
        assert written["max_retries"] == 3
        from music_minion.emulator.oauth import credentials_for_seed

        assert (written["client_id"], written["client_secret"]) == credentials_for_seed(5)
        assert f"api_base       {written['api_base']}" in text
        assert f"auth_base      {written['auth_base']}" in text
        assert f"config         {config_file}: soundcloud." in text
        assert f"export MUSIC_MINION_CONFIG={config_file}; music-minion auth login" in text

        env = login_env(config_file, home / "mine-data")
        r = music_minion(env, "auth", "login", "--json")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["user_urn"] == "soundcloud:users:5000001"
        assert written["client_secret"] not in r.stdout + r.stderr
    finally:
        stop(proc)


def test_write_config_bare_writes_the_config_in_use_and_says_so_in_json(home):
    config_file = home / "config" / "config.toml"  # $MUSIC_MINION_CONFIG of this test
    proc = start("--size", "tiny", "--auto-approve", "--write-config", "--json")
    try:
        info = json.loads(proc.stdout.readline())
        assert info["config"] == str(config_file)
        r = music_minion(login_env(config_file, home / "data"), "auth", "login")
        assert r.returncode == 0 and "logged in as" in r.stdout, r.stderr
    finally:
        stop(proc)


def test_write_config_refuses_to_overwrite_a_real_apps_credentials(home):
    config_file = home / "real.toml"
    before = '[soundcloud]\nclient_id = "my-real-app"\nclient_secret = "my-real-secret"\n'
    config_file.write_text(before)
    t0 = time.monotonic()
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "music_minion",
            "emulator",
            "serve",
            "--write-config",
            str(config_file),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "holds the credentials of a SoundCloud app" in r.stderr
    assert "my-real-secret" not in r.stderr + r.stdout
    assert config_file.read_text() == before and time.monotonic() - t0 < 10


def test_world_brings_a_kept_world_back(home):
    from music_minion.emulator.testing import start_emulator
    from music_minion.sandbox import save_world

    folder = home / "kept"
    folder.mkdir()
    save_world(folder, {"seed": 3, "size": "tiny", "taste": {}, "auto_approve": True})
    proc = start("--world", str(folder), "--json")
    try:
        info = json.loads(proc.stdout.readline())
        served = http(f"{info['api_base']}/_emulator/world").json()
    finally:
        stop(proc)
    assert info["config"] == str(folder / "config.toml")
    with start_emulator(seed=3, size="tiny", taste={}) as same, start_emulator(seed=3) as plain:
        for emu in (same, plain):
            expected = http(f"{emu.api_base}/_emulator/world").json()
            assert (served == expected) is (emu is same)


def test_world_without_a_kept_world_is_one_line(home, mm):
    r = mm("emulator", "serve", "--world", str(home))
    assert r.code == 2 and r.err.count("\n") == 1 and "holds no world.json" in r.err


def test_world_takes_no_seed_or_size(home, mm):
    from music_minion.sandbox import save_world

    save_world(home, {"seed": 3, "size": "tiny", "taste": {}, "auto_approve": True})
    r = mm("emulator", "serve", "--world", str(home), "--seed", "4")
    assert r.code == 2 and r.err.count("\n") == 1
    assert r.err.startswith("error: --world brings its own seed and size, so --seed cannot")


def test_world_with_a_broken_state_is_one_line(home, mm):
    (home / "world.json").write_text('{"seed": 3, "size": "tiny", "state": {"format": 1}}')
    r = mm("emulator", "serve", "--world", str(home))
    assert r.code == 2 and r.err.count("\n") == 1 and "holds a broken world" in r.err
