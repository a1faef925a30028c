"""The OAuth 2.1 side of the emulator: /authorize, /oauth/token, /sign-out and token checks.

One registered app (client id, secret and redirect URI derived from the seed) and one resource
owner, the world's "me" user. Codes are single-use and short-lived, PKCE (S256) is mandatory,
refresh tokens are single-use and rotated, client-credentials tokens are capped per window.
"""

from __future__ import annotations

import base64
import hashlib
import html
import logging
import secrets
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from music_minion.emulator.errors import rate_limited, status_text
from music_minion.emulator.pkce import verifies

log = logging.getLogger(__name__)
AUTH_LINK = "https://developers.soundcloud.com/docs/api/guide#authentication"
CLIENT_SECRET_PREFIX = "emu-secret-"
ACCESS_PREFIX = "emu-at-"
REFRESH_PREFIX = "emu-rt-"
CODE_PREFIX = "emu-code-"


def credentials_for_seed(seed: int) -> tuple[str, str]:
    """(client_id, client_secret) of the demo app, derived from the seed."""
    digest = hashlib.sha256(f"music-minion-emulator:{seed}".encode()).hexdigest()
    return f"emu-client-{digest[:16]}", f"{CLIENT_SECRET_PREFIX}{digest[16:48]}"


def _token(prefix: str) -> str:
    # Variable length, like SoundCloud's JWT access tokens.
    return prefix + secrets.token_urlsafe(24 + secrets.randbelow(24))


def oauth_error(status: int, error: str, description: str) -> web.Response:
    """SoundCloud's current token error body: the OAuth code in `message` and `error_code`, `error`
    null (as the real endpoint answers); `description` is for the emulator's log only."""
    log.debug("token endpoint refused: %s (%s)", error, description)
    body = {
        "code": status,
        "message": error,
        "link": AUTH_LINK,
        "status": status_text(status),
        "errors": [{"error_message": error}],
        "error": None,
        "error_code": error,
    }
    return web.json_response(
        body, status=status, content_type="application/json", headers={"Cache-Control": "no-store"}
    )


@dataclass
class AccessToken:
    kind: str  # "user" or "client"
    user_urn: str | None
    expires_at: float


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    user_urn: str
    expires_at: float


