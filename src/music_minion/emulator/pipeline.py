"""The request pipeline of one host: stats, rate limit, fault draw, added latency, token check.

Faults are applied before a write handler runs (a faulted write never changes the world) and after
a read handler has built its answer (a faulted read serves wrong bytes, never a wrong world). What
applies on which host and route is the route table's (`routes`).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from aiohttp import web

from music_minion.emulator import routes
from music_minion.emulator.errors import (
    NotFound,
    Unprocessable,
    api_error,
    json_bytes,
    rate_limited,
)
from music_minion.emulator.faults import FaultSpec
from music_minion.emulator.keys import FAULT, PRINCIPAL
from music_minion.emulator.paging import BadParam, truthy
from music_minion.emulator.state import EmulatorState

if TYPE_CHECKING:
    from aiohttp.typedefs import Handler, Middleware


def middleware(state: EmulatorState, host: routes.Host) -> Middleware:
    """The aiohttp middleware running `host`'s pipeline over `state`."""
    pipeline = Pipeline(state, host)

    @web.middleware
    async def run(request: web.Request, handler: Handler) -> web.StreamResponse:
        return await pipeline.handle(request, handler)

    return run


class Pipeline:
    """One host's policy applied to each request."""

    def __init__(self, state: EmulatorState, host: routes.Host) -> None:
        self.state = state
        self.host = host

    async def handle(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.host.private and routes.is_private(request.path):
            return await handler(request)
        route = request.match_info.route.resource
        template = route.canonical if route is not None else "<unmatched>"
        response = await self._serve(request, handler, template)
        # A dropped connection answered nothing: it is counted with status 0.
        dropped = request.get(FAULT) == "drop"
        self.state.counts[(request.method, template, 0 if dropped else response.status)] += 1
        return response

    async def _serve(
        self, request: web.Request, handler: Handler, template: str
    ) -> web.StreamResponse:
        spec = self.state.faults.spec
        limited = self._rate_limit()
        if limited is not None:
            return limited
        fault = await self._draw_fault(request, template, spec)
        if fault:
            answered = await self._fault_before(request, fault, spec)
            if answered is not None:
                return answered
            request[FAULT] = fault
        if self.host.token:
            denied = self._authorize(request, template)
            if denied is not None:
                return denied
        response = await self._call(request, handler)
        if fault == "truncate" and isinstance(response, web.Response) and response.body:
            body = bytes(response.body)  # type: ignore[arg-type]  # always bytes here
            return json_bytes(body[: max(1, len(body) // 2)], response.status)
        return response

    def _rate_limit(self) -> web.Response | None:
        """SoundCloud's 429 when the request-rate bucket is empty."""
        bucket = self.state.bucket
        if not self.host.rate_limited or bucket is None:
            return None
        wait = bucket.take()
        if wait <= 0:
            return None
        self.state.fault_counts["rate_limit"] += 1
        return rate_limited(
            wait,
            group="api",
            max_requests=int(bucket.rate),
            window="PT1S",
            retry_after=self.state.faults.send_retry_after(),
        )

    async def _draw_fault(self, request: web.Request, template: str, spec: FaultSpec) -> str | None:
        """The fault for this request, if one is drawn (after the spec's added latency)."""
        if self.host.faults == "oauth" and not spec.oauth:
            return None
        fault = None
        if spec.rate > 0:
            is_list = template in routes.PAGED_PATHS and truthy(
                request.query.get("linked_partitioning")
            )
            fault = self.state.faults.decide(is_list)
        if spec.latency_ms:
            await asyncio.sleep(spec.latency_ms / 1000)
        return fault

    async def _fault_before(
        self, request: web.Request, fault: str, spec: FaultSpec
    ) -> web.Response | None:
        """The answer of a fault that replaces the handler's, or None when the handler runs."""
        self.state.fault_counts[fault] += 1
        write = request.method not in ("GET", "HEAD")
        if fault == "429":
            return rate_limited(1.0, retry_after=self.state.faults.send_retry_after())
        if fault in ("500", "502", "503"):
            return api_error(int(fault))
        if fault == "timeout":
            await asyncio.sleep(spec.timeout_s)
            if write:  # the client has given up; do not change the world behind its back
                return api_error(503, "timed out")
        if fault == "drop" or (fault == "truncate" and write):
            request[FAULT] = "drop"
            return _drop(request)
        return None

    def _authorize(self, request: web.Request, template: str) -> web.Response | None:
        """Refuse a request without a valid token (or without a user's, where the route asks)."""
        if "oauth_token" in request.query or "access_token" in request.query:
            return api_error(
                401,
                "tokens in the query string are not accepted; send 'Authorization: OAuth <token>'",
            )
        principal = self.state.oauth.check(request.headers.get("Authorization"))
        if isinstance(principal, str):
            return api_error(401, principal)
        if principal.kind != "user" and (request.method, template) in routes.USER_ONLY:
            return api_error(
                403,
                "this endpoint needs a user's token (authorization_code), not client credentials",
            )
        request[PRINCIPAL] = principal
        return None

    async def _call(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """The handler's answer, its refusals turned into SoundCloud's error bodies."""
        try:
            return await handler(request)
        except BadParam as e:
            return api_error(400, str(e))
        except NotFound as e:
            return api_error(404, str(e))
        except Unprocessable as e:
            return api_error(422, str(e))
        except web.HTTPException as e:
            if self.host.api_errors:
                return api_error(e.status, e.reason)
            raise


def _drop(request: web.Request) -> web.Response:
    """Close the connection without an answer (the client sees a reset / disconnect)."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    return web.Response(status=500)
