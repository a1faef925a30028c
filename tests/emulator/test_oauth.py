"""OAuth 2.1 against the running emulator with a plain HTTP client."""

from __future__ import annotations

import base64
import time
import urllib.parse

import pytest

from music_minion.emulator.testing import start_emulator
from music_minion.soundcloud.pkce import challenge_s256
from tests.emulator.helpers import http, login, pkce_pair


def authorize(emu, **overrides):
    verifier, challenge = pkce_pair()
    params = {
        "client_id": emu.client_id,
        "redirect_uri": emu.redirect_uri,
        "response_type": "code",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": "xyz-state",
    }
    params.update(overrides)
    params = {k: v for k, v in params.items() if v is not None}
    r = http(f"{emu.auth_base}/authorize?{urllib.parse.urlencode(params)}")
    return r, verifier


def redirect_params(reply) -> dict:
    assert reply.status == 302
    return {
        k: v[0]
        for k, v in urllib.parse.parse_qs(
            urllib.parse.urlsplit(reply.headers["Location"]).query
        ).items()
    }


def exchange(emu, code, verifier, **overrides):
    form = {
        "grant_type": "authorization_code",
        "client_id": emu.client_id,
        "client_secret": emu.client_secret,
        "redirect_uri": emu.redirect_uri,
        "code_verifier": verifier,
        "code": code,
    }
    form.update(overrides)
    return http(
        f"{emu.auth_base}/oauth/token",
        "POST",
        form={k: v for k, v in form.items() if v is not None},
    )


