"""The async SoundCloud API client: one aiohttp session per run, shared limits, retries, paging.

    async with SoundCloudClient.from_config(cfg) as sc:
        me = await sc.me()
        async for track in sc.user_likes(me.urn, page_cap=5):
            ...

Every request goes through `_call`, made of small steps: `_attempt` takes a slot of the shared
`Limiter` (concurrency cap, pacer, unreachable-host cut-off) and the token, `_send` makes one HTTP
attempt, `_check` turns the answer into a value or a typed error (decoding happens here, so a
truncated body is a retryable `InvalidResponse`), a 401 refreshes the token once, and the shared
`RetryPolicy` decides whether and how long to wait before the next attempt.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast
from urllib.parse import quote, urlsplit

import aiohttp

from music_minion.soundcloud import media, models
from music_minion.soundcloud.auth import AuthMode, TokenProvider
from music_minion.soundcloud.errors import (
    ApiError,
    AuthFailed,
    InvalidResponse,
    RateLimited,
    Rejected,
    Transient,
    Unreachable,
    answer_error,
)
from music_minion.soundcloud.models import BatchResult, Item, Outcome, Playlist, Track, User
from music_minion.soundcloud.oauth import AppSettings
from music_minion.soundcloud.pacing import Limiter
from music_minion.soundcloud.retry import RetryPolicy
from music_minion.soundcloud.settings import ConfigSource
from music_minion.soundcloud.stats import ClientStats
from music_minion.soundcloud.tokens import TokenStore

log = logging.getLogger(__name__)
T = TypeVar("T")
M = TypeVar("M", User, Track, Playlist)
MAX_EMPTY_PAGES = 20
_STREAM = "/tracks/{urn}/streams/{stream}"
MAX_PLAYLIST_TRACKS = 500
URNS_PER_LOOKUP = 50


@dataclass(frozen=True)
class _Request:
    """One API request as `_call` sends it (and resends it)."""

    method: str
    template: str
    url: str
    params: dict[str, str] | None = None
    json: Any = None
    ok: tuple[int, ...] = (200,)
    idempotent: bool = True


@dataclass
class _Response:
    status: int
    body: bytes
    location: str | None
    retry_after: str | None = None


class SoundCloudClient:
    """SoundCloud's public API (see the module docstring). Use as an async context manager."""

    def __init__(
        self,
        app: AppSettings,
        store: TokenStore,
        *,
        auth: AuthMode = "auto",
        max_concurrency: int = 8,
        requests_per_second: float = 8.0,
        policy: RetryPolicy | None = None,
        page_size: int = 200,
    ) -> None:
        self.app = app
        self.store = store
        self.auth_mode: AuthMode = auth
        self.policy = policy or RetryPolicy()
        self.page_size = max(1, min(200, page_size))
        self.stats = ClientStats()
        self._origin = _origin(app.api_base)
        self._limits = Limiter(
            self._origin, max_concurrency, requests_per_second, self.policy.connect_retries
        )
        self._http: aiohttp.ClientSession | None = None
        self._tokens: TokenProvider | None = None

    @classmethod
    def from_config(cls, cfg: ConfigSource, *, auth: AuthMode = "auto") -> SoundCloudClient:
        app = AppSettings.from_config(cfg)
        return cls(
            app,
            TokenStore(cfg.data_dir, app.namespace),
            auth=auth,
            max_concurrency=cfg.soundcloud.max_concurrency,
            requests_per_second=cfg.soundcloud.requests_per_second,
            policy=RetryPolicy.from_config(cfg),
            page_size=cfg.soundcloud.page_size,
        )

    async def __aenter__(self) -> SoundCloudClient:
        self._limits.open()
        connector = aiohttp.TCPConnector(limit=self._limits.max_concurrency + 2)
        self._http = aiohttp.ClientSession(
            connector=connector, headers={"Accept": "application/json; charset=utf-8"}
        )
        self._tokens = TokenProvider(
            self.app, self.store, self._http, self.auth_mode, self.policy, stats=self.stats
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None

    @property
    def token_kind(self) -> str:
        """`user` or `app`: which token this client sends."""
        return self._tokens.kind if self._tokens else self.auth_mode

    # ---- the one request path ------------------------------------------------------------
    async def _call(self, req: _Request, parse: Callable[[_Response], T]) -> T:
        """Send `req` with limits, auth and retries; `parse` reads a success inside the retry loop."""
        if self._http is None or self._tokens is None:
            raise RuntimeError("use `async with SoundCloudClient(...)`")
        tokens = self._tokens
        refreshed = False

        async def once() -> T | ApiError:
            nonlocal refreshed
            token, result = await self._attempt(req, parse)
            if isinstance(result, AuthFailed) and token is not None and not refreshed:
                refreshed = True  # one refresh per call: a second 401 is final
                await tokens.renew(token)
                token, result = await self._attempt(req, parse)
            if isinstance(result, RateLimited):
                self.stats.rate_limited += 1
            return result

        return await self.policy.run(
            once,
            idempotent=req.idempotent,
            host_down=self._limits.host_down,
            wait=self._waiter(req),
            give_up=self._count_error,
        )

    async def _attempt(
        self, req: _Request, parse: Callable[[_Response], T]
    ) -> tuple[str | None, T | ApiError]:
        """One try: (the token sent, the parsed value or the typed error)."""
        assert self._tokens is not None
        token: str | None = None
        try:
            async with self._limits.slot(req.template):
                token = await self._tokens.token()
                self.stats.requests += 1
                self.stats.by_endpoint[req.template] += 1
                resp = await self._send(req, token)
        except ApiError as e:
            return token, e
        return token, _check(req, resp, parse)

    async def _send(self, req: _Request, token: str) -> _Response:
        """One HTTP attempt; a failure to get any answer raises `Unreachable` or `Transient`."""
        assert self._http is not None
        try:
            async with self._http.request(
                req.method,
                req.url,
                params=req.params,
                json=req.json,
                timeout=aiohttp.ClientTimeout(total=self.app.timeout_s),
                allow_redirects=False,
                headers={"Authorization": f"OAuth {token}"},
            ) as resp:
                raw = await resp.read()
                answer = _Response(
                    resp.status, raw, resp.headers.get("Location"), resp.headers.get("Retry-After")
                )
        except aiohttp.ClientConnectorError:  # never reached the server
            self._limits.refused()
            raise Unreachable(None, req.template, self._limits.cannot_connect) from None
        except (TimeoutError, aiohttp.ClientError) as e:
            what = (
                "timed out"
                if isinstance(e, TimeoutError)
                else f"connection failed ({type(e).__name__})"
            )
            raise Transient(None, req.template, what) from None
        self._limits.answered()
        return answer

    def _waiter(self, req: _Request) -> Callable[[ApiError, float], Awaitable[None]]:
        """The pause before a retry: a 429 pauses every request (the pacer), others just this one."""

        async def wait(e: ApiError, seconds: float) -> None:
            if isinstance(e, RateLimited):
                self.stats.wait_s += self._limits.pause(seconds)
            else:
                await asyncio.sleep(seconds)
            self.stats.retries += 1
            log.debug("retrying %s %s after %s (%s)", req.method, req.template, e.kind, e.status)

        return wait

    def _count_error(self, e: ApiError) -> None:
        self.stats.errors[e.kind] += 1

    def _url(self, path: str) -> str:
        return self.app.api_base + path

    async def _get_one(
        self, template: str, path: str, model: type[M], params: dict[str, str] | None = None
    ) -> M:
        kind = models.KINDS[model]

        def parse(r: _Response) -> M:
            return cast(M, models.decode_one(r.body, kind))

        return await self._call(_Request("GET", template, self._url(path), params), parse)

    # ---- single objects --------------------------------------------------------------------
    async def me(self) -> User:
        return await self._get_one("/me", "/me", User)

    async def user(self, urn: str) -> User:
        return await self._get_one("/users/{urn}", f"/users/{_q(urn)}", User)

    async def track(self, urn: str) -> Track:
        return await self._get_one("/tracks/{urn}", f"/tracks/{_q(urn)}", Track)

    async def playlist(self, urn: str, show_tracks: bool = True) -> Playlist:
        params = {"show_tracks": "true" if show_tracks else "false"}
        return await self._get_one("/playlists/{urn}", f"/playlists/{_q(urn)}", Playlist, params)

    async def resolve(self, url_or_permalink: str) -> Item:
        """A soundcloud.com URL (or `artist/track` permalink) → the object; 302 followed here."""
        url = url_or_permalink.strip()
        if not url.startswith(("http://", "https://")):
            url = "https://soundcloud.com/" + url.lstrip("/")
        req = _Request("GET", "/resolve", self._url("/resolve"), {"url": url}, ok=(200, 302))
        found = await self._call(req, _resolved)
        if not isinstance(found, str):
            return found
        if _origin(found) != self._origin:
            raise Rejected(None, "/resolve", "resolved to a different host")
        path = urlsplit(found).path
        return await self._call(_Request("GET", _template(path), self._url(path)), _decode_any)

    async def tracks(
        self, urns: list[str], access: str = "playable,preview,blocked"
    ) -> list[Track]:
        """Many tracks by URN (batched `/tracks?urns=`); unknown or deleted ones are left out.

        Blocked tracks are included (with `access="blocked"`) so callers can mark them unavailable.
        """
        out: list[Track] = []
        for i in range(0, len(urns), URNS_PER_LOOKUP):
            chunk = urns[i : i + URNS_PER_LOOKUP]
            params = {
                "urns": ",".join(chunk),
                "access": access,
                "limit": str(len(chunk)),
                "linked_partitioning": "true",
            }
            req = _Request("GET", "/tracks", self._url("/tracks"), params)
            page = await self._call(req, self._page_parser("tracks"))
            out.extend(cast(list[Track], page.items))
        return out

    # ---- writes ---------------------------------------------------------------------------
    async def create_playlist(self, title: str, sharing: str, track_urns: list[str]) -> Playlist:
        tracks = [{"urn": u} for u in _cap(track_urns, "/playlists")]
        body = {"playlist": {"title": title, "sharing": sharing, "tracks": tracks}}
        req = _Request(
            "POST",
            "/playlists",
            self._url("/playlists"),
            json=body,
            ok=(200, 201),
            idempotent=False,
        )
        return await self._call(req, _playlist)

    async def replace_playlist(
        self,
        urn: str,
        track_urns: list[str],
        *,
        title: str | None = None,
        sharing: str | None = None,
    ) -> Playlist:
        """One PUT that replaces the whole track list (and title/sharing when given)."""
        inner: dict[str, Any] = {
            "tracks": [{"urn": u} for u in _cap(track_urns, "/playlists/{urn}")]
        }
        if title is not None:
            inner["title"] = title
        if sharing is not None:
            inner["sharing"] = sharing
        url = self._url(f"/playlists/{_q(urn)}")
        return await self._call(
            _Request("PUT", "/playlists/{urn}", url, json={"playlist": inner}), _playlist
        )

    async def like(self, track_urn: str) -> None:
        url = self._url(f"/likes/tracks/{_q(track_urn)}")
        await self._call(_Request("POST", "/likes/tracks/{urn}", url, ok=(200, 201, 204)), _ignore)

    async def unlike(self, track_urn: str) -> None:
        url = self._url(f"/likes/tracks/{_q(track_urn)}")
        await self._call(_Request("DELETE", "/likes/tracks/{urn}", url, ok=(200, 204)), _ignore)

    async def follow(self, user_urn: str) -> None:
        """Follow a user (`PUT /me/followings/{urn}`); 422 when SoundCloud refuses (follow limit)."""
        url = self._url(f"/me/followings/{_q(user_urn)}")
        await self._call(_Request("PUT", "/me/followings/{urn}", url, ok=(200, 201)), _ignore)

    # ---- paging ---------------------------------------------------------------------------
    # ---- listening -------------------------------------------------------------------------
    async def streams(self, track_urn: str) -> media.Streams:
        """The track's stream URLs (`/tracks/{urn}/streams`)."""
        path = f"/tracks/{_q(track_urn)}/streams"
        return await self._call(
            _Request("GET", "/tracks/{urn}/streams", self._url(path)),
            lambda r: media.decode_streams(r.body),
        )

    async def track_media(self, track_urn: str) -> media.TrackMedia:
        """The track's waveform URL and purchase link (fields the index does not keep)."""
        path = f"/tracks/{_q(track_urn)}"
        return await self._call(
            _Request("GET", "/tracks/{urn}", self._url(path)),
            lambda r: media.decode_track_media(r.body),
        )

    async def stream_location(self, stream_url: str) -> str:
        """Where a stream URL redirects (a signed, short-lived CDN URL: never log or show it)."""

        def parse(r: _Response) -> str:
            if not r.location:
                raise models.Malformed("stream redirect without a location")
            return r.location

        req = _Request("GET", _STREAM, stream_url, ok=(301, 302, 303, 307, 308))
        return await self._call(req, parse)

    async def fetch_public(self, url: str, what: str) -> tuple[bytes, str]:
        """(body, content type) of a public CDN URL (audio, waveform JSON), fetched without the
        token; `what` names it in errors (never the URL: it may carry a signature)."""
        assert self._http is not None
        try:
            async with self._http.get(
                url,
                timeout=aiohttp.ClientTimeout(total=self.app.timeout_s),
                headers={"Accept": "*/*"},
            ) as resp:
                body = await resp.read()
                if resp.status != 200:
                    raise answer_error(resp.status, what, b"")
                return body, resp.headers.get("Content-Type", "application/octet-stream")
        except (TimeoutError, aiohttp.ClientError) as e:
            raise Transient(None, what, f"could not fetch ({type(e).__name__})") from None

    async def waveform(self, waveform_url: str | None) -> list[float]:
        """The waveform's samples (0..1) from the JSON beside `waveform_url`; empty when none."""
        url = media.waveform_json_url(waveform_url)
        if url is None:
            return []
        body, _ = await self.fetch_public(url, "waveform")
        try:
            return media.decode_waveform(body)
        except models.Malformed as e:
            raise InvalidResponse(200, "waveform", f"unreadable waveform ({e})") from None

    def _page_parser(self, kind: str) -> Callable[[_Response], models.Page]:
        def parse(r: _Response) -> models.Page:
            page = models.decode_page(r.body, kind)
            self.stats.skipped_items += page.skipped
            return page

        return parse

    async def _paged(
        self,
        template: str,
        path: str,
        model: type[M],
        page_cap: int | None,
        params: dict[str, str] | None = None,
    ) -> AsyncIterator[M]:
        """Items of a newest-first list: follows next_href, stops at page_cap, survives repeats and empties."""
        parse = self._page_parser(models.KINDS[model])
        url: str | None = self._url(path)
        query: dict[str, str] | None = {
            **(params or {}),
            "limit": str(self.page_size),
            "linked_partitioning": "true",
        }
        visits: Counter[str] = Counter()
        seen: set[str] = set()
        pages = empty_run = 0
        while url:
            page = await self._call(_Request("GET", template, url, query), parse)
            pages += 1
            for item in cast(list[M], page.items):
                if item.urn not in seen:
                    seen.add(item.urn)
                    yield item
            if page_cap is not None and pages >= page_cap:
                return
            empty_run = 0 if page.items else empty_run + 1
            url, query = self._next_page(template, page.next_href, empty_run, visits, pages), None

    def _next_page(
        self, template: str, nxt: str | None, empty_run: int, visits: Counter[str], pages: int
    ) -> str | None:
        """The next page's URL, or None to stop (no cursor, too many empties, off-host, a loop)."""
        if not nxt or empty_run > MAX_EMPTY_PAGES:
            return None
        if _origin(nxt) != self._origin:
            log.warning("next_href points at another host; stopping %s", template)
            return None
        visits[nxt] += 1
        if visits[nxt] > 1:
            self.stats.cursor_repeats += 1
            if visits[nxt] > self.policy.max_retries + 1:
                log.warning(
                    "next_href keeps repeating; stopping %s after %d pages", template, pages
                )
                return None
        return nxt

    def my_likes(self, page_cap: int | None = None) -> AsyncIterator[Track]:
        return self._paged("/me/likes/tracks", "/me/likes/tracks", Track, page_cap)

    def my_followings(self, page_cap: int | None = None) -> AsyncIterator[User]:
        return self._paged("/me/followings", "/me/followings", User, page_cap)

    def my_playlists(self, page_cap: int | None = None) -> AsyncIterator[Playlist]:
        return self._paged(
            "/me/playlists", "/me/playlists", Playlist, page_cap, {"show_tracks": "false"}
        )

    def user_likes(self, user_urn: str, page_cap: int | None = None) -> AsyncIterator[Track]:
        path = f"/users/{_q(user_urn)}/likes/tracks"
        return self._paged("/users/{urn}/likes/tracks", path, Track, page_cap)

    def user_reposts(self, user_urn: str, page_cap: int | None = None) -> AsyncIterator[Track]:
        path = f"/users/{_q(user_urn)}/reposts/tracks"
        return self._paged("/users/{urn}/reposts/tracks", path, Track, page_cap)

    def user_tracks(self, user_urn: str, page_cap: int | None = None) -> AsyncIterator[Track]:
        path = f"/users/{_q(user_urn)}/tracks"
        return self._paged("/users/{urn}/tracks", path, Track, page_cap)

    def playlist_tracks(
        self, playlist_urn: str, page_cap: int | None = None
    ) -> AsyncIterator[Track]:
        path = f"/playlists/{_q(playlist_urn)}/tracks"
        return self._paged("/playlists/{urn}/tracks", path, Track, page_cap)

    def related(self, track_urn: str, page_cap: int | None = None) -> AsyncIterator[Track]:
        path = f"/tracks/{_q(track_urn)}/related"
        return self._paged("/tracks/{urn}/related", path, Track, page_cap)

    def track_favoriters(self, track_urn: str, page_cap: int | None = None) -> AsyncIterator[User]:
        path = f"/tracks/{_q(track_urn)}/favoriters"
        return self._paged("/tracks/{urn}/favoriters", path, User, page_cap)

    def track_reposters(self, track_urn: str, page_cap: int | None = None) -> AsyncIterator[User]:
        path = f"/tracks/{_q(track_urn)}/reposters"
        return self._paged("/tracks/{urn}/reposters", path, User, page_cap)

    def user_related(self, user_urn: str, page_cap: int | None = None) -> AsyncIterator[User]:
        path = f"/users/{_q(user_urn)}/related"
        return self._paged("/users/{urn}/related", path, User, page_cap)

    # ---- batches --------------------------------------------------------------------------
    async def _many(
        self, inputs: list[str], fetch: Callable[[str], Awaitable[Item]]
    ) -> BatchResult:
        async def one(item: str) -> Outcome:
            try:
                return Outcome(item, value=await fetch(item))
            except ApiError as e:
                return Outcome(item, error=e)

        return BatchResult(list(await asyncio.gather(*(one(i) for i in inputs))))

    async def resolve_many(self, inputs: list[str]) -> BatchResult:
        """Resolve each URL; one outcome per input (value or typed error), never raises ApiError."""
        return await self._many(inputs, self.resolve)

    async def users_many(self, urns: list[str]) -> BatchResult:
        return await self._many(urns, self.user)


# ---- reading answers -------------------------------------------------------------------------
def _check(req: _Request, r: _Response, parse: Callable[[_Response], T]) -> T | ApiError:
    """An answer → the parsed value, or its typed error (an unreadable success is `InvalidResponse`)."""
    if r.status in req.ok:
        try:
            return parse(r)
        except models.Malformed as e:  # it succeeded, but we cannot read what it made
            return InvalidResponse(r.status, req.template, f"unreadable response ({e})")
    return answer_error(r.status, req.template, r.body, r.retry_after)


def _resolved(r: _Response) -> Item | str:
    """The object itself (some hosts answer 200), else the 302's location."""
    if r.status == 200:
        return _decode_any(r)
    loc = r.location or models.redirect_location(r.body)
    if not loc:
        raise models.Malformed("302 without a location")
    return loc


def _decode_any(r: _Response) -> Item:
    kind = models.kind_of(r.body)
    if kind is None:
        raise Rejected(
            r.status, "/resolve", "resolved to something that is not a track, user or playlist"
        )
    return models.decode_one(r.body, kind)


def _playlist(r: _Response) -> Playlist:
    return cast(Playlist, models.decode_one(r.body, "playlists"))


def _ignore(r: _Response) -> None:
    return None


# ---- helpers ---------------------------------------------------------------------------------
def _q(urn: str) -> str:
    return quote(urn, safe=":")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _template(path: str) -> str:
    """`/tracks/soundcloud:tracks:1` → `/tracks/{urn}` (for stats and errors)."""
    return "/".join("{urn}" if seg.startswith("soundcloud") else seg for seg in path.split("/"))


def _cap(urns: list[str], template: str) -> list[str]:
    if len(urns) > MAX_PLAYLIST_TRACKS:
        raise Rejected(
            None,
            template,
            f"a playlist of {len(urns)} tracks is too long",
            hint=f"SoundCloud allows at most {MAX_PLAYLIST_TRACKS}; lower playlist.size",
        )
    return urns
