"""`login()` against the emulator: loopback callback, paste mode, and every way it can go wrong."""

from __future__ import annotations

import os
import re
import socket
import stat
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import aiohttp
import pytest

from music_minion import config
from music_minion.cli.errors import line as error_line
from music_minion.soundcloud.errors import LoginFailed, Misconfigured
from music_minion.soundcloud.login import login
from music_minion.soundcloud.oauth import AppSettings
from music_minion.soundcloud.tokens import TokenStore
from tests.helpers import browser_stand_in
from tests.soundcloud.helpers import assert_no_secrets, run, set_keys


async def redirect_of(url: str) -> str:
    """What the authorize page redirects to (without following it)."""
    async with aiohttp.ClientSession() as http, http.get(url, allow_redirects=False) as resp:
        assert resp.status == 302
        return resp.headers["Location"]


def store() -> TokenStore:
    cfg = config.load()
    return TokenStore(cfg.data_dir, AppSettings.from_config(cfg).namespace)


def test_loopback_login_stores_tokens_in_a_private_file(emulator):
    me = run(login(config.load(), browser=browser_stand_in, timeout_s=10))
    assert me.urn == emulator.user_urn
    tok = store().load("user")
    assert tok.user_urn == emulator.user_urn and tok.username == me.username
    assert (
        tok.access_token in emulator.emulator.oauth.access
        and tok.refresh_token in emulator.emulator.oauth.refresh
    )
    assert stat.S_IMODE(store().path.stat().st_mode) == 0o600
    port = urlsplit(emulator.redirect_uri).port
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass  # the one-shot callback server is gone


def test_paste_mode(emulator):
    me = run(login(config.load(), paste=True, read_redirect=redirect_of, timeout_s=10))
    assert me.urn == emulator.user_urn and store().load("user") is not None


def test_paste_mode_refuses_an_address_that_is_not_the_redirect_uri(emulator):
    async def wrong(url: str) -> str:
        return "https://example.com/callback?code=x&state=y"

    with pytest.raises(LoginFailed, match="does not start with the configured redirect URI"):
        run(login(config.load(), paste=True, read_redirect=wrong, timeout_s=10))
    assert store().load("user") is None


def test_denied_consent(start):
    with start(auto_approve=False) as emu:

        async def deny(url: str) -> None:
            async with aiohttp.ClientSession() as http:
                async with http.get(url) as resp:
                    page = await resp.text()
                fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page))
                fields["decision"] = "deny"
                async with http.post(f"{emu.auth_base}/authorize", data=fields) as resp:
                    await resp.read()

        with pytest.raises(LoginFailed, match="declined"):
            run(login(config.load(), browser=deny, timeout_s=10))
        assert emu.stats()["oauth"]["user_tokens"] == 0


def test_state_mismatch(emulator):
    async def tampered(url: str) -> None:
        loc = urlsplit(await redirect_of(url))
        query = urlencode([(k, "forged" if k == "state" else v) for k, v in parse_qsl(loc.query)])
        async with (
            aiohttp.ClientSession() as http,
            http.get(urlunsplit(loc._replace(query=query))) as resp,
        ):
            await resp.read()

    with pytest.raises(LoginFailed, match="state mismatch"):
        run(login(config.load(), browser=tampered, timeout_s=10))
    assert emulator.stats()["oauth"]["user_tokens"] == 0


def test_port_in_use(emulator):
    port = urlsplit(emulator.redirect_uri).port
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))
        s.listen(1)
        with pytest.raises(LoginFailed, match=f"port {port} .* in use"):
            run(login(config.load(), browser=browser_stand_in, timeout_s=10))


def test_wrong_client_secret(emulator):
    set_keys(soundcloud_client_secret="not-the-secret-0123456789")
    with pytest.raises(Misconfigured) as e:
        run(login(config.load(), browser=browser_stand_in, timeout_s=10))
    assert "client id or secret" in error_line(e.value)
    assert "not-the-secret" not in error_line(e.value)
    assert_no_secrets(emulator, error_line(e.value), repr(e.value))