def basic(emu, secret=None) -> dict:
    raw = f"{emu.client_id}:{secret or emu.client_secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def test_rfc7636_appendix_b_vector():
    from music_minion.emulator.pkce import s256

    assert (
        s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


def test_full_code_flow_then_api(emu):
    r, verifier = authorize(emu)
    params = redirect_params(r)
    assert params["state"] == "xyz-state"
    assert r.headers["Location"].startswith(emu.redirect_uri + "?")
    tok = exchange(emu, params["code"], verifier)
    assert tok.status == 200
    body = tok.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3599 and body["scope"] == ""
    assert body["access_token"] != body["refresh_token"]
    me = http(f"{emu.api_base}/me", token=body["access_token"])
    assert me.status == 200 and me.json()["urn"] == emu.user_urn
    assert http(f"{emu.api_base}/me", token=body["access_token"], scheme="Bearer").status == 200
    # the code is single-use
    again = exchange(emu, params["code"], verifier)
    assert again.status == 400 and again.json()["message"] == "invalid_grant"


@pytest.mark.parametrize(
    "field,value",
    [
        ("code_verifier", "x" * 50),
        ("redirect_uri", "http://127.0.0.1:1/cb"),
        ("client_secret", "wrong"),
        ("grant_type", "password"),
    ],
)
def test_code_exchange_refuses_mistakes(emu, field, value):
    r, verifier = authorize(emu)
    reply = exchange(emu, redirect_params(r)["code"], verifier, **{field: value})
    expected = {
        "client_secret": (401, "invalid_client"),
        "grant_type": (400, "unsupported_grant_type"),
    }
    status, message = expected.get(field, (400, "invalid_grant"))
    assert reply.status == status and reply.json()["message"] == message
    assert emu.client_secret not in reply.body.decode()


def test_authorize_validates_request(emu):
    r, _ = authorize(emu, client_id="nope")
    assert r.status == 400 and b"client_id" in r.body
    r, _ = authorize(emu, redirect_uri="http://evil.example/cb")
    assert r.status == 400
    r, _ = authorize(emu, code_challenge_method="plain")
    assert redirect_params(r)["error"] == "invalid_request"
    r, _ = authorize(emu, code_challenge=None)
    assert redirect_params(r)["error"] == "invalid_request"
    r, _ = authorize(emu, response_type="token")
    p = redirect_params(r)
    assert p["error"] == "unsupported_response_type" and p["state"] == "xyz-state"


def test_code_expires():
    with start_emulator(seed=1) as e:
        e.emulator.oauth.code_ttl_s = 0.2
        r, verifier = authorize(e)
        time.sleep(0.3)
        reply = exchange(e, redirect_params(r)["code"], verifier)
        assert reply.status == 400 and reply.json()["error_code"] == "invalid_grant"


def test_approval_page_without_auto_approve():
    with start_emulator(seed=1, auto_approve=False) as e:
        r, verifier = authorize(e)
        assert r.status == 200 and b"Connect" in r.body and b'name="code_challenge"' in r.body
        form = {
            "client_id": e.client_id,
            "redirect_uri": e.redirect_uri,
            "response_type": "code",
            "code_challenge": challenge_s256(verifier),
            "code_challenge_method": "S256",
            "state": "s1",
        }
        approved = http(f"{e.auth_base}/authorize", "POST", form={**form, "decision": "approve"})
        assert exchange(e, redirect_params(approved)["code"], verifier).status == 200
        denied = http(f"{e.auth_base}/authorize", "POST", form={**form, "decision": "deny"})
        assert redirect_params(denied) == {
            "error": "access_denied",
            "error_description": "the user denied access",
            "state": "s1",
        }


def test_refresh_rotates_and_rejects_reuse(emu):
    first = login(emu)
    form = {
        "grant_type": "refresh_token",
        "client_id": emu.client_id,
        "client_secret": emu.client_secret,
        "refresh_token": first["refresh_token"],
    }
    second = http(f"{emu.auth_base}/oauth/token", "POST", form=form)
    assert second.status == 200
    new = second.json()
    assert (
        new["refresh_token"] != first["refresh_token"]
        and new["access_token"] != first["access_token"]
    )
    reuse = http(f"{emu.auth_base}/oauth/token", "POST", form=form)
    assert reuse.status == 400 and reuse.json()["error_code"] == "invalid_grant"
    assert http(f"{emu.api_base}/me", token=new["access_token"]).status == 200
    third = http(
        f"{emu.auth_base}/oauth/token", "POST", form={**form, "refresh_token": new["refresh_token"]}
    )
    assert third.status == 200


def test_client_credentials_basic_cap_and_scope():
    with start_emulator(seed=1, cc_cap=2) as e:
        form = {"grant_type": "client_credentials"}
        assert (
            http(
                f"{e.auth_base}/oauth/token",
                "POST",
                form={**form, "client_id": e.client_id, "client_secret": e.client_secret},
            ).status
            == 401
        )
        assert (
            http(f"{e.auth_base}/oauth/token", "POST", form=form, headers=basic(e, "bad")).status
            == 401
        )
        t1 = http(f"{e.auth_base}/oauth/token", "POST", form=form, headers=basic(e))
        assert t1.status == 200 and "refresh_token" not in t1.json()
        cc = t1.json()["access_token"]
        assert http(f"{e.auth_base}/oauth/token", "POST", form=form, headers=basic(e)).status == 200
        capped = http(f"{e.auth_base}/oauth/token", "POST", form=form, headers=basic(e))
        assert (
            capped.status == 429
            and capped.json()["errors"][0]["meta"]["rate_limit"]["max_nr_of_requests"] == 2
        )
        # public reads work, user-only endpoints refuse with 403
        artist = e.world.artist_urns[0]
        assert http(f"{e.api_base}/users/{artist}", token=cc).status == 200
        for method, path in [
            ("GET", "/me"),
            ("GET", "/me/likes/tracks"),
            ("POST", f"/likes/tracks/{e.world.likes[artist][0]}"),
        ]:
            reply = http(f"{e.api_base}{path}", method, token=cc)
            assert reply.status == 403 and reply.json()["code"] == 403


def test_api_refuses_bad_tokens(emu, token):
    url = f"{emu.api_base}/me"
    assert http(url).status == 401
    assert http(url, token="emu-at-forged").json()["code"] == 401
    assert http(url, token=token, scheme="Token").status == 401
    assert http(f"{url}?oauth_token={token}").status == 401
    assert http(f"{url}?oauth_token={token}", token=token).status == 401
    assert http(url, token=token).status == 200


def test_tokens_expire_and_sign_out():
    with start_emulator(seed=1, token_ttl_s=0.3) as e:
        tok = login(e)
        assert tok["expires_in"] == 0
        assert http(f"{e.api_base}/me", token=tok["access_token"]).status == 200
        time.sleep(0.4)
        expired = http(f"{e.api_base}/me", token=tok["access_token"])
        assert expired.status == 401 and "expired" in expired.json()["message"]
    with start_emulator(seed=1) as e:
        tok = login(e)
        assert e.expire_tokens() == 1
        assert http(f"{e.api_base}/me", token=tok["access_token"]).status == 401
        tok = login(e)
        out = http(
            f"{e.auth_base}/sign-out", "POST", json_body={"access_token": tok["access_token"]}
        )
        assert out.status == 200
        assert http(f"{e.api_base}/me", token=tok["access_token"]).status == 401
        assert http(f"{e.auth_base}/sign-out", "POST", json_body={}).status == 400


def test_credentials_are_derived_from_seed_and_distinctive():
    from music_minion.emulator.oauth import credentials_for_seed

    assert credentials_for_seed(1) == credentials_for_seed(1) != credentials_for_seed(2)
    cid, secret = credentials_for_seed(1)
    assert secret.startswith("emu-secret-") and len(secret) > 30 and cid not in secret
