"""SoundCloud's OAuth 2.1 token endpoint: code exchange, refresh, client credentials, sign-out.

Every failure becomes a typed error: `Misconfigured` (wrong client id or secret), `LoginFailed` (a
refused code), `NotLoggedIn` (a refused refresh token) or an `ApiError`; none ever carries a token, a
code or the client secret. Retries follow the same `RetryPolicy` as the API calls.
"""

from __future__ import annotations

import base64
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from music_minion.soundcloud.errors import (
    ApiError,
    InvalidResponse,
    LoginFailed,
    Misconfigured,
    NotLoggedIn,
    Transient,
    Unreachable,
    api_error,
    error_message,
    oauth_error_code,
    rate_limit_reset_s,
)
from music_minion.soundcloud.retry import NO_RETRIES

if TYPE_CHECKING:
    import aiohttp

    from music_minion.soundcloud.retry import RetryPolicy
    from music_minion.soundcloud.settings import ConfigSource

log = logging.getLogger(__name__)
TOKEN_PATH = "/oauth/token"
SIGN_OUT_PATH = "/sign-out"


@dataclass(frozen=True)
class AppSettings:
    """The app's hosts and credentials from the config. repr never shows the secret."""

    api_base: str
    auth_base: str
    client_id: str
    client_secret: str
    redirect_uri: str
    timeout_s: float = 30.0

    def __repr__(self) -> str:
        return f"AppSettings(api_base={self.api_base!r}, auth_base={self.auth_base!r}, client_id={self.client_id!r})"

    @classmethod
    def from_config(cls, cfg: ConfigSource) -> AppSettings:
        app = cls(
            api_base=cfg.soundcloud.api_base.rstrip("/"),
            auth_base=cfg.soundcloud.auth_base.rstrip("/"),
            client_id=cfg.soundcloud.client_id,
            client_secret=cfg.soundcloud.client_secret,
            redirect_uri=cfg.soundcloud.redirect_uri,
            timeout_s=cfg.soundcloud.timeout_s,
        )
        if not app.client_id:
            raise Misconfigured(
                "soundcloud.client_id is not set",
                "register an app at soundcloud.com/you/apps, then `music-minion config set soundcloud.client_id ID`",
            )
        if not app.client_secret:
            raise Misconfigured(
                "soundcloud.client_secret is not set",
                "set it with `music-minion config set soundcloud.client_secret SECRET` or $SOUNDCLOUD_CLIENT_SECRET",
            )
        return app

    @property
    def namespace(self) -> str:
        """Where this app's tokens are kept apart from another app's (or the emulator's)."""
        import hashlib

        return hashlib.sha256(f"{self.auth_base}|{self.client_id}".encode()).hexdigest()[:16]


class InvalidGrant(Exception):
    """The token endpoint refused a code or refresh token (`invalid_grant`)."""


async def _post_token(
    http: aiohttp.ClientSession,
    app: AppSettings,
    form: dict[str, str],
    *,
    basic: bool = False,
    policy: RetryPolicy | None = None,
) -> dict[str, Any]:
    """POST the token endpoint (retrying as `policy` says; no policy, no retries)."""
    headers = {"Accept": "application/json"}
    if basic:
        pair = f"{app.client_id}:{app.client_secret}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    else:
        form = {**form, "client_id": app.client_id, "client_secret": app.client_secret}

    async def once() -> dict[str, Any] | ApiError:
        return await _token_attempt(http, app, form, headers)

    return await (policy or NO_RETRIES).run(once)


