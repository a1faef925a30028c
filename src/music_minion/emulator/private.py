"""The API host's private test endpoints under `/_emulator/` (no token, no faults, not counted).

`GET /_emulator/stats`, `POST /_emulator/stats/reset`, `GET /_emulator/world`,
`GET /_emulator/users/{urn}/{likes|reposts|uploads}`, `GET|PUT /_emulator/faults` (`{"spec", "rate"}`),
`POST /_emulator/mutate` (`{"likes", "reposts", "uploads", "delete", "me_likes", "artists"}`),
`POST /_emulator/tokens/expire`.

Listening (the stand-ins of SoundCloud's CDN hosts, and the truth about the audio):
`GET /_emulator/media/{id}.mp3?signature=` (a stream URL's redirect target: the generated audio,
refused without its signature; `{id}.m3u8` is its HLS media playlist, `{id}_{n}.mp3` segment n),
`GET /_emulator/wave/{id}_m.json` (the waveform JSON beside a track's `waveform_url`),
`GET /_emulator/tracks/{urn}/audio` (`{"drop_s", "length_s", "pitch_hz"}`: where the drop really
is).

A taste world's truth and time (404 on any other world): `GET /_emulator/taste` (the model, the
listener's and curators' tastes), `POST /_emulator/taste/tracks` (`{"urns"}` → each track's true
like probability, styles, quality), `POST /_emulator/taste/advance` (`{"weeks"}`), and
`POST /_emulator/taste/listen` (`{"playlist", "heard_share", "dismiss_share"}`: the simulated
listener hears that playlist, likes and dismisses; see `listener`).
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from aiohttp import web

from music_minion.emulator import audio
from music_minion.emulator.errors import api_error, json_bytes
from music_minion.emulator.state import EmulatorState
from music_minion.emulator.taste import Taste

PREFIX = "/_emulator/"
MEDIA_NAME = re.compile(r"(\d+)(?:_(\d+)\.mp3|\.(mp3|m3u8))")
MUTATIONS = frozenset({"likes", "reposts", "uploads", "delete", "me_likes", "artists"})


class Private:
    """The test endpoints of one emulator."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    async def stats(self, request: web.Request) -> web.Response:
        return _json(self.state.stats())

    async def reset(self, request: web.Request) -> web.Response:
        self.state.reset_stats()
        return _json({"ok": True})

    async def world(self, request: web.Request) -> web.Response:
        w = self.state.world
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

    async def user_list(self, request: web.Request) -> web.Response:
        urn, kind = request.match_info["urn"], request.match_info["kind"]
        if urn not in self.state.world.users or kind not in ("likes", "reposts", "uploads"):
            return api_error(404, "unknown user or list")
        return _json({"urns": self.state.world.list_for(kind, urn)})

    async def get_faults(self, request: web.Request) -> web.Response:
        bucket = self.state.bucket
        return _json(
            {
                "faults": self.state.faults.spec.describe(),
                "rate": bucket.rate if bucket else None,
            }
        )

    async def put_faults(self, request: web.Request) -> web.Response:
        body = await _body(request)
        try:
            if "spec" in body:
                self.state.set_faults(body["spec"])
            if "rate" in body:
                self.state.set_rate(body["rate"])
        except (ValueError, TypeError) as e:
            return api_error(400, str(e))
        return await self.get_faults(request)

    async def mutate(self, request: web.Request) -> web.Response:
        body = await _body(request)
        if set(body) - MUTATIONS:
            return api_error(400, f"unknown mutation field(s); use {', '.join(sorted(MUTATIONS))}")
        try:
            return _json(self.state.world.mutate(**body))
        except (TypeError, ValueError, KeyError, IndexError) as e:
            return api_error(400, f"bad mutation: {e}")

    async def expire(self, request: web.Request) -> web.Response:
        return _json({"expired": self.state.oauth.expire_all()})

    # ---- a taste world -----------------------------------------------------------------------
    def _taste(self) -> Taste:
        taste = self.state.world.taste
        if taste is None:
            raise web.HTTPNotFound(reason="this world has no taste model")
        return taste

    async def taste(self, request: web.Request) -> web.Response:
        return _json({**self._taste().describe(), "clock": self.state.world.clock})

    async def taste_tracks(self, request: web.Request) -> web.Response:
        taste, urns = self._taste(), (await _body(request)).get("urns")
        if not isinstance(urns, list) or not all(isinstance(u, str) for u in urns):
            return api_error(400, "urns must be a list of track URNs")
        return _json({"tracks": {u: taste.track_truth(u) for u in urns}})

    async def taste_advance(self, request: web.Request) -> web.Response:
        from music_minion.emulator.taste_world import advance

        taste, weeks = self._taste(), (await _body(request)).get("weeks", 1)
        if not isinstance(weeks, int) or not 1 <= weeks <= 520:
            return api_error(400, "weeks must be a whole number in 1..520")
        return _json(advance(self.state.world, taste, weeks))

    async def taste_listen(self, request: web.Request) -> web.Response:
        from music_minion.emulator.listener import listen

        taste, body = self._taste(), await _body(request)
        try:
            return _json(
                listen(
                    self.state.world,
                    taste,
                    str(body.get("playlist", "")),
                    heard_share=body.get("heard_share"),
                    dismiss_share=body.get("dismiss_share"),
                )
            )
        except KeyError as e:
            return api_error(404, str(e))
        except (TypeError, ValueError) as e:
            return api_error(400, str(e))


