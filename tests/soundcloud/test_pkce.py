from urllib.parse import parse_qs, urlsplit

import pytest

from music_minion.soundcloud.pkce import (
    VERIFIER_CHARS,
    authorization_request,
    challenge_s256,
    make_state,
    make_verifier,
)


def test_rfc7636_appendix_b_vector():
    assert (
        challenge_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


def test_verifiers_are_valid_and_fresh():
    seen = set()
    for _ in range(50):
        v = make_verifier()
        assert 43 <= len(v) <= 128 and set(v) <= VERIFIER_CHARS
        seen.add(v)
    assert len(seen) == 50
    assert make_state() != make_state()


@pytest.mark.parametrize("bad", ["short", "x" * 129, "a" * 42 + "+", "é" * 50])
def test_bad_verifier_refused(bad):
    with pytest.raises(ValueError):
        challenge_s256(bad)


def test_authorization_url_carries_pkce_and_state():
    req = authorization_request(
        "https://secure.soundcloud.com/", "cid", "http://127.0.0.1:8765/callback"
    )
    parts = urlsplit(req.url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "secure.soundcloud.com",
        "/authorize",
    )
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert q == {
        "client_id": "cid",
        "redirect_uri": "http://127.0.0.1:8765/callback",
        "response_type": "code",
        "code_challenge": challenge_s256(req.verifier),
        "code_challenge_method": "S256",
        "state": req.state,
    }
    assert req.verifier not in req.url
