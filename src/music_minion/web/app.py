"""The review page's aiohttp app: the page, its queue, audio and verdicts. As thin as cli/: the
queue, verdicts and listens come from discovery/, audio and waveforms from the SoundCloud client
(through web/audio.py), and every request passes web/security.py first."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from aiohttp import web

from music_minion.config.loading import Config
from music_minion.discovery import listening, verdicts
from music_minion.errors import MinionError
from music_minion.soundcloud.client import SoundCloudClient
from music_minion.store import open_store
from music_minion.store.session import Store
from music_minion.web import hls
from music_minion.web.audio import (
    AudioCache,
    NoStream,
    Playable,
    drop_fraction,
    hls_part,
    player,
    ranged,
)
from music_minion.web.security import Guard

log = logging.getLogger(__name__)
STATIC = {
    "app.js": "text/javascript",
    "style.css": "text/css",
    "vendor/hls.light.min.js": "text/javascript",
}
TRACK_URN = re.compile(r"soundcloud:tracks:\d+")
WAVEFORM_POINTS = 600


@dataclass
class Page:
    """Everything one running page holds: settings, filters, store session, client, cache."""

    cfg: Config
    filters: listening.QueueFilters
    guard: Guard
    db: Store | None = None
    client: SoundCloudClient | None = None
    cache: AudioCache = field(default_factory=AudioCache)
    mirrored: set[str] = field(default_factory=set)

    @property
    def conn(self) -> Store:
        assert self.db is not None
        return self.db


def build_app(page: Page) -> web.Application:
    """The app with its routes and the guard in front of all of them."""
    app = web.Application(middlewares=[page.guard.middleware()], client_max_size=64 * 1024)
    h = Handlers(page)
    app.add_routes(
        [
            web.get("/", h.index),
            web.get("/static/{name:.+}", h.static),
            web.get("/api/queue", h.queue),
            web.get("/api/version", h.version),
            web.get("/api/track/{urn}", h.track),
            web.get("/api/play/{urn}", h.play),
            web.get("/api/audio/{urn}", h.audio),
            web.get("/api/hls/{urn}/{part}", h.hls_stream),
            web.post("/api/verdict", h.verdict),
            web.post("/api/undo", h.undo),
            web.post("/api/listen", h.listen),
        ]
    )
    app.on_startup.append(h.start)
    app.on_cleanup.append(h.stop)
    return app


def _asset(name: str) -> bytes:
    return resources.files("music_minion.web").joinpath("static", *name.split("/")).read_bytes()


class Handlers:
    """The route handlers of one page."""

    def __init__(self, page: Page) -> None:
        self.page = page

    async def start(self, app: web.Application) -> None:
        self.page.db = open_store(self.page.cfg.data_dir)
        self.page.client = SoundCloudClient.from_config(self.page.cfg, auth="user")
        await self.page.client.__aenter__()

    async def stop(self, app: web.Application) -> None:
        if self.page.client is not None:
            await self.page.client.__aexit__(None, None, None)
        if self.page.db is not None:
            self.page.db.close()

    async def index(self, request: web.Request) -> web.Response:
        return web.Response(body=_asset("index.html"), content_type="text/html")

    async def static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in STATIC:
            raise web.HTTPNotFound()
        return web.Response(body=_asset(name), content_type=STATIC[name])

    async def queue(self, request: web.Request) -> web.Response:
        cfg, conn = self.page.cfg, self.page.conn
        limit = request.query.get("limit", "")
        first = int(limit) if limit.isdigit() and int(limit) > 0 else None
        tracks = listening.load_queue(conn, cfg.ranking, cfg.review, self.page.filters, first)
        return web.json_response(
            {
                "version": listening.queue_version(conn),
                "tracks": tracks,
                "mirror_likes": cfg.judgments.mirror_likes,
                "min_listen_seconds": cfg.review.min_listen_seconds,
            }
        )

    async def version(self, request: web.Request) -> web.Response:
        return web.json_response({"version": listening.queue_version(self.page.conn)})

    def _track_row(self, urn: str) -> Any:
        if not TRACK_URN.fullmatch(urn):
            raise web.HTTPBadRequest(
                text='{"error": "not a track URN"}', content_type="application/json"
            )
        try:
            return verdicts.resolve_track(self.page.conn, urn)
        except MinionError:
            raise web.HTTPNotFound(
                text='{"error": "not in the index"}', content_type="application/json"
            ) from None

    async def track(self, request: web.Request) -> web.Response:
        """The waveform (downsampled), where the drop is, and the purchase link."""
        urn = self._track_row(request.match_info["urn"])["urn"]
        assert self.page.client is not None
        out: dict[str, Any] = {"waveform": [], "drop": None, "purchase_url": None}
        try:
            info = await self.page.client.track_media(urn)
            samples = await self.page.client.waveform(info.waveform_url)
        except MinionError as e:
            log.info("no waveform for %s (%s)", urn, type(e).__name__)
            return web.json_response(out)
        step = max(1, len(samples) // WAVEFORM_POINTS)
        out["waveform"] = [
            round(max(samples[i : i + step]), 3) for i in range(0, len(samples), step)
        ]
        out["drop"] = drop_fraction(samples)
        out["purchase_url"], out["purchase_title"] = info.purchase_url or None, info.purchase_title
        return web.json_response(out)

    async def _playable(self, request: web.Request) -> tuple[str, Playable] | web.Response:
        """(URN, the track's stream) from the cache, or the page's cue to use the widget (404)."""
        urn = self._track_row(request.match_info["urn"])["urn"]
        assert self.page.client is not None
        try:
            return urn, await self.page.cache.get(self.page.client, urn)
        except (NoStream, MinionError) as e:
            log.info("no stream for %s (%s)", urn, type(e).__name__)
            return web.json_response({"error": "no stream", "fallback": "widget"}, status=404)

    async def play(self, request: web.Request) -> web.Response:
        """How the page plays the track (web/audio.py's `player`); 404: SoundCloud's widget."""
        got = await self._playable(request)
        return got if isinstance(got, web.Response) else web.json_response(player(*got))

    async def audio(self, request: web.Request) -> web.Response:
        """A progressive stream, with HTTP ranges."""
        got = await self._playable(request)
        if isinstance(got, web.Response):
            return got
        if isinstance(got[1], hls.Hls):
            return web.json_response({"error": "HLS only: ask /api/play"}, status=404)
        return ranged(request, got[1])

    async def hls_stream(self, request: web.Request) -> web.Response:
        """The proxied HLS playlist (`index.m3u8`) or its part n."""
        got = await self._playable(request)
        if isinstance(got, web.Response):
            return got
        urn, stream = got
        if not isinstance(stream, hls.Hls):
            return web.json_response({"error": "not an HLS stream"}, status=404)
        part = request.match_info["part"]
        if part == "index.m3u8":
            return web.Response(body=stream.playlist, content_type=hls.CONTENT_TYPE)
        if not part.isdigit() or int(part) >= len(stream.upstream):
            return web.json_response({"error": "no such part"}, status=404)
        assert self.page.client is not None
        try:
            body, content_type = await hls_part(self.page.client, stream, int(part))
        except MinionError as e:  # e.g. its signature expired: the next ask gets a new playlist
            log.info("no HLS part for %s (%s)", urn, type(e).__name__)
            self.page.cache.forget(urn)
            return web.json_response({"error": "part unavailable"}, status=502)
        return web.Response(
            body=body,
            content_type=content_type.split(";")[0].strip() or "application/octet-stream",
            headers={"Cache-Control": "private, max-age=600"},
        )

    async def _body(self, request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(
                text='{"error": "expected a JSON object"}', content_type="application/json"
            )
        return body

    async def verdict(self, request: web.Request) -> web.Response:
        """Judge a track (the same rules as `judge`: source manual, likes mirrored if asked)."""
        body = await self._body(request)
        row = self._track_row(str(body.get("urn", "")))
        verdict = body.get("verdict")
        if verdict not in verdicts.VERDICTS:
            return web.json_response({"error": "unknown verdict"}, status=400)
        result = verdicts.judge_track(self.page.conn, row["id"], verdict)
        if verdict == "liked" and self.page.cfg.judgments.mirror_likes:
            result["mirrored"] = await self._mirror(row["urn"], like=True)
        return web.json_response({"urn": row["urn"], **result})

    async def undo(self, request: web.Request) -> web.Response:
        """Forget a track's judgment (and the like it mirrored, if it did)."""
        row = self._track_row(str((await self._body(request)).get("urn", "")))
        removed = verdicts.unjudge_track(self.page.conn, row["id"])
        if row["urn"] in self.page.mirrored:
            await self._mirror(row["urn"], like=False)
        return web.json_response({"urn": row["urn"], "removed": removed})

    async def _mirror(self, urn: str, *, like: bool) -> bool | str:
        assert self.page.client is not None
        try:
            await (self.page.client.like(urn) if like else self.page.client.unlike(urn))
        except MinionError as e:
            return type(e).__name__
        (self.page.mirrored.add if like else self.page.mirrored.discard)(urn)
        return True

    async def listen(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        row = self._track_row(str(body.get("urn", "")))
        try:
            seconds = float(body.get("seconds", 0))
        except (TypeError, ValueError):
            return web.json_response({"error": "seconds must be a number"}, status=400)
        if not 0 <= seconds < 86_400:
            return web.json_response({"error": "seconds out of range"}, status=400)
        result = listening.record_listen(self.page.conn, row["id"], seconds, self.page.cfg.review)
        return web.json_response({"urn": row["urn"], **result})
