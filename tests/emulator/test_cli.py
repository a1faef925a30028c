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
