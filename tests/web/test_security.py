"""The review page's security, attack by attack: loopback only, the key traded for an HttpOnly
cookie, no cookie no answer, a foreign Host (DNS rebinding) refused, a state change without this
origin (CSRF) refused, and no token, key or stream signature in the page, its answers or logs."""

from __future__ import annotations

import logging
import socket

from music_minion.emulator import audio
from tests.web.helpers import manual_verdicts, request, sign_in


def _first_urn(port: int, cookie: str) -> str:
    return request(port, "/api/queue", cookie=cookie).json()["tracks"][0]["urn"]


def test_binds_loopback_only(page_server):
    assert page_server.url.startswith(f"http://127.0.0.1:{page_server.port}/?key=")
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing address
        outside = probe.getsockname()[0]
    except OSError:
        outside = None
    finally:
        probe.close()
    if outside and not outside.startswith("127."):
        with socket.socket() as s:
            s.settimeout(2)
            assert s.connect_ex((outside, page_server.port)) != 0


def test_the_key_is_traded_for_an_httponly_cookie(page_server):
    port = page_server.port
    key = page_server.url.split("key=", 1)[1]
    r = request(port, f"/?key={key}")
    assert r.status == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert request(port, "/?key=wrong-key").status == 403


def test_every_request_without_the_cookie_is_refused(page_server):
    port = page_server.port
    cookie = sign_in(page_server.url)
    urn = _first_urn(port, cookie)
    for path in ("/", "/static/app.js", "/api/queue", f"/api/audio/{urn}", f"/api/track/{urn}"):
        assert request(port, path).status == 403, path
        assert request(port, path, cookie="mm_review=forged").status == 403, path
        assert request(port, path, cookie=cookie).status == 200, path


def test_a_foreign_host_is_refused_even_with_the_cookie(page_server):
    port = page_server.port
    cookie = sign_in(page_server.url)
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port + 1}", "127.0.0.1"):
        assert request(port, "/api/queue", host=host, cookie=cookie).status == 421, host
    assert request(port, "/api/queue", host=f"localhost:{port}", cookie=cookie).status == 200


def test_state_changes_need_this_origin(page_server, mm):
    port = page_server.port
    cookie = sign_in(page_server.url)
    urn = _first_urn(port, cookie)
    body = {"urn": urn, "verdict": "liked"}
    for origin in (None, "http://evil.example", f"http://127.0.0.1:{port + 1}", "null"):
        r = request(port, "/api/verdict", "POST", cookie=cookie, origin=origin, body=body)
        assert r.status == 403, origin
        r = request(port, "/api/listen", "POST", cookie=cookie, origin=origin, body={"urn": urn})
        assert r.status == 403, origin
    assert manual_verdicts(mm) == {}
    ok = request(
        port, "/api/verdict", "POST", cookie=cookie, origin=f"http://127.0.0.1:{port}", body=body
    )
    assert ok.status == 200
    assert manual_verdicts(mm) == {urn: "liked"}


def test_bad_input_is_refused(page_server):
    port = page_server.port
    cookie, origin = sign_in(page_server.url), f"http://127.0.0.1:{port}"
    urn = _first_urn(port, cookie)
    post = {"cookie": cookie, "origin": origin}
    assert (
        request(port, "/api/verdict", "POST", **post, body={"urn": urn, "verdict": "x"}).status
        == 400
    )
    assert request(port, "/api/verdict", "POST", **post, body=["no"]).status == 400
    assert request(port, "/api/verdict", "POST", **post, body={"urn": "../etc"}).status == 400
    unknown = {"urn": "soundcloud:tracks:999999999", "verdict": "liked"}
    assert request(port, "/api/verdict", "POST", **post, body=unknown).status == 404
    assert (
        request(port, "/api/listen", "POST", **post, body={"urn": urn, "seconds": "x"}).status
        == 400
    )
    assert (
        request(port, "/api/listen", "POST", **post, body={"urn": urn, "seconds": -1}).status == 400
    )
    assert request(port, "/static/..%2Fapp.py", cookie=cookie).status == 404


def test_no_token_key_or_signature_in_page_answers_or_logs(page_server, synced, caplog):
    caplog.set_level(logging.DEBUG)
    port = page_server.port
    key = page_server.url.split("key=", 1)[1]
    cookie = sign_in(page_server.url)
    queue = request(port, "/api/queue", cookie=cookie)
    urn = queue.json()["tracks"][0]["urn"]
    track_id = int(urn.rsplit(":", 1)[1])
    answers = [
        queue,
        request(port, "/", cookie=cookie),
        request(port, "/static/app.js", cookie=cookie),
        request(port, f"/api/track/{urn}", cookie=cookie),
        request(port, "/api/version", cookie=cookie),
    ]
    sound = request(port, f"/api/audio/{urn}", cookie=cookie)
    assert sound.status == 200 and sound.headers["content-type"] == "audio/wav"
    secrets = [
        key,
        synced.user_token()["access_token"],
        synced.client_secret,
        audio.sign(synced.client_secret, f"{track_id}.wav"),
    ]
    for secret in secrets:
        for a in answers:
            assert secret.encode() not in a.body
            assert all(secret not in v for v in a.headers.values())
        assert all(secret not in v for v in sound.headers.values())
        assert secret not in caplog.text