def test_redirect_uri_not_registered(emulator):
    port = urlsplit(emulator.redirect_uri).port
    set_keys(
        soundcloud_redirect_uri=f"http://127.0.0.1:{port + 1 if port < 65535 else port - 1}/callback"
    )
    with pytest.raises(Misconfigured, match="refused the redirect URI"):
        run(login(config.load(), browser=browser_stand_in, timeout_s=10))


def test_redirect_uri_must_be_loopback_in_browser_mode(emulator):
    set_keys(soundcloud_redirect_uri="https://example.com/callback")
    with pytest.raises(Misconfigured, match="not a loopback address"):
        run(login(config.load(), browser=browser_stand_in, timeout_s=10))


def test_no_answer_times_out(emulator):
    opened: list[str] = []
    with pytest.raises(LoginFailed, match="no answer from the browser"):
        run(login(config.load(), browser=opened.append, timeout_s=0.3))
    assert opened and opened[0].startswith(emulator.auth_base + "/authorize?")


def test_unknown_client_id(emulator):
    set_keys(soundcloud_client_id="emu-client-unknown")
    with pytest.raises(Misconfigured, match="client id"):
        run(login(config.load(), browser=browser_stand_in, timeout_s=10))


def test_missing_credentials_are_user_errors(home):
    with pytest.raises(Misconfigured, match="client_id is not set"):
        run(login(config.load(), browser=browser_stand_in, timeout_s=1))


def _listeners(port: int) -> list[str]:
    """Local addresses (hex, as /proc shows them) of TCP sockets listening on `port`."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, _, hexport = local.partition(":")
            if state == "0A" and int(hexport, 16) == port:
                found.append(addr)
    return found


@pytest.mark.skipif(
    not os.path.exists("/proc/net/tcp"), reason="reads listening sockets from Linux's /proc"
)
def test_callback_listens_on_127_0_0_1_only(emulator):
    port = urlsplit(emulator.redirect_uri).port
    seen: list[list[str]] = []

    async def inspecting_browser(url: str) -> None:
        seen.append(_listeners(port))
        await browser_stand_in(url)

    run(login(config.load(), browser=inspecting_browser, timeout_s=10))
    assert seen == [["0100007F"]]  # 127.0.0.1, and nothing on other interfaces


def test_interrupted_login_releases_the_callback_port(emulator):
    """Ctrl-C cancels the waiting login: the callback server shuts down and nothing is stored."""
    import asyncio
    import threading

    opened = threading.Event()
    port = urlsplit(emulator.redirect_uri).port

    async def go() -> None:
        task = asyncio.ensure_future(
            login(config.load(), browser=lambda url: opened.set(), timeout_s=30)
        )
        while not opened.is_set():
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    run(go())
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))  # free again
    assert store().load("user") is None


@pytest.mark.parametrize("opener", ["returns False", "raises"])
def test_no_browser_switches_to_paste_mode_at_once(emulator, opener):
    """An opener that says no browser opened (webbrowser.open → False) or fails: the paste flow
    starts at once, long before the login timeout."""
    import time

    def no_browser(url: str) -> bool:
        if opener == "raises":
            raise OSError("no display")
        return False

    pasted: list[str] = []

    async def paste(url: str) -> str:
        pasted.append(url)
        return await redirect_of(url)

    started = time.monotonic()
    me = run(login(config.load(), browser=no_browser, read_redirect=paste, timeout_s=60))
    assert time.monotonic() - started < 10
    assert me.urn == emulator.user_urn and store().load("user") is not None
    assert len(pasted) == 1 and pasted[0].startswith(emulator.auth_base + "/authorize?")
    port = urlsplit(emulator.redirect_uri).port
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))  # the callback server is closed before the paste


def test_browser_answer_wins_over_a_late_false(emulator):
    """An opener that completes the login and only then reports False: the login stands."""

    async def opens_then_says_no(url: str) -> bool:
        await browser_stand_in(url)
        return False

    def no_paste(url: str) -> str:
        raise AssertionError("paste mode must not start")

    me = run(login(config.load(), browser=opens_then_says_no, read_redirect=no_paste, timeout_s=10))
    assert me.urn == emulator.user_urn


def test_paste_mode_with_nothing_pasted(emulator):
    with pytest.raises(LoginFailed, match="no address was pasted"):
        run(login(config.load(), paste=True, read_redirect=lambda url: "  \n", timeout_s=10))
    assert store().load("user") is None
