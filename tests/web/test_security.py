"""The review page's security, attack by attack: loopback only, the key traded for an HttpOnly
cookie, no cookie no answer, a foreign Host (DNS rebinding) refused, a state change without this
origin (CSRF) refused, and no token, key or stream signature in the page, its answers (HLS
playlists and segments included) or logs."""

from __future__ import annotations

import logging
import socket
from urllib.parse import quote

from music_minion.emulator import audio
from tests.emulator.helpers import http
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
    paths = ("/", "/static/app.js", "/static/vendor/hls.light.min.js", "/api/queue")
    for path in (*paths, f"/api/play/{urn}", f"/api/audio/{urn}", f"/api/track/{urn}"):
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
    for path in ("/static/vendor/README.md", "/static/vendor/LICENSE", "/static/index.html"):
        assert request(port, path, cookie=cookie).status == 404, path


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
    assert sound.status == 200 and sound.headers["content-type"] == "audio/mpeg"
    secrets = [
        key,
        synced.user_token()["access_token"],
        synced.client_secret,
        audio.sign(synced.client_secret, f"{track_id}.mp3"),
    ]
    for secret in secrets:
        for a in answers:
            assert secret.encode() not in a.body
            assert all(secret not in v for v in a.headers.values())
        assert all(secret not in v for v in sound.headers.values())
        assert secret not in caplog.text


def _upstream_parts(emu, urn: str) -> list[bytes]:
    """The track's HLS segments as the emulator serves them (with the token and signatures)."""
    token = emu.user_token()["access_token"]
    url = http(f"{emu.api_base}/tracks/{urn}/streams", token=token).json()["hls_mp3_128_url"]
    listing = http(http(url, token=token).headers["Location"]).body.decode()
    return [http(u).body for u in listing.splitlines() if u and not u.startswith("#")]


def test_hls_is_proxied_without_token_or_signature(page_server, synced, caplog):
    caplog.set_level(logging.DEBUG)
    port = page_server.port
    cookie = sign_in(page_server.url)
    tracks = synced.world.tracks
    queue = [t["urn"] for t in request(port, "/api/queue", cookie=cookie).json()["tracks"]]
    urn = next(u for u in queue if tracks[u].access == "playable")
    synced.call(setattr, tracks[urn], "hls_only", True)
    how = request(port, f"/api/play/{urn}", cookie=cookie)
    src = f"/api/hls/{quote(urn, safe='')}/index.m3u8"
    assert how.json() == {"player": "hls", "src": src, "kind": "full"}
    listing = request(port, src, cookie=cookie)
    assert listing.headers["content-type"] == "application/vnd.apple.mpegurl"
    lines = listing.body.decode().splitlines()
    uris = [x for x in lines if not x.startswith("#")]
    assert uris == [f"/api/hls/{quote(urn, safe='')}/{n}" for n in range(len(uris))]
    parts = [request(port, u, cookie=cookie) for u in uris]
    assert all(p.status == 200 and p.headers["content-type"] == "audio/mpeg" for p in parts)
    assert [p.body for p in parts] == _upstream_parts(synced, urn)
    secrets = [synced.user_token()["access_token"], synced.client_secret, "signature"]
    secrets.append(synced.api_base.split("//", 1)[1])  # not even the CDN's address
    for secret in secrets:
        for a in (how, listing, *parts):
            assert secret.encode() not in a.body
            assert all(secret not in v for v in a.headers.values())
        assert secret not in caplog.text
    assert request(port, uris[0]).status == 403  # the cookie guards the parts too
    assert request(port, uris[0], cookie="mm_review=forged").status == 403
    for bad in (len(uris), "x", "-1"):
        assert request(port, f"/api/hls/{quote(urn, safe='')}/{bad}", cookie=cookie).status == 404
    progressive = next(u for u in queue if tracks[u].access == "playable" and u != urn)
    assert request(port, f"/api/hls/{progressive}/index.m3u8", cookie=cookie).status == 404
    assert request(port, f"/api/audio/{urn}", cookie=cookie).status == 404


def test_the_content_security_policy_keeps_scripts_to_this_origin(page_server):
    port = page_server.port
    cookie = sign_in(page_server.url)
    for path in ("/", "/static/vendor/hls.light.min.js", "/api/queue"):
        policy = request(port, path, cookie=cookie).headers["content-security-policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'self'" and "script-src" not in directives
        assert directives["media-src"] == "'self' blob:"  # hls.js: a MediaSource object URL
        assert directives["frame-src"] == "https://w.soundcloud.com"
        assert directives["frame-ancestors"] == "'none'"
