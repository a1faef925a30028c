"""The running emulator: two aiohttp sites on loopback (API host and auth host) over one world.

The middleware does, in order: stats, rate limit, fault draw, added latency, token check. Faults
are applied before a write handler runs (a faulted write never changes the world) and after a read
handler has built its answer (a faulted read serves wrong bytes, never a wrong world).

Private test endpoints on the API host (no token, no faults, not counted):
`GET /_emulator/stats`, `POST /_emulator/stats/reset`, `GET /_emulator/world`,
`GET /_emulator/users/{urn}/{likes|reposts|uploads}`, `GET|PUT /_emulator/faults` (`{"spec", "rate"}`),
`POST /_emulator/mutate` (`{"likes", "reposts", "uploads", "delete", "me_likes", "artists"}`),
`POST /_emulator/tokens/expire`.
"""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from typing import Any

import msgspec
from aiohttp import web

from music_minion.emulator import api as api_mod
from music_minion.emulator.errors import api_error, json_bytes, rate_limited
from music_minion.emulator.faults import FaultInjector, FaultSpec, TokenBucket
from music_minion.emulator.oauth import OAuthServer, credentials_for_seed
from music_minion.emulator.paging import BadParam, truthy
from music_minion.emulator.serialize import Serializer
from music_minion.emulator.world import World, generate

DEFAULT_REDIRECT_URI = "http://127.0.0.1:8765/callback"
PRIVATE = "/_emulator/"


