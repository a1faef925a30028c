"""The page's audio: fetched by the local server with the user's token (which never reaches the
page), kept in a small cache so the prefetched next track starts at once. A progressive stream is
served with HTTP ranges so the audio element can seek; an HLS one as a rewritten playlist whose
parts this server fetches (web/hls.py). Also where "the drop" is, from the waveform.
"""

from __future__ import annotations

import asyncio
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote

from aiohttp import web

from music_minion.soundcloud.media import Streams
from music_minion.web import hls

_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


class MediaSource(Protocol):
    """What the audio proxy needs from the SoundCloud client."""

    async def streams(self, track_urn: str) -> Streams: ...
    async def stream_location(self, stream_url: str) -> str: ...
    async def fetch_public(self, url: str, what: str) -> tuple[bytes, str]: ...


@dataclass(frozen=True)
class Audio:
    """A track's audio: bytes, content type, and `full` or `preview`."""

    body: bytes
    content_type: str
    kind: str


Playable = Audio | hls.Hls


class NoStream(Exception):
    """The API offers no stream the page can play (it uses the widget)."""


class AudioCache:
    """The last `size` tracks' audio; concurrent requests for one track share one fetch."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._done: OrderedDict[str, Playable] = OrderedDict()
        self._pending: dict[str, asyncio.Task[Playable]] = {}

    async def get(self, source: MediaSource, urn: str) -> Playable:
        if urn in self._done:
            self._done.move_to_end(urn)
            return self._done[urn]
        task = self._pending.get(urn)
        if task is None:
            task = self._pending[urn] = asyncio.ensure_future(fetch_audio(source, urn))
        try:
            audio = await asyncio.shield(task)
        finally:
            if task.done():
                self._pending.pop(urn, None)
        self._done[urn] = audio
        while len(self._done) > self.size:
            self._done.popitem(last=False)
        return audio

    def forget(self, urn: str) -> None:
        """Drop a track's stream (its signed URLs failed): the next ask fetches it afresh."""
        self._done.pop(urn, None)


async def fetch_audio(source: MediaSource, urn: str) -> Playable:
    """The track's best stream (in `Streams.best`'s order), followed through its redirect: the
    audio of a progressive stream, the rewritten playlist of an HLS one."""
    chosen = (await source.streams(urn)).best()
    if chosen is None:
        raise NoStream(urn)
    location = await source.stream_location(chosen.url)
    body, content_type = await source.fetch_public(location, "stream")
    if not chosen.hls:
        return Audio(body, content_type.split(";")[0].strip() or "audio/mpeg", chosen.kind)
    try:
        text, upstream = hls.rewrite(body.decode("utf-8"), location, lambda n: hls_path(urn, n))
    except (UnicodeDecodeError, hls.NotMediaPlaylist) as e:
        raise NoStream(f"{urn}: {e}") from None
    return hls.Hls(text.encode(), upstream, chosen.kind)


def hls_path(urn: str, part: int | str) -> str:
    """The local path of a track's HLS playlist (`index.m3u8`) or of its part n."""
    return f"/api/hls/{quote(urn, safe='')}/{part}"


def player(urn: str, playable: Playable) -> dict[str, str]:
    """How the page plays it: `{"player": "audio" | "hls", "src": local path, "kind"}`."""
    if isinstance(playable, Audio):
        src = f"/api/audio/{quote(urn, safe='')}"
        return {"player": "audio", "src": src, "kind": playable.kind}
    return {"player": "hls", "src": hls_path(urn, "index.m3u8"), "kind": playable.kind}


async def hls_part(source: MediaSource, stream: hls.Hls, n: int) -> tuple[bytes, str]:
    """Part n of a proxied HLS stream (body, content type), fetched once."""
    if n not in stream.parts:
        stream.parts[n] = await source.fetch_public(stream.upstream[n], "stream segment")
    return stream.parts[n]


def ranged(request: web.Request, audio: Audio) -> web.Response:
    """The audio, or the byte range the request asks for (206), or 416."""
    size = len(audio.body)
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, max-age=600"}
    header = request.headers.get("Range")
    m = _RANGE.match(header.strip()) if header else None
    if m is None or not (m.group(1) or m.group(2)):
        return web.Response(body=audio.body, content_type=audio.content_type, headers=headers)
    if m.group(1):
        start = int(m.group(1))
        end = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
    else:
        start, end = max(0, size - int(m.group(2))), size - 1
    if start >= size or start > end:
        return web.Response(status=416, headers={"Content-Range": f"bytes */{size}"})
    headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return web.Response(
        status=206,
        body=audio.body[start : end + 1],
        content_type=audio.content_type,
        headers=headers,
    )


def drop_fraction(samples: list[float], intro: float = 0.05, window: float = 0.04) -> float | None:
    """Where the drop is, as a fraction of the track: the start of the loudest sustained section
    after the intro. The mean level over a sliding window (`window` of the track) is taken; the
    first window start after `intro` whose mean reaches 95 % of the loudest is the drop."""
    n = len(samples)
    w = max(1, int(n * window))
    if n < 2 * w:
        return None
    sums = [0.0]
    for s in samples:
        sums.append(sums[-1] + s)
    means = [(sums[i + w] - sums[i]) / w for i in range(n - w + 1)]
    first = int(n * intro)
    loudest = max(means[first:], default=0.0)
    if loudest <= 0:
        return None
    start = next(i for i in range(first, len(means)) if means[i] >= 0.95 * loudest)
    return start / n
