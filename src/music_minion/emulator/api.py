"""The API host's endpoints: SoundCloud's shapes, pagination and status codes over the world."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import msgspec
from aiohttp import web

from music_minion.emulator import audio
from music_minion.emulator.errors import NotFound, Unprocessable, api_error, json_bytes
from music_minion.emulator.keys import FAULT, PRINCIPAL
from music_minion.emulator.paging import BadParam, PageRequest, next_href, same_href, truthy
from music_minion.emulator.serialize import Serializer
from music_minion.emulator.state import EmulatorState
from music_minion.emulator.world import PLAYLIST_CAP, Playlist, Track, World

ACCESS_LEVELS = ("playable", "preview", "blocked")
DEFAULT_ACCESS = frozenset(("playable", "preview"))
TRACK_URN = re.compile(r"^soundcloud:tracks:\d+$")
OK = msgspec.json.encode({"status": "200 - OK"})
STREAM_KEYS = {
    "http": "http_mp3_128_url",
    "hls": "hls_mp3_128_url",
    "preview": "preview_mp3_128_url",
}


def parse_access(query: Mapping[str, str], default: frozenset[str]) -> frozenset[str]:
    raw = query.get("access")
    if raw is None or raw == "":
        return default
    levels = frozenset(p.strip() for p in raw.split(",") if p.strip())
    bad = levels - set(ACCESS_LEVELS)
    if bad:
        raise BadParam(f"access must be a list of {', '.join(ACCESS_LEVELS)}")
    return levels


class Api:
    """Route handlers bound to one running emulator."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    @property
    def world(self) -> World:
        return self.state.world

    @property
    def ser(self) -> Serializer:
        return self.state.ser

    # ---- paging helpers ------------------------------------------------------------------
    def page(self, request: web.Request, items: list[bytes]) -> web.Response:
        """One page of pre-encoded items: a bare array, or `{collection, next_href}`."""
        pr = PageRequest.from_query(request.query)
        total = len(items)
        start = pr.start(total)
        end = min(start + pr.limit, total)
        if not pr.linked:
            return json_bytes(b"[" + b",".join(items[start:end]) + b"]")
        fault = request.get(FAULT)
        chunk = items[start:end]
        nxt = (
            next_href(self.state.api_base, request.path, request.query, total - end)
            if end < total
            else None
        )
        if fault == "empty_page":
            chunk, nxt = [], same_href(self.state.api_base, request.path, request.query)
        elif fault == "repeat_cursor":
            nxt = same_href(self.state.api_base, request.path, request.query)
        tail = b"}" if nxt is None else b',"next_href":' + msgspec.json.encode(nxt) + b"}"
        return json_bytes(b'{"collection":[' + b",".join(chunk) + b"]" + tail)

    def track_page(
        self,
        request: web.Request,
        key: tuple[Any, ...],
        urns: Callable[[], Iterable[str]],
        default: frozenset[str] = DEFAULT_ACCESS,
    ) -> web.Response:
        access = parse_access(request.query, default)
        world, ser = self.world, self.ser

        def build() -> list[bytes]:
            tracks = world.tracks
            return [
                ser.track_bytes(u)
                for u in urns()
                if u not in world.deleted and tracks[u].access in access
            ]

        return self.page(request, ser.encoded_list((key, access), build))

    def user_page(
        self, request: web.Request, key: tuple[Any, ...], urns: Callable[[], Iterable[str]]
    ) -> web.Response:
        ser = self.ser
        return self.page(
            request, ser.encoded_list(key, lambda: [ser.user_bytes(u) for u in urns()])
        )

    def user_or_404(self, request: web.Request) -> str:
        urn = request.match_info["urn"]
        if urn not in self.world.users:
            raise NotFound(f"user {urn} not found")
        return urn

    def track_or_404(self, request: web.Request) -> str:
        urn = request.match_info["urn"]
        if self.world.track(urn) is None:
            raise NotFound(f"track {urn} not found")
        return urn

    def playlist_or_404(self, request: web.Request) -> Playlist:
        urn = request.match_info["urn"]
        pl = self.world.playlists.get(urn)
        principal = request.get(PRINCIPAL)
        if pl is None or (
            pl.sharing == "private" and getattr(principal, "user_urn", None) != pl.user_urn
        ):
            raise NotFound(f"playlist {urn} not found")
        return pl

    # ---- endpoints -----------------------------------------------------------------------
    async def resolve(self, request: web.Request) -> web.Response:
        url = request.query.get("url")
        if not url:
            return api_error(400, "url is required")
        found = self.world.resolve_url(url)
        if found is None or (
            found[0] == "playlists" and self.world.playlists[found[1]].sharing == "private"
        ):
            return api_error(404, "no resource at that URL")
        location = f"{self.state.api_base}/{found[0]}/{found[1]}"
        body = msgspec.json.encode({"status": "302 - Found", "location": location})
        return json_bytes(body, 302, {"Location": location})

    async def me(self, request: web.Request) -> web.Response:
        return json_bytes(self.ser.me_bytes())

    async def me_likes(self, request: web.Request) -> web.Response:
        me = self.world.me_urn
        return self.track_page(
            request, ("likes", me), lambda: self.world.likes[me], frozenset(ACCESS_LEVELS)
        )

    async def me_followings(self, request: web.Request) -> web.Response:
        me = self.world.me_urn
        return self.user_page(
            request, ("followings", me), lambda: self.world.followings.get(me, [])
        )

    async def me_playlists(self, request: web.Request) -> web.Response:
        show = truthy(request.query.get("show_tracks", "true"))
        w = self.world
        items = [
            self.ser.encode(self.ser.playlist(w.playlists[p], show))
            for p in w.user_playlists[w.me_urn]
        ]
        return self.page(request, items)

    async def user(self, request: web.Request) -> web.Response:
        return json_bytes(self.ser.user_bytes(self.user_or_404(request)))

    async def user_likes(self, request: web.Request) -> web.Response:
        urn = self.user_or_404(request)
        return self.track_page(request, ("likes", urn), lambda: self.world.likes[urn])

    async def user_reposts(self, request: web.Request) -> web.Response:
        urn = self.user_or_404(request)
        return self.track_page(request, ("reposts", urn), lambda: self.world.reposts[urn])

    async def user_tracks(self, request: web.Request) -> web.Response:
        urn = self.user_or_404(request)
        order = (
            request.query.get("sort")
            or request.query.get("direction")
            or request.query.get("order")
            or "desc"
        ).lower()
        if order not in ("asc", "desc"):
            return api_error(400, "sort must be asc or desc")
        if order == "asc":
            return self.track_page(
                request, ("uploads-asc", urn), lambda: self.world.uploads[urn][::-1]
            )
        return self.track_page(request, ("uploads", urn), lambda: self.world.uploads[urn])

    async def user_related(self, request: web.Request) -> web.Response:
        urn = self.user_or_404(request)
        return self.user_page(
            request, ("related-users", urn), lambda: self.world.related_users(urn)
        )

    async def tracks(self, request: web.Request) -> web.Response:
        q = request.query
        if q.get("urns") is not None or q.get("ids") is not None:
            if q.get("ids") is not None:
                return api_error(400, "ids is deprecated: use urns")
            wanted = [u.strip() for u in q["urns"].split(",") if u.strip()]
            if not wanted or len(wanted) > 200:
                return api_error(400, "urns must list 1 to 200 track URNs")
            return self.track_page(
                request,
                ("urns", tuple(wanted)),
                lambda: [u for u in wanted if u in self.world.tracks],
            )
        text = (q.get("q") or "").strip().lower()
        if not text:
            return api_error(400, "q or urns is required")
        w = self.world

        def hits() -> list[str]:
            return [
                u
                for u, t in w.tracks.items()
                if text in t.title.lower() or text in w.users[t.user_urn].username.lower()
            ]

        return self.track_page(request, ("search", text), hits)

    async def track(self, request: web.Request) -> web.Response:
        return json_bytes(self.ser.track_bytes(self.track_or_404(request)))

    async def track_related(self, request: web.Request) -> web.Response:
        urn = self.track_or_404(request)
        return self.track_page(request, ("related", urn), lambda: self.world.related_tracks(urn))

    async def track_favoriters(self, request: web.Request) -> web.Response:
        urn = self.track_or_404(request)
        return self.user_page(request, ("favoriters", urn), lambda: self.world.favoriters(urn))

    async def track_reposters(self, request: web.Request) -> web.Response:
        urn = self.track_or_404(request)
        return self.user_page(request, ("reposters", urn), lambda: self.world.reposters(urn))

    async def playlist(self, request: web.Request) -> web.Response:
        pl = self.playlist_or_404(request)
        show = truthy(request.query.get("show_tracks", "true"))
        return json_bytes(self.ser.encode(self.ser.playlist(pl, show)))

    async def playlist_tracks(self, request: web.Request) -> web.Response:
        pl = self.playlist_or_404(request)
        return self.track_page(request, ("playlist", pl.urn), lambda: list(pl.tracks))

    async def _playlist_body(self, request: web.Request) -> dict[str, Any]:
        try:
            body = msgspec.json.decode(await request.read())
        except msgspec.DecodeError:
            raise BadParam('body must be JSON {"playlist": {...}}') from None
        fields = body.get("playlist") if isinstance(body, dict) else None
        if not isinstance(fields, dict):
            raise BadParam('body must be JSON {"playlist": {...}}')
        return fields

    def _track_list(self, fields: dict[str, Any]) -> list[str] | None:
        tracks = fields.get("tracks")
        if tracks is None:
            return None
        if not isinstance(tracks, list) or not all(
            isinstance(t, dict) and isinstance(t.get("urn"), str) for t in tracks
        ):
            raise Unprocessable('playlist.tracks must be a list of {"urn": ...}')
        urns = [t["urn"] for t in tracks]
        bad = [u for u in urns if not TRACK_URN.match(u)]
        if bad:
            raise Unprocessable(f"not a track URN: {bad[0]}")
        if len(urns) > PLAYLIST_CAP:
            raise Unprocessable(f"a playlist holds at most {PLAYLIST_CAP} tracks")
        # Like SoundCloud, unknown or deleted tracks are dropped rather than failing the request.
        return [u for u in urns if self.world.track(u) is not None]

    def _text(self, fields: dict[str, Any], key: str) -> str | None:
        value = fields.get(key)
        if value is not None and not isinstance(value, str):
            raise Unprocessable(f"playlist.{key} must be a string")
        return value

    def _sharing(self, fields: dict[str, Any]) -> str | None:
        sharing = self._text(fields, "sharing")
        if sharing is not None and sharing not in ("public", "private"):
            raise Unprocessable("playlist.sharing must be public or private")
        return sharing

    async def create_playlist(self, request: web.Request) -> web.Response:
        fields = await self._playlist_body(request)
        title = self._text(fields, "title")
        if not title or not title.strip():
            raise Unprocessable("playlist.title is required")
        tracks = self._track_list(fields) or []
        sharing = self._sharing(fields) or "public"
        pl = self.world.create_playlist(
            request[PRINCIPAL].user_urn,
            title,
            tracks,
            sharing,
            self._text(fields, "description") or "",
        )
        return json_bytes(self.ser.encode(self.ser.playlist(pl)), 201)

    async def update_playlist(self, request: web.Request) -> web.Response:
        pl = self.playlist_or_404(request)
        if pl.user_urn != request[PRINCIPAL].user_urn:
            return api_error(403, "you do not own this playlist")
        fields = await self._playlist_body(request)
        title = self._text(fields, "title")
        if title is not None and not title.strip():
            raise Unprocessable("playlist.title must not be empty")
        pl = self.world.update_playlist(
            pl.urn,
            title=title,
            sharing=self._sharing(fields),
            description=self._text(fields, "description"),
            tracks=self._track_list(fields),
        )
        return json_bytes(self.ser.encode(self.ser.playlist(pl)))

    async def delete_playlist(self, request: web.Request) -> web.Response:
        pl = self.playlist_or_404(request)
        if pl.user_urn != request[PRINCIPAL].user_urn:
            return api_error(403, "you do not own this playlist")
        self.world.delete_playlist(pl.urn)
        return json_bytes(OK)

    async def like(self, request: web.Request) -> web.Response:
        urn = self.track_or_404(request)
        self.world.add_like(request[PRINCIPAL].user_urn, urn)
        return json_bytes(OK)

    async def unlike(self, request: web.Request) -> web.Response:
        urn = self.track_or_404(request)
        self.world.remove_like(request[PRINCIPAL].user_urn, urn)
        return json_bytes(OK)

    # ---- listening -------------------------------------------------------------------------
    async def streams(self, request: web.Request) -> web.Response:
        """The track's stream URLs: none for a blocked track (403), only the preview for a
        preview-only one, no progressive MP3 for an HLS-only one."""
        urn = self.track_or_404(request)
        track = self.world.tracks[urn]
        if track.access == "blocked":
            return api_error(403, "403 - Forbidden")
        base = f"{self.state.api_base}/tracks/{urn}/streams"
        urls = {
            kind: f"{base}/{path}" for path, kind in STREAM_KEYS.items() if path in _kinds(track)
        }
        return json_bytes(msgspec.json.encode(urls))

    async def stream(self, request: web.Request) -> web.Response:
        """A stream URL redirects to a signed media URL: the MP3 (`http`, `preview`) or the HLS
        media playlist (`hls`) of the track's generated audio."""
        urn = self.track_or_404(request)
        track = self.world.tracks[urn]
        kind = request.match_info["stream"]
        if kind not in _kinds(track):
            raise NotFound("no such stream")
        name = f"{track.id}.m3u8" if kind == "hls" else f"{track.id}.mp3"
        location = audio.media_url(self.state.api_base, self.state.client_secret, name)
        return web.Response(status=302, headers={"Location": location})


def _kinds(track: Track) -> frozenset[str]:
    """The streams a track offers (the last part of each stream URL)."""
    if track.access == "blocked":
        return frozenset()
    if track.access == "preview":
        return frozenset({"preview"})
    return frozenset({"hls", "preview"} if track.hls_only else {"http", "hls", "preview"})
