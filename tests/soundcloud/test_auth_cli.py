"""`music-minion auth login|status|logout` through the real entry point; no secret in any output."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
import webbrowser

import pytest

from tests.soundcloud.helpers import assert_no_secrets, set_keys


@pytest.fixture
def fake_browser(monkeypatch):
    """No browser exists here: this one GETs the URL and follows the redirect to the callback."""
    opened: list[str] = []

    def open_url(url: str, *args, **kwargs) -> bool:
        opened.append(url)
        with urllib.request.urlopen(url, timeout=10) as resp:
            resp.read()
        return True

    monkeypatch.setattr(webbrowser, "open", open_url)
    return opened


def test_login_status_logout_round_trip(emulator, mm, fake_browser):
    r = mm("auth", "status", "--json")
    assert r.code == 0 and r.json()["logged_in"] is False and r.json()["storage"].startswith("file")

    r = mm("auth", "login", "--json")
    assert r.code == 0, r.err
    assert r.json() == {
        "logged_in": True,
        "user_urn": emulator.user_urn,
        "username": emulator.world.me.username,
    }
    assert len(fake_browser) == 1
    outputs = [r.out, r.err]

    r = mm("auth", "status", "--json")
    data = r.json()
    assert (
        data["logged_in"] and data["user_urn"] == emulator.user_urn and not data["access_expired"]
    )
    assert data["access_expires_at"].endswith("Z") and data["can_refresh"] is True
    outputs += [r.out, r.err]
    r = mm("auth", "status")
    assert "logged in as" in r.out and "0600" in r.out
    outputs += [r.out, r.err]

    token = next(iter(emulator.emulator.oauth.access))
    r = mm("auth", "logout", "--json")
    assert r.json() == {"logged_out": True, "was_logged_in": True, "signed_out_remotely": True}
    assert token not in emulator.emulator.oauth.access  # revoked at the server
    outputs += [r.out, r.err]
    assert mm("auth", "status", "--json").json()["logged_in"] is False
    assert_no_secrets(emulator, *outputs)


def test_logout_when_server_unreachable_still_deletes(emulator, mm, fake_browser):
    assert mm("auth", "login").code == 0
    emulator.set_faults("rate=1,kinds=oauth,drop")  # the sign-out request's connection is dropped
    r = mm("auth", "logout")
    assert r.code == 0 and "could not be reached" in r.out
    assert mm("auth", "status", "--json").json()["logged_in"] is False


def test_login_errors_are_one_line_without_secrets(emulator, mm, fake_browser):
    set_keys(soundcloud_client_secret="emu-secret-wrong-wrong-wrong")
    r = mm("auth", "login")
    assert r.code == 1
    errors = [line for line in r.err.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: SoundCloud refused this app's client id or secret — "
        "check soundcloud.client_id and soundcloud.client_secret"
    ]
    assert "Traceback" not in r.err
    assert "wrong-wrong" not in r.out + r.err
    assert_no_secrets(emulator, r.out, r.err)


def test_login_timeout_flag(emulator, mm, monkeypatch):
    monkeypatch.setattr(
        webbrowser, "open", lambda url, *a, **k: True
    )  # a browser that never comes back
    r = mm("auth", "login", "--timeout", "0.3")
    assert r.code == 1 and "no answer from the browser within 0.3 s" in r.err
    assert emulator.auth_base in r.err  # the URL is shown for opening by hand


def test_debug_logging_never_shows_tokens(logged_in, mm, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    logged_in.expire_tokens()
    set_keys(soundcloud_max_retries=2, soundcloud_rate_limit_wait_max_s=0.05)
    logged_in.set_faults("rate=0.5,seed=1,kinds=500,429")
    r = mm("--debug", "auth", "status", "--json")
    from music_minion import config
    from music_minion.soundcloud.client import SoundCloudClient
    from tests.soundcloud.helpers import run

    async def go():
        async with SoundCloudClient.from_config(config.load()) as sc:
            try:
                await sc.me()
            except Exception as e:  # noqa: BLE001 - the text of any failure is checked below
                return repr(e) + str(e)
            return ""

    text = run(go())
    assert_no_secrets(logged_in, r.out, r.err, caplog.text, text)


def test_login_no_browser_paste_mode(emulator, mm, capsys, monkeypatch):
    import builtins
    import re
    import urllib.error

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    prompts: list[str] = []

    def paste(prompt: str = "") -> str:
        prompts.append(prompt)
        url = re.search(r"(http://\S+/authorize\?\S+)", capsys.readouterr().err).group(1)
        try:
            urllib.request.build_opener(NoRedirect).open(url, timeout=10)
        except urllib.error.HTTPError as e:
            return e.headers["Location"]
        raise AssertionError("authorize did not redirect")

    monkeypatch.setattr(builtins, "input", paste)
    r = mm("auth", "login", "--no-browser", "--json")
    assert r.code == 0, r.err
    assert r.json()["user_urn"] == emulator.user_urn and prompts == [""]


def _login_process(*args: str, stdin: int = subprocess.PIPE, **env: str) -> subprocess.Popen:
    """`music-minion auth login ARGS` in its own process, on a machine without a display."""
    environ = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    return subprocess.Popen(
        [sys.executable, "-m", "music_minion", "auth", "login", *args],
        env={**environ, "PYTHONUNBUFFERED": "1", **env},
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_no_browser_with_empty_stdin_says_nothing_was_pasted(emulator, mm):
    proc = _login_process("--no-browser", stdin=subprocess.DEVNULL)  # as with < /dev/null
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert err.strip().splitlines()[-1].startswith("error: no address was pasted — ")
    assert "interrupted" not in err and emulator.auth_base + "/authorize?" in err
    assert mm("auth", "status", "--json").json()["logged_in"] is False


def test_headless_login_pastes_at_once_instead_of_waiting(emulator, mm):
    """No display and a $BROWSER that fails: the URL to paste from is printed at once (not after
    soundcloud.login_timeout_s, 300 s by default) and the pasted address logs in."""
    import json
    import re
    import time
    import urllib.error

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    started = time.monotonic()
    proc = _login_process("--json", BROWSER="false %s")
    try:
        assert proc.stderr is not None and proc.stdin is not None
        shown = ""
        while not (found := re.search(r"(http://\S+/authorize\?\S+)", shown)):
            shown += proc.stderr.readline()
        waited = time.monotonic() - started
        url = found.group(1)
        try:
            urllib.request.build_opener(NoRedirect).open(url, timeout=10)
            raise AssertionError("authorize did not redirect")
        except urllib.error.HTTPError as e:
            proc.stdin.write(e.headers["Location"] + "\n")
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert waited < 10, f"the paste prompt came after {waited:.1f} s"
    assert "No browser could be opened here" in shown
    assert json.loads(out)["user_urn"] == emulator.user_urn  # stdout holds the JSON only
    assert mm("auth", "status", "--json").json()["logged_in"] is True
    assert_no_secrets(emulator, out, err)
