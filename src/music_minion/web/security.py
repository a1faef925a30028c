"""Who may use the review page: only this run's browser, on this machine.

A random secret per run is printed in the URL (`/?key=…`); the first visit trades it for an
HttpOnly, SameSite=Strict cookie and is redirected to a URL without it. Every other request needs
the cookie. The `Host` header must name the loopback address and this port (a DNS-rebinding page
cannot), and a request that changes anything must carry this origin in `Origin` (a cross-site
form or fetch cannot).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

COOKIE = "mm_review"
# `blob:` media: hls.js plays through a MediaSource object URL (its worker is off: no blob scripts).
CSP = (
    "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
    "frame-src https://w.soundcloud.com; frame-ancestors 'none'"
)
SAFE_METHODS = frozenset({"GET", "HEAD"})
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Guard:
    """The checks of one running page (`port` is known once the socket is bound)."""

    def __init__(self, secret: str, port: int = 0) -> None:
        self.secret = secret
        self.port = port

    def hosts(self) -> frozenset[str]:
        return frozenset({f"127.0.0.1:{self.port}", f"localhost:{self.port}"})

    def origins(self) -> frozenset[str]:
        return frozenset(f"http://{h}" for h in self.hosts())

    def url(self) -> str:
        """The URL to open (it carries the secret: print it, never log it)."""
        return f"http://127.0.0.1:{self.port}/?key={self.secret}"

    def _has_cookie(self, request: web.Request) -> bool:
        return hmac.compare_digest(request.cookies.get(COOKIE, ""), self.secret)

    def refusal(self, request: web.Request) -> web.Response | None:
        """Why this request is refused (a response), or None when it may go on."""
        if request.host not in self.hosts():
            return _refuse(421, "wrong host")
        if (
            request.method not in SAFE_METHODS
            and request.headers.get("Origin") not in self.origins()
        ):
            return _refuse(403, "cross-origin request refused")
        if request.path == "/" and "key" in request.query:
            if not hmac.compare_digest(request.query["key"], self.secret):
                return _refuse(403, "wrong key: open the URL music-minion review printed")
            return None
        if not self._has_cookie(request):
            return _refuse(403, "not signed in: open the URL music-minion review printed")
        return None

    def middleware(self) -> Middleware:
        @web.middleware
        async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
            refused = self.refusal(request)
            if refused is not None:
                return refused
            if request.path == "/" and "key" in request.query:
                return self.sign_in()
            response = await handler(request)
            response.headers.setdefault("Cache-Control", "no-store")
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["Content-Security-Policy"] = CSP
            return response

        return guard

    def sign_in(self) -> web.Response:
        """Trade the key for the cookie, and drop the key from the address bar."""
        response = web.Response(status=303, headers={"Location": "/"})
        response.set_cookie(COOKIE, self.secret, httponly=True, samesite="Strict", path="/")
        return response


def _refuse(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)