async def _token_attempt(
    http: aiohttp.ClientSession, app: AppSettings, form: dict[str, str], headers: dict[str, str]
) -> dict[str, Any] | ApiError:
    """One POST: the token response, or a typed error; OAuth refusals raise at once."""
    import aiohttp

    try:
        async with http.post(
            app.auth_base + TOKEN_PATH,
            data=form,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=app.timeout_s),
            allow_redirects=False,
        ) as resp:
            status, retry_after = resp.status, resp.headers.get("Retry-After")
            try:
                body = await resp.json(content_type=None)
            except ValueError:
                body = None
    except aiohttp.ClientConnectorError:  # never reached the server: not worth a long retry
        origin = app.auth_base.split("://", 1)[-1].split("/", 1)[0]
        return Unreachable(None, TOKEN_PATH, f"cannot connect to {origin}")
    except (TimeoutError, aiohttp.ClientError):
        origin = app.auth_base.split("://", 1)[-1].split("/", 1)[0]
        return Transient(None, TOKEN_PATH, f"no answer from {origin}")
    return token_answer(status, body, retry_after=retry_after)


def token_answer(
    status: int, body: Any, *, retry_after: str | None = None, now: float | None = None
) -> dict[str, Any] | ApiError:
    """The token endpoint's answer → the token response or a typed error; refusals raise at once.

    The OAuth error code is read from every shape SoundCloud used: `{"error": "invalid_grant"}`,
    and `{"error": null, "error_code": …, "message": "invalid_grant"}`.
    """
    if status == 200 and isinstance(body, dict) and isinstance(body.get("access_token"), str):
        return body
    error = oauth_error_code(body)
    if error == "invalid_grant":
        raise InvalidGrant(error_message(body, "invalid_grant"))
    if error in ("invalid_client", "unauthorized_client") or status == 401:
        raise Misconfigured(
            "SoundCloud refused this app's client id or secret",
            "check soundcloud.client_id and soundcloud.client_secret",
        )
    message = error_message(body, f"HTTP {status}")
    if status == 200:  # a success we cannot read
        return InvalidResponse(status, TOKEN_PATH, message)
    reset_s = None
    if status == 429:
        reset_s = rate_limit_reset_s(retry_after, body, time.time() if now is None else now)
    return api_error(status, TOKEN_PATH, message, reset_s=reset_s)


async def exchange_code(
    http: aiohttp.ClientSession, app: AppSettings, *, code: str, verifier: str, redirect_uri: str
) -> dict[str, Any]:
    """Authorization code + PKCE verifier → user token response."""
    form = {
        "grant_type": "authorization_code",
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
        "code": code,
    }
    try:
        return await _post_token(http, app, form)
    except InvalidGrant:
        raise LoginFailed(
            "SoundCloud refused to finish the login (its answer was too old or already used)",
            "run `music-minion auth login` again",
        ) from None


async def refresh(
    http: aiohttp.ClientSession,
    app: AppSettings,
    refresh_token: str,
    policy: RetryPolicy | None = None,
) -> dict[str, Any]:
    """Spend a (single-use) refresh token for a new token pair; invalid_grant → log in again."""
    try:
        return await _post_token(
            http,
            app,
            {"grant_type": "refresh_token", "refresh_token": refresh_token},
            policy=policy,
        )
    except InvalidGrant:
        raise NotLoggedIn("your SoundCloud session has expired or was revoked") from None


async def client_credentials(
    http: aiohttp.ClientSession, app: AppSettings, policy: RetryPolicy | None = None
) -> dict[str, Any]:
    """An app token for public reads (HTTP Basic client authentication)."""
    return await _post_token(
        http, app, {"grant_type": "client_credentials"}, basic=True, policy=policy
    )


async def sign_out(http: aiohttp.ClientSession, app: AppSettings, access_token: str) -> bool:
    """Revoke the access token remotely; False when the server could not be reached or refused."""
    import aiohttp

    try:
        async with http.post(
            app.auth_base + SIGN_OUT_PATH,
            json={"access_token": access_token},
            timeout=aiohttp.ClientTimeout(total=app.timeout_s),
        ) as resp:
            return resp.status < 300
    except (TimeoutError, aiohttp.ClientError):
        log.info("sign-out request failed; the stored tokens are deleted anyway")
        return False
