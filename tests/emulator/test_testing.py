"""The test harness others build on: the `emulator` fixture, sandbox.configure(), the stand-in browser."""

from __future__ import annotations

import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

from music_minion.emulator.testing import SECRET_MARKERS, start_emulator
from music_minion.sandbox import configure
from tests.emulator.helpers import pkce_pair


def test_fixture_is_running_and_configured(emulator, home):
    from music_minion import config

    cfg = config.load()
    assert cfg.path.is_relative_to(home)
    assert cfg.soundcloud.api_base == emulator.api_base
    assert cfg.soundcloud.auth_base == emulator.auth_base
    assert cfg.soundcloud.client_id == emulator.client_id
    assert cfg.soundcloud.client_secret == emulator.client_secret
    assert cfg.soundcloud.redirect_uri == emulator.redirect_uri
    assert emulator.api_base != emulator.auth_base
    shown = dict(cfg.items())
    assert shown["soundcloud.client_secret"] == "***"
    assert emulator.client_secret.startswith(SECRET_MARKERS[0])
    assert emulator.stats()["total"] == 0


def test_configure_keeps_other_keys(home):
    from music_minion import config

    path = home / "config" / "config.toml"
    config.set_value("playlist.size", "42", path)
    with start_emulator(seed=2) as emu:
        configure(emu, home, fast=False)
        cfg = config.load(path)
        assert cfg.playlist.size == 42 and cfg.soundcloud.api_base == emu.api_base
        assert cfg.soundcloud.timeout_s == 30.0


def test_stand_in_browser_reaches_the_callback():
    from music_minion.emulator.browser import visit

    got: dict = {}

    class Callback(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            got.update(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"done")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Callback)
    threading.Thread(target=server.handle_request, daemon=True).start()
    try:
        with start_emulator(
            seed=2, redirect_uri=f"http://127.0.0.1:{server.server_port}/callback"
        ) as emu:
            _, challenge = pkce_pair()
            q = urllib.parse.urlencode(
                {
                    "client_id": emu.client_id,
                    "redirect_uri": emu.redirect_uri,
                    "response_type": "code",
                    "code_challenge": challenge,
                    "code_challenge_method": "S256",
                    "state": "st",
                }
            )
            assert visit(f"{emu.auth_base}/authorize?{q}", timeout_s=10) == 200
        assert got["state"] == ["st"] and got["code"][0].startswith("emu-code-")
    finally:
        server.server_close()