def _json(data: Any) -> web.Response:
    return json_bytes(msgspec.json.encode(data))


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = msgspec.json.decode(await request.read()) if request.can_read_body else {}
    except msgspec.DecodeError:
        body = None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(reason="body must be a JSON object")
    return body


def _track_id(name: str, suffix: str) -> int | None:
    head = name.removesuffix(suffix)
    return int(head) if head != name and head.isdigit() else None


class Listening:
    """The CDN stand-ins: signed audio and waveform JSON, and each track's known drop."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    def _known(self, track_id: int | None) -> bool:
        """A live track's (a deleted one's media is gone too)."""
        return (
            track_id is not None
            and self.state.world.track(f"soundcloud:tracks:{track_id}") is not None
        )

    async def media(self, request: web.Request) -> web.Response:
        """A signed media file: `{id}.mp3` (the whole track), `{id}.m3u8` (its HLS media
        playlist, whose segment URLs are signed too) or `{id}_{n}.mp3` (segment n)."""
        name = request.match_info["name"]
        m = MEDIA_NAME.fullmatch(name)
        if m is None or not self._known(int(m.group(1))):
            return api_error(404, "not found")
        if not audio.signed_ok(self.state.client_secret, name, request.query.get("signature", "")):
            return api_error(403, "signature does not match")
        tid, segment = int(m.group(1)), m.group(2)
        if m.group(3) == "m3u8":
            base, secret = self.state.api_base, self.state.client_secret
            text = audio.playlist(tid, lambda n: audio.media_url(base, secret, f"{tid}_{n}.mp3"))
            return web.Response(text=text, content_type="application/vnd.apple.mpegurl")
        if segment is None:
            return web.Response(body=audio.mp3_bytes(tid), content_type="audio/mpeg")
        parts = audio.segments(tid)
        if int(segment) >= len(parts):
            return api_error(404, "not found")
        return web.Response(body=parts[int(segment)][0], content_type="audio/mpeg")

    async def wave(self, request: web.Request) -> web.Response:
        track_id = _track_id(request.match_info["name"], "_m.json")
        if track_id is None or not self._known(track_id):
            return api_error(404, "not found")
        return _json(audio.waveform(track_id))

    async def truth(self, request: web.Request) -> web.Response:
        track = self.state.world.tracks.get(request.match_info["urn"])
        if track is None:
            return api_error(404, "unknown track")
        p = audio.plan(track.id)
        return _json({"drop_s": p.drop_s, "length_s": p.length_s, "pitch_hz": p.pitch_hz})
