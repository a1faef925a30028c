"""Which access token a request carries, and keeping it fresh.

User tokens are refreshed 5 minutes before expiry (or after a 401). The refresh token is single-use,
so rotation happens under a cross-process file lock; inside it the store is re-read (another process
may have rotated already) and the new pair is persisted before the new access token is used.
The client-credentials ("app") token is cached in memory and on disk until it expires.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Literal

from music_minion.soundcloud import oauth
from music_minion.soundcloud.errors import NotLoggedIn
from music_minion.soundcloud.tokens import Token, TokenStore

if TYPE_CHECKING:
    import aiohttp
    from filelock import BaseFileLock

    from music_minion.soundcloud.retry import RetryPolicy
    from music_minion.soundcloud.stats import ClientStats

REFRESH_MARGIN_S = 300.0
AuthMode = Literal["user", "app", "auto"]


class TokenProvider:
    """Hands out a valid access token for the chosen mode (user, app, or auto)."""

    def __init__(
        self,
        app: oauth.AppSettings,
        store: TokenStore,
        http: aiohttp.ClientSession,
        mode: AuthMode = "auto",
        policy: RetryPolicy | None = None,
        lock_timeout_s: float = 60.0,
        stats: ClientStats | None = None,
    ) -> None:
        self.app = app
        self.store = store
        self.http = http
        self.policy = policy
        self.lock_timeout_s = lock_timeout_s
        self._lock = asyncio.Lock()
        if mode == "auto":
            mode = "user" if store.load("user") is not None else "app"
        self.kind: Literal["user", "app"] = "user" if mode == "user" else "app"
        self.refreshes = 0
        self.stats = stats  # a ClientStats whose `refreshes` counts user-token rotations

    async def token(self) -> str:
        """A valid access token (hot path: a cached read, no I/O)."""
        tok = self.store.load(self.kind)
        if tok is not None and not tok.expires_within(REFRESH_MARGIN_S):
            return tok.access_token
        return (await self.renew(tok.access_token if tok else None)).access_token

    async def renew(self, stale: str | None) -> Token:
        """Replace `stale` (expiring, or refused with 401) unless someone already did."""
        async with self._lock:
            tok = self.store.load(self.kind)
            if tok is not None and _fresh(tok, stale):
                return tok
            async with _file_lock(self.store, self.lock_timeout_s):
                tok = self.store.load(self.kind, fresh=True)
                if tok is not None and _fresh(tok, stale):
                    return tok
                if self.kind == "app":
                    body = await oauth.client_credentials(self.http, self.app, self.policy)
                    new = Token.from_response(body)
                else:
                    if tok is None or not tok.refresh_token:
                        raise NotLoggedIn()
                    body = await oauth.refresh(self.http, self.app, tok.refresh_token, self.policy)
                    new = Token.from_response(body, user_urn=tok.user_urn, username=tok.username)
                    if new.refresh_token is None:
                        new.refresh_token = tok.refresh_token
                    self.refreshes += 1
                    if self.stats is not None:
                        self.stats.refreshes += 1
                self.store.save(new, self.kind)  # persisted before anyone uses it
                return new


def _fresh(tok: Token, stale: str | None) -> bool:
    return tok.access_token != stale and not tok.expires_within(REFRESH_MARGIN_S)


class _file_lock:
    """Async wrapper over the store's FileLock, polling so the event loop never blocks."""

    def __init__(self, store: TokenStore, timeout_s: float) -> None:
        self.lock: BaseFileLock = store.lock(timeout_s)
        self.timeout_s = timeout_s

    async def __aenter__(self) -> None:
        from filelock import Timeout

        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                self.lock.acquire(timeout=0)
                return
            except Timeout:
                if time.monotonic() > deadline:
                    raise TimeoutError("another process holds the token lock") from None
                await asyncio.sleep(0.02)

    async def __aexit__(self, *exc: object) -> None:
        self.lock.release()
