"""The async SoundCloud API client: one aiohttp session per run, shared limits, retries, paging.

    async with SoundCloudClient.from_config(cfg) as sc:
        me = await sc.me()
        async for track in sc.user_likes(me.urn, page_cap=5):
            ...

Every request goes through `_call`: a shared concurrency cap and request-rate pacer, the token,
retries (classification in `errors.classify_status`, delays in `retry.RetryPolicy`), one refresh and
retry after a 401, and decoding inside the retry loop (a truncated body is transient, not fatal).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, urlsplit

import aiohttp
import msgspec

from music_minion.soundcloud import models
from music_minion.soundcloud.auth import AuthMode, TokenProvider
from music_minion.soundcloud.errors import ApiError, Kind, classify_status, error_message
from music_minion.soundcloud.models import BatchResult, Outcome, Playlist, Track, User
from music_minion.soundcloud.oauth import AppSettings
from music_minion.soundcloud.pacing import Pacer
from music_minion.soundcloud.retry import RetryPolicy
from music_minion.soundcloud.tokens import TokenStore

if TYPE_CHECKING:
    from music_minion.config import Config

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_EMPTY_PAGES = 20
MAX_PLAYLIST_TRACKS = 500
URNS_PER_LOOKUP = 50
# A request that cannot connect at all is retried this often (briefly) before it fails.
CONNECT_RETRIES = 2


@dataclass
class ClientStats:
    """What one client did: requests per endpoint template, errors by kind, retries, 429s, waits."""

    requests: int = 0
    by_endpoint: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    rate_limited: int = 0
    wait_s: float = 0.0
    skipped_items: int = 0
    cursor_repeats: int = 0
    refreshes: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "by_endpoint": dict(self.by_endpoint),
            "errors": dict(self.errors),
            "retries": self.retries,
            "rate_limited": self.rate_limited,
            "wait_s": round(self.wait_s, 3),
            "skipped_items": self.skipped_items,
            "cursor_repeats": self.cursor_repeats,
            "refreshes": self.refreshes,
        }


@dataclass
class _Response:
    status: int
    body: bytes
    location: str | None


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
        self.auth_mode = auth
        self.policy = policy or RetryPolicy()
        self.page_size = max(1, min(200, page_size))
        self.stats = ClientStats()
        self._max_concurrency = max_concurrency
        self._pacer = Pacer(requests_per_second, burst=max(1.0, requests_per_second - 1))
        self._sem = asyncio.Semaphore(
            max_concurrency
        )  # replaced in __aenter__ (one per event loop)
        self._http: aiohttp.ClientSession | None = None
        self._tokens: TokenProvider | None = None
        self._origin = _origin(app.api_base)
        # Consecutive requests that could not even connect (refused, no route, DNS). Past
        # `_unreachable_after`, the host is taken as down for this run and requests fail at once.
        self._refused = 0
        self._unreachable_after = max_concurrency + CONNECT_RETRIES

    @classmethod
    def from_config(cls, cfg: Config, *, auth: AuthMode = "auto") -> SoundCloudClient:
        app = AppSettings.from_config(cfg)
        return cls(
            app,
            TokenStore(cfg.data_dir, app.namespace),
            auth=auth,
            max_concurrency=int(cfg.get("soundcloud.max_concurrency")),
            requests_per_second=float(cfg.get("soundcloud.requests_per_second")),
            policy=RetryPolicy.from_config(cfg),
            page_size=int(cfg.get("soundcloud.page_size")),
        )

    async def __aenter__(self) -> SoundCloudClient:
        self._sem = asyncio.Semaphore(self._max_concurrency)
        connector = aiohttp.TCPConnector(limit=self._max_concurrency + 2)
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
    async def _call(
        self,
        method: str,
        template: str,
        url: str,
        parse: Callable[[_Response], T],
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        ok: tuple[int, ...] = (200,),
        idempotent: bool = True,
    ) -> T:
        """Send one request with limits, auth and retries; `parse` runs inside the retry loop.

        A request that is not idempotent is not retried after a timeout or a dropped connection
        (the server may have done it); it is retried after an error answer (the server did not).
        """
        if self._http is None or self._tokens is None:
            raise RuntimeError("use `async with SoundCloudClient(...)`")
        attempt, refreshed = 0, False
        timeout = aiohttp.ClientTimeout(total=self.app.timeout_s)
        while True:
            status: int | None = None
            retry_after: str | None = None
            body: Any = None
            answered = True
            unreachable = False
            async with self._sem:
                if self._refused >= self._unreachable_after:
                    self.stats.errors["transient"] += 1
                    raise ApiError("transient", None, template, f"cannot connect to {self._origin}")
                await self._pacer.acquire()
                token = await self._tokens.token()
                self.stats.requests += 1
                self.stats.by_endpoint[template] += 1
                try:
                    async with self._http.request(
                        method,
                        url,
                        params=params,
                        json=json,
                        timeout=timeout,
                        allow_redirects=False,
                        headers={"Authorization": f"OAuth {token}"},
                    ) as resp:
                        status = resp.status
                        raw = await resp.read()
                        retry_after = resp.headers.get("Retry-After")
                        location = resp.headers.get("Location")
                except aiohttp.ClientConnectorError:  # never reached the server
                    answered, unreachable = False, True
                    kind: Kind = "transient"
                    message = f"cannot connect to {self._origin}"
                    self._refused += 1
                except (TimeoutError, aiohttp.ClientError) as e:
                    answered = False
                    kind = "transient"
                    message = (
                        "timed out"
                        if isinstance(e, TimeoutError)
                        else f"connection failed ({type(e).__name__})"
                    )
                else:
                    self._refused = 0
                    if status in ok:
                        try:
                            return parse(_Response(status, raw, location))
                        except models.Malformed as e:
                            answered = False  # it succeeded, but we cannot read what it made
                            kind, message = "transient", f"unreadable response ({e})"
                    else:
                        kind = classify_status(status)
                        body = _json_or_text(raw)
                        message = error_message(body, f"HTTP {status}")
            if kind == "auth" and not refreshed:
                refreshed = True
                await self._tokens.renew(token)
                continue
            if kind == "rate_limited":
                self.stats.rate_limited += 1
            gave_up = unreachable and (
                attempt >= CONNECT_RETRIES or self._refused >= self._unreachable_after
            )
            if (
                gave_up
                or not self.policy.should_retry(kind, attempt)
                or not (idempotent or answered)
            ):
                self.stats.errors[kind] += 1
                raise ApiError(kind, status, template, message)
            if kind == "rate_limited":
                wait = self.policy.rate_limit_wait(attempt, retry_after, body)
                self.stats.wait_s += max(0.0, wait - self._pacer.paused_for())
                self._pacer.pause(wait)
            else:
                await asyncio.sleep(self.policy.backoff(attempt))
            self.stats.retries += 1
            attempt += 1
            log.debug("retrying %s %s after %s (%s)", method, template, kind, status)

    def _url(self, path: str) -> str:
        return self.app.api_base + path

    async def _get_one(
        self, template: str, path: str, kind: str, params: dict[str, str] | None = None
    ) -> Any:
        return await self._call(
            "GET",
            template,
            self._url(path),
            lambda r: models.decode_one(r.body, kind),
            params=params,
        )

    # ---- single objects --------------------------------------------------------------------
    async def me(self) -> User:
        return await self._get_one("/me", "/me", "users")

    async def user(self, urn: str) -> User:
        return await self._get_one("/users/{urn}", f"/users/{_q(urn)}", "users")

    async def track(self, urn: str) -> Track:
        return await self._get_one("/tracks/{urn}", f"/tracks/{_q(urn)}", "tracks")

    async def playlist(self, urn: str, show_tracks: bool = True) -> Playlist:
        params = {"show_tracks": "true" if show_tracks else "false"}
        return await self._get_one("/playlists/{urn}", f"/playlists/{_q(urn)}", "playlists", params)

    async def resolve(self, url_or_permalink: str) -> User | Track | Playlist:
        """A soundcloud.com URL (or `artist/track` permalink) → the object; 302 followed here."""
        url = url_or_permalink.strip()
        if not url.startswith(("http://", "https://")):
            url = "https://soundcloud.com/" + url.lstrip("/")

        def resolved(r: _Response) -> Any:
            """The object itself (some hosts answer 200), else the 302's location."""
            if r.status == 200:
                return _decode_any(r)
            loc = r.location
            if not loc:
                try:
                    loc = msgspec.json.decode(r.body).get("location")
                except (msgspec.DecodeError, AttributeError):
                    loc = None
            if not isinstance(loc, str) or not loc:
                raise models.Malformed("302 without a location")
            return loc

        found = await self._call(
            "GET", "/resolve", self._url("/resolve"), resolved, params={"url": url}, ok=(200, 302)
        )
        if not isinstance(found, str):
            return found
        if _origin(found) != self._origin:
            raise ApiError("permanent", None, "/resolve", "resolved to a different host")
        path = urlsplit(found).path
        return await self._call("GET", _template(path), self._url(path), _decode_any)

    async def tracks(
        self, urns: list[str], access: str = "playable,preview,blocked"
    ) -> list[Track]:
        """Many tracks by URN (batched `/tracks?urns=`); unknown or deleted ones are left out.

        Blocked tracks are included (with `access="blocked"`) so callers can mark them unavailable.
        """
        out: list[Track] = []
        for i in range(0, len(urns), URNS_PER_LOOKUP):
            chunk = urns[i : i + URNS_PER_LOOKUP]
            page = await self._call(
                "GET",
                "/tracks",
                self._url("/tracks"),
                self._page_parser("tracks"),
                params={
                    "urns": ",".join(chunk),
                    "access": access,
                    "limit": str(len(chunk)),
                    "linked_partitioning": "true",
                },
            )
            out.extend(page.items)
        return out

    # ---- writes ---------------------------------------------------------------------------
    async def create_playlist(self, title: str, sharing: str, track_urns: list[str]) -> Playlist:
        body = {
            "playlist": {
                "title": title,
                "sharing": sharing,
                "tracks": [{"urn": u} for u in _cap(track_urns)],
            }
        }
        return await self._call(
            "POST",
            "/playlists",
            self._url("/playlists"),
            lambda r: models.decode_one(r.body, "playlists"),
            json=body,
            ok=(200, 201),
            idempotent=False,
        )

    async def replace_playlist(
        self,
        urn: str,
        track_urns: list[str],
        *,
        title: str | None = None,
        sharing: str | None = None,
    ) -> Playlist:
        """One PUT that replaces the whole track list (and title/sharing when given)."""
        inner: dict[str, Any] = {"tracks": [{"urn": u} for u in _cap(track_urns)]}
        if title is not None:
            inner["title"] = title
        if sharing is not None:
            inner["sharing"] = sharing
        return await self._call(
            "PUT",
            "/playlists/{urn}",
            self._url(f"/playlists/{_q(urn)}"),
            lambda r: models.decode_one(r.body, "playlists"),
            json={"playlist": inner},
        )

    async def like(self, track_urn: str) -> None:
        await self._call(
            "POST",
            "/likes/tracks/{urn}",
            self._url(f"/likes/tracks/{_q(track_urn)}"),
            _ignore,
            ok=(200, 201, 204),
        )

    async def unlike(self, track_urn: str) -> None:
        await self._call(
            "DELETE",
            "/likes/tracks/{urn}",
            self._url(f"/likes/tracks/{_q(track_urn)}"),
            _ignore,
            ok=(200, 204),
        )

    # ---- paging ---------------------------------------------------------------------------
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
        kind: str,
        page_cap: int | None,
        params: dict[str, str] | None = None,
    ) -> AsyncIterator[Any]:
        """Items of a newest-first list: follows next_href, stops at page_cap, survives repeats and empties."""
        parse = self._page_parser(kind)
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
            page = await self._call("GET", template, url, parse, params=query)
            pages += 1
            for item in page.items:
                if item.urn not in seen:
                    seen.add(item.urn)
                    yield item
            if page_cap is not None and pages >= page_cap:
                return
            empty_run = 0 if page.items else empty_run + 1
            nxt = page.next_href
            if not nxt or empty_run > MAX_EMPTY_PAGES:
                return
            if _origin(nxt) != self._origin:
                log.warning("next_href points at another host; stopping %s", template)
                return
            visits[nxt] += 1
            if visits[nxt] > 1:
                self.stats.cursor_repeats += 1
                if visits[nxt] > self.policy.max_retries + 1:
                    log.warning(
                        "next_href keeps repeating; stopping %s after %d pages", template, pages
                    )
                    return
            url, query = nxt, None

    def my_likes(self, page_cap: int | None = None) -> AsyncIterator[Track]:
        return self._paged("/me/likes/tracks", "/me/likes/tracks", "tracks", page_cap)

    def my_followings(self, page_cap: int | None = None) -> AsyncIterator[User]:
        return self._paged("/me/followings", "/me/followings", "users", page_cap)

    def my_playlists(self, page_cap: int | None = None) -> AsyncIterator[Playlist]:
        return self._paged(
            "/me/playlists", "/me/playlists", "playlists", page_cap, {"show_tracks": "false"}
        )

    def user_likes(self, user_urn: str, page_cap: int | None = None) -> AsyncIterator[Track]:
        return self._paged(
            "/users/{urn}/likes/tracks", f"/users/{_q(user_urn)}/likes/tracks", "tracks", page_cap
        )

    def user_reposts(self, user_urn: str, page_cap: int | None = None) -> AsyncIterator[Track]:
        return self._paged(
            "/users/{urn}/reposts/tracks",
            f"/users/{_q(user_urn)}/reposts/tracks",
            "tracks",
            page_cap,
        )

    def user_tracks(self, user_urn: str, page_cap: int | None = None) -> AsyncIterator[Track]:
        return self._paged(
            "/users/{urn}/tracks", f"/users/{_q(user_urn)}/tracks", "tracks", page_cap
        )

    def playlist_tracks(
        self, playlist_urn: str, page_cap: int | None = None
    ) -> AsyncIterator[Track]:
        return self._paged(
            "/playlists/{urn}/tracks", f"/playlists/{_q(playlist_urn)}/tracks", "tracks", page_cap
        )

    def related(self, track_urn: str, page_cap: int | None = None) -> AsyncIterator[Track]:
        return self._paged(
            "/tracks/{urn}/related", f"/tracks/{_q(track_urn)}/related", "tracks", page_cap
        )

    # ---- batches --------------------------------------------------------------------------
    async def _many(self, inputs: list[str], fetch: Callable[[str], Any]) -> BatchResult:
        async def one(item: str) -> Outcome:
            try:
                return Outcome(item, value=await fetch(item))
            except ApiError as e:
                return Outcome(item, error=e.kind, status=e.status, message=e.message)

        return BatchResult(list(await asyncio.gather(*(one(i) for i in inputs))))

    async def resolve_many(self, inputs: list[str]) -> BatchResult:
        """Resolve each URL; one outcome per input (value or classified error), never raises ApiError."""
        return await self._many(inputs, self.resolve)

    async def users_many(self, urns: list[str]) -> BatchResult:
        return await self._many(urns, self.user)


# ---- helpers ---------------------------------------------------------------------------------
def _q(urn: str) -> str:
    return quote(urn, safe=":")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _template(path: str) -> str:
    """`/tracks/soundcloud:tracks:1` → `/tracks/{urn}` (for stats and errors)."""
    return "/".join("{urn}" if seg.startswith("soundcloud") else seg for seg in path.split("/"))


def _decode_any(r: _Response) -> Any:
    kind = models.kind_of(r.body)
    if kind is None:
        raise ApiError(
            "permanent",
            r.status,
            "/resolve",
            "resolved to something that is not a track, user or playlist",
        )
    return models.decode_one(r.body, kind)


def _ignore(r: _Response) -> None:
    return None


def _cap(urns: list[str]) -> list[str]:
    if len(urns) > MAX_PLAYLIST_TRACKS:
        from music_minion.errors import UserError

        raise UserError(
            f"a playlist of {len(urns)} tracks is too long",
            f"SoundCloud allows at most {MAX_PLAYLIST_TRACKS}; lower playlist.size",
        )
    return urns


def _json_or_text(raw: bytes) -> Any:
    try:
        return msgspec.json.decode(raw)
    except msgspec.DecodeError:
        return raw[:200].decode("utf-8", "replace")