class Emulator:
    """A SoundCloud stand-in: call `await start()` inside an event loop, `await stop()` to end."""

    def __init__(
        self,
        *,
        seed: int = 1,
        size: str = "tiny",
        faults: str | FaultSpec | None = None,
        rate: float | None = None,
        auto_approve: bool = True,
        redirect_uri: str | None = None,
        token_ttl_s: float = 3599,
        host: str = "127.0.0.1",
        port: int = 0,
        auth_port: int = 0,
        world: World | None = None,
        cc_cap: int = 50,
        **size_overrides: int,
    ) -> None:
        self.seed = seed
        self.world = world or generate(seed, size, **size_overrides)
        self.host, self.port, self.auth_port = host, port, auth_port
        self.client_id, self.client_secret = credentials_for_seed(seed)
        self.redirect_uri = redirect_uri or DEFAULT_REDIRECT_URI
        self.oauth = OAuthServer(
            client_id=self.client_id,
            client_secret=self.client_secret,
            redirect_uri=self.redirect_uri,
            user_urn=self.world.me_urn,
            auto_approve=auto_approve,
            token_ttl_s=token_ttl_s,
            cc_cap=cc_cap,
        )
        self.faults = FaultInjector(
            faults if isinstance(faults, FaultSpec) else FaultSpec.parse(faults)
        )
        self.bucket = TokenBucket(rate) if rate else None
        self.counts: Counter[tuple[str, str, int]] = Counter()
        self.fault_counts: Counter[str] = Counter()
        self.api_base = self.auth_base = ""
        self.serializer: Serializer | None = None
        self._runners: list[web.AppRunner] = []
        self.api = api_mod.Api(self)

    # ---- lifecycle -----------------------------------------------------------------------
    async def start(self) -> None:
        api_sock, auth_sock = _bind(self.host, self.port), _bind(self.host, self.auth_port)
        self.api_base = f"http://{self.host}:{api_sock.getsockname()[1]}"
        self.auth_base = f"http://{self.host}:{auth_sock.getsockname()[1]}"
        self.serializer = Serializer(self.world, self.api_base)
        for app, sock in ((self._api_app(), api_sock), (self._auth_app(), auth_sock)):
            runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.1)
            await runner.setup()
            await web.SockSite(runner, sock).start()
            self._runners.append(runner)

    async def stop(self) -> None:
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()

    def _api_app(self) -> web.Application:
        app = web.Application(
            middlewares=[self._middleware(is_api=True)], client_max_size=4 * 1024 * 1024
        )
        app.add_routes(self.api.routes())
        app.add_routes(self._private_routes())
        return app

    def _auth_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware(is_api=False)])
        app.add_routes(
            [
                web.get("/authorize", self.oauth.authorize),
                web.post("/authorize", self.oauth.authorize),
                web.post("/oauth/token", self.oauth.token),
                web.post("/sign-out", self.oauth.sign_out),
            ]
        )
        return app

    # ---- settings and introspection ------------------------------------------------------
    def info(self) -> dict[str, Any]:
        """What a client needs to connect (includes the client secret: never log this)."""
        return {
            "api_base": self.api_base,
            "auth_base": self.auth_base,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uri": self.redirect_uri,
            "user_urn": self.world.me_urn,
        }

    def set_faults(self, spec: str | FaultSpec | None) -> None:
        self.faults = FaultInjector(spec if isinstance(spec, FaultSpec) else FaultSpec.parse(spec))

    def set_rate(self, rate: float | None) -> None:
        self.bucket = TokenBucket(rate) if rate else None

    def stats(self) -> dict[str, Any]:
        by_endpoint: dict[str, dict[str, int]] = {}
        by_status: Counter[str] = Counter()
        for (method, path, status), n in sorted(self.counts.items()):
            by_endpoint.setdefault(f"{method} {path}", {})[str(status)] = n
            by_status[str(status)] += n
        return {
            "total": sum(self.counts.values()),
            "requests": [
                {"method": m, "path": p, "status": s, "count": n}
                for (m, p, s), n in sorted(self.counts.items())
            ],
            "by_endpoint": by_endpoint,
            "by_status": dict(by_status),
            "faults": dict(self.fault_counts),
            "oauth": dict(self.oauth.counts),
            "world_version": self.world.version,
        }

    def reset_stats(self) -> None:
        self.counts.clear()
        self.fault_counts.clear()

    # ---- middleware ----------------------------------------------------------------------
    def _middleware(self, *, is_api: bool):
        @web.middleware
        async def middleware(request: web.Request, handler) -> web.StreamResponse:
            if is_api and request.path.startswith(PRIVATE):
                return await handler(request)
            route = request.match_info.route.resource
            template = route.canonical if route is not None else "<unmatched>"
            response = await self._serve(request, handler, template, is_api)
            # A dropped connection answered nothing: it is counted with status 0.
            dropped = request.get(api_mod.FAULT) == "drop"
            self.counts[(request.method, template, 0 if dropped else response.status)] += 1
            return response

        return middleware

    async def _serve(
        self, request: web.Request, handler, template: str, is_api: bool
    ) -> web.StreamResponse:
        spec = self.faults.spec
        faultable = is_api or spec.oauth
        if is_api and self.bucket is not None:
            wait = self.bucket.take()
            if wait > 0:
                self.fault_counts["rate_limit"] += 1
                return rate_limited(
                    wait,
                    group="api",
                    max_requests=int(self.bucket.rate),
                    window="PT1S",
                    retry_after=self.faults.send_retry_after(),
                )
        fault = None
        if faultable:
            if spec.rate > 0:
                is_list = template in api_mod.LIST_PATHS and truthy(
                    request.query.get("linked_partitioning")
                )
                fault = self.faults.decide(is_list)
            if spec.latency_ms:
                await asyncio.sleep(spec.latency_ms / 1000)
        write = request.method not in ("GET", "HEAD")
        if fault:
            self.fault_counts[fault] += 1
            if fault == "429":
                return rate_limited(1.0, retry_after=self.faults.send_retry_after())
            if fault in ("500", "502", "503"):
                return api_error(int(fault))
            if fault == "timeout":
                await asyncio.sleep(spec.timeout_s)
                if write:  # the client has given up; do not change the world behind its back
                    return api_error(503, "timed out")
            if fault == "drop" or (fault == "truncate" and write):
                request[api_mod.FAULT] = "drop"
                return _drop(request)
            request[api_mod.FAULT] = fault
        if is_api:
            denied = self._authorize(request, template)
            if denied is not None:
                return denied
        try:
            response = await handler(request)
        except BadParam as e:
            return api_error(400, str(e))
        except api_mod.NotFound as e:
            return api_error(404, str(e))
        except api_mod.Unprocessable as e:
            return api_error(422, str(e))
        except web.HTTPException as e:
            if is_api:
                return api_error(e.status, e.reason)
            raise
        if fault == "truncate" and isinstance(response, web.Response) and response.body:
            body = bytes(response.body)
            return json_bytes(body[: max(1, len(body) // 2)], response.status)
        return response

    def _authorize(self, request: web.Request, template: str) -> web.Response | None:
        if "oauth_token" in request.query or "access_token" in request.query:
            return api_error(
                401,
                "tokens in the query string are not accepted; send 'Authorization: OAuth <token>'",
            )
        principal = self.oauth.check(request.headers.get("Authorization"))
        if isinstance(principal, str):
            return api_error(401, principal)
        if principal.kind != "user" and (request.method, template) in api_mod.USER_ONLY:
            return api_error(
                403,
                "this endpoint needs a user's token (authorization_code), not client credentials",
            )
        request[api_mod.PRINCIPAL] = principal
        return None

    # ---- /_emulator/ ---------------------------------------------------------------------
    def _private_routes(self) -> list[web.RouteDef]:
        async def stats(request: web.Request) -> web.Response:
            return _json(self.stats())

        async def reset(request: web.Request) -> web.Response:
            self.reset_stats()
            return _json({"ok": True})

        async def world(request: web.Request) -> web.Response:
            w = self.world
            return _json(
                {
                    "seed": w.seed,
                    "version": w.version,
                    "me": w.me_urn,
                    "artists": w.artist_urns,
                    "counts": w.counts(),
                    "playlists": {p: w.playlists[p].title for p in w.user_playlists[w.me_urn]},
                    "deleted": sorted(w.deleted),
                }
            )

        async def user_list(request: web.Request) -> web.Response:
            urn, kind = request.match_info["urn"], request.match_info["kind"]
            if urn not in self.world.users or kind not in ("likes", "reposts", "uploads"):
                return api_error(404, "unknown user or list")
            return _json({"urns": self.world.list_for(kind, urn)})

        async def get_faults(request: web.Request) -> web.Response:
            return _json(
                {
                    "faults": self.faults.spec.describe(),
                    "rate": self.bucket.rate if self.bucket else None,
                }
            )

        async def put_faults(request: web.Request) -> web.Response:
            body = await _body(request)
            try:
                if "spec" in body:
                    self.set_faults(body["spec"])
                if "rate" in body:
                    self.set_rate(body["rate"])
            except (ValueError, TypeError) as e:
                return api_error(400, str(e))
            return await get_faults(request)

        async def mutate(request: web.Request) -> web.Response:
            body = await _body(request)
            allowed = {"likes", "reposts", "uploads", "delete", "me_likes", "artists"}
            if set(body) - allowed:
                return api_error(
                    400, f"unknown mutation field(s); use {', '.join(sorted(allowed))}"
                )
            try:
                return _json(self.world.mutate(**body))
            except (TypeError, ValueError, KeyError, IndexError) as e:
                return api_error(400, f"bad mutation: {e}")

        async def expire(request: web.Request) -> web.Response:
            return _json({"expired": self.oauth.expire_all()})

        return [
            web.get(PRIVATE + "stats", stats),
            web.post(PRIVATE + "stats/reset", reset),
            web.get(PRIVATE + "world", world),
            web.get(PRIVATE + "users/{urn}/{kind}", user_list),
            web.get(PRIVATE + "faults", get_faults),
            web.put(PRIVATE + "faults", put_faults),
            web.post(PRIVATE + "mutate", mutate),
            web.post(PRIVATE + "tokens/expire", expire),
        ]


def _bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(512)
    sock.setblocking(False)
    return sock


def _drop(request: web.Request) -> web.Response:
    """Close the connection without an answer (the client sees a reset / disconnect)."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    return web.Response(status=500)


def _json(data: Any) -> web.Response:
    return json_bytes(msgspec.json.encode(data))


async def _body(request: web.Request) -> dict:
    try:
        body = msgspec.json.decode(await request.read()) if request.can_read_body else {}
    except msgspec.DecodeError:
        body = None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(reason="body must be a JSON object")
    return body