class OAuthServer:
    """Token state and the auth host's handlers."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        user_urn: str,
        auto_approve: bool = True,
        token_ttl_s: float = 3599,
        code_ttl_s: float = 60,
        cc_cap: int = 50,
        cc_window_s: float = 12 * 3600,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.user_urn = user_urn
        self.auto_approve = auto_approve
        self.token_ttl_s = token_ttl_s
        self.code_ttl_s = code_ttl_s
        self.cc_cap = cc_cap
        self.cc_window_s = cc_window_s
        self.codes: dict[str, Grant] = {}
        self.access: dict[str, AccessToken] = {}
        self.refresh: dict[str, str | None] = {}  # live refresh token -> user urn
        self.spent_refresh: set[str] = set()
        self.cc_issued: deque[float] = deque()
        self.counts = {
            "codes": 0,
            "user_tokens": 0,
            "refreshes": 0,
            "client_tokens": 0,
            "sign_outs": 0,
        }

    # ---- checks used by the API ----------------------------------------------------------
    def check(self, authorization: str | None) -> AccessToken | str:
        """The token of an `Authorization` header, or the reason it is refused."""
        if not authorization:
            return "missing Authorization header"
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() not in ("oauth", "bearer") or not token.strip():
            return "Authorization must be 'OAuth <token>'"
        info = self.access.get(token.strip())
        if info is None:
            return "invalid or revoked access token"
        if info.expires_at <= time.time():
            return "expired access token"
        return info

    def expire_all(self) -> int:
        """Make every access token expired now (refresh tokens stay valid)."""
        for info in self.access.values():
            info.expires_at = 0.0
        return len(self.access)

    # ---- issuing -------------------------------------------------------------------------
    def issue_user_tokens(self, user_urn: str | None = None) -> dict[str, Any]:
        access, refresh = _token(ACCESS_PREFIX), _token(REFRESH_PREFIX)
        self.access[access] = AccessToken(
            "user", user_urn or self.user_urn, time.time() + self.token_ttl_s
        )
        self.refresh[refresh] = user_urn or self.user_urn
        self.counts["user_tokens"] += 1
        return {
            "access_token": access,
            "token_type": "bearer",
            "expires_in": int(self.token_ttl_s),
            "refresh_token": refresh,
            "scope": "",
        }

    def issue_code(self, redirect_uri: str, challenge: str) -> str:
        code = _token(CODE_PREFIX)
        self.codes[code] = Grant(
            self.client_id, redirect_uri, challenge, self.user_urn, time.time() + self.code_ttl_s
        )
        self.counts["codes"] += 1
        return code

    # ---- /authorize ----------------------------------------------------------------------
    async def authorize(self, request: web.Request) -> web.Response:
        # Form values may be files (multipart): read as Any, like the query string's strings.
        q: Mapping[str, Any] = request.query if request.method == "GET" else await request.post()
        client_id, redirect_uri, state = (
            q.get("client_id", ""),
            q.get("redirect_uri", ""),
            q.get("state"),
        )
        if client_id != self.client_id:
            return _page(400, "Unknown client", "This app's client_id is not registered.")
        if redirect_uri != self.redirect_uri:
            return _page(
                400,
                "Bad redirect_uri",
                "The redirect_uri does not match the one registered for this app.",
            )

        def back(**params: str) -> web.Response:
            if state is not None:
                params["state"] = state
            sep = "&" if "?" in redirect_uri else "?"
            return web.Response(
                status=302, headers={"Location": f"{redirect_uri}{sep}{urlencode(params)}"}
            )

        if q.get("response_type") != "code":
            return back(
                error="unsupported_response_type", error_description="response_type must be code"
            )
        challenge = q.get("code_challenge", "")
        if q.get("code_challenge_method") != "S256" or not (43 <= len(challenge) <= 128):
            return back(
                error="invalid_request",
                error_description="PKCE with code_challenge_method=S256 is required",
            )
        if request.method == "POST":
            if q.get("decision") != "approve":
                return back(error="access_denied", error_description="the user denied access")
            return back(code=self.issue_code(redirect_uri, challenge))
        if self.auto_approve:
            return back(code=self.issue_code(redirect_uri, challenge))
        return _approval_page(q)

    # ---- /oauth/token --------------------------------------------------------------------
    async def token(self, request: web.Request) -> web.Response:
        form = await request.post()
        grant = form.get("grant_type", "")
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        basic = _basic(request.headers.get("Authorization"))
        if basic:
            client_id, client_secret = basic
        if grant == "client_credentials":
            if not basic:
                return oauth_error(
                    401,
                    "invalid_client",
                    "client_credentials needs HTTP Basic client authentication",
                )
        if client_id != self.client_id or client_secret != self.client_secret:
            return oauth_error(401, "invalid_client", "unknown client or wrong client secret")
        if grant == "authorization_code":
            return self._code_grant(form)
        if grant == "refresh_token":
            return self._refresh_grant(form)
        if grant == "client_credentials":
            return self._client_grant()
        return oauth_error(
            400,
            "unsupported_grant_type",
            "grant_type must be authorization_code, refresh_token or client_credentials",
        )

    def _code_grant(self, form: Mapping[str, Any]) -> web.Response:
        code, verifier = form.get("code", ""), form.get("code_verifier", "")
        g = self.codes.pop(code, None)  # single use: gone even when the rest is wrong
        if g is None or g.expires_at <= time.time():
            return oauth_error(400, "invalid_grant", "unknown, used or expired authorization code")
        if form.get("redirect_uri") != g.redirect_uri:
            return oauth_error(
                400, "invalid_grant", "redirect_uri differs from the authorization request"
            )
        if not verifies(verifier, g.challenge):
            return oauth_error(
                400, "invalid_grant", "code_verifier does not match the code_challenge"
            )
        return web.json_response(
            self.issue_user_tokens(g.user_urn), headers={"Cache-Control": "no-store"}
        )

    def _refresh_grant(self, form: Mapping[str, Any]) -> web.Response:
        old = form.get("refresh_token", "")
        if old in self.spent_refresh:
            return oauth_error(400, "invalid_grant", "refresh token already used")
        if old not in self.refresh:
            return oauth_error(400, "invalid_grant", "unknown refresh token")
        user = self.refresh.pop(old)
        self.spent_refresh.add(old)
        self.counts["refreshes"] += 1
        return web.json_response(
            self.issue_user_tokens(user), headers={"Cache-Control": "no-store"}
        )

    def _client_grant(self) -> web.Response:
        now = time.time()
        while self.cc_issued and self.cc_issued[0] <= now - self.cc_window_s:
            self.cc_issued.popleft()
        if len(self.cc_issued) >= self.cc_cap:
            return rate_limited(
                self.cc_issued[0] + self.cc_window_s - now,
                group="client_credentials",
                max_requests=self.cc_cap,
                window="PT12H",
                retry_after=False,
            )
        self.cc_issued.append(now)
        access = _token(ACCESS_PREFIX)
        self.access[access] = AccessToken("client", None, now + self.token_ttl_s)
        self.counts["client_tokens"] += 1
        return web.json_response(
            {
                "access_token": access,
                "token_type": "bearer",
                "expires_in": int(self.token_ttl_s),
                "scope": "",
            },
            headers={"Cache-Control": "no-store"},
        )

    # ---- /sign-out -----------------------------------------------------------------------
    async def sign_out(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = {}
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            return oauth_error(400, "invalid_request", 'JSON body {"access_token": ...} required')
        self.access.pop(token, None)
        self.counts["sign_outs"] += 1
        return web.json_response({}, status=200)


def _basic(header: str | None) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        raw = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    user, sep, password = raw.partition(":")
    return (user, password) if sep else None


def _approval_page(q: Mapping[str, Any]) -> web.Response:
    """The page where the user approves or denies the app (the request's fields carried along)."""
    fields = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in q.items()
        if k
        in (
            "client_id",
            "redirect_uri",
            "response_type",
            "code_challenge",
            "code_challenge_method",
            "state",
        )
    )
    body = (
        f"<p>Music Minion wants to access your SoundCloud account.</p>"
        f'<form method="post" action="/authorize">{fields}'
        f'<button name="decision" value="approve">Connect</button> '
        f'<button name="decision" value="deny">Cancel</button></form>'
    )
    return _page(200, "Connect to SoundCloud", body, raw=True)


def _page(status: int, title: str, body: str, raw: bool = False) -> web.Response:
    content = body if raw else f"<p>{html.escape(body)}</p>"
    text = f"<!doctype html><html><head><title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>{content}</body></html>"
    return web.Response(status=status, text=text, content_type="text/html")
