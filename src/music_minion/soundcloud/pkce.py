"""PKCE (RFC 7636, S256), `state`, and the authorization URL of SoundCloud's OAuth 2.1 flow."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

VERIFIER_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def make_verifier(n_bytes: int = 64) -> str:
    """A fresh code verifier: base64url of random bytes, 43..128 unreserved characters."""
    verifier = base64.urlsafe_b64encode(secrets.token_bytes(n_bytes)).decode("ascii").rstrip("=")
    return verifier[:128]


def challenge_s256(verifier: str) -> str:
    """BASE64URL(SHA256(ASCII(verifier))) without padding."""
    if not 43 <= len(verifier) <= 128 or not set(verifier) <= VERIFIER_CHARS:
        raise ValueError("a PKCE verifier is 43-128 characters of [A-Za-z0-9-._~]")
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def make_state() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class AuthRequest:
    """One authorization attempt: what goes to the browser and what stays here."""

    url: str
    state: str
    verifier: str
    redirect_uri: str


def authorization_request(auth_base: str, client_id: str, redirect_uri: str) -> AuthRequest:
    """Build the browser URL (PKCE S256 + state) for `GET {auth_base}/authorize`."""
    verifier, state = make_verifier(), make_state()
    query = urlencode(
        {
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "code_challenge": challenge_s256(verifier),
            "code_challenge_method": "S256",
            "state": state,
        }
    )
    return AuthRequest(f"{auth_base.rstrip('/')}/authorize?{query}", state, verifier, redirect_uri)
