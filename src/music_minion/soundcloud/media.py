"""What listening needs from SoundCloud: a track's stream URLs, its waveform and purchase link.

Stream URLs (`/tracks/{urn}/streams`) are API URLs that redirect, with the token, to short-lived
signed CDN URLs; waveforms are JSON files (`{"samples": [...]}`) beside the track's `waveform_url`
PNG. Both are read tolerantly: a missing or malformed field becomes None.
"""

from __future__ import annotations

import msgspec

from music_minion.soundcloud.models import Malformed


class Stream(msgspec.Struct, frozen=True):
    """The stream chosen to play: `full` or `preview`, its API URL, and whether it is HLS."""

    kind: str
    url: str
    hls: bool = False


class Streams(msgspec.Struct, frozen=True):
    """A track's stream URLs (any may be missing)."""

    http_mp3_128_url: str | None = None
    hls_mp3_128_url: str | None = None
    hls_aac_160_url: str | None = None
    hls_opus_64_url: str | None = None
    preview_mp3_128_url: str | None = None

    def best(self) -> Stream | None:
        """The stream to play: the full progressive MP3, else the full track over HLS (MP3, then
        AAC), else the preview; None when nothing playable is offered (Opus is not: browsers'
        HLS players do not take it)."""
        if self.http_mp3_128_url:
            return Stream("full", self.http_mp3_128_url)
        hls = self.hls_mp3_128_url or self.hls_aac_160_url
        if hls:
            return Stream("full", hls, hls=True)
        if self.preview_mp3_128_url:
            return Stream("preview", self.preview_mp3_128_url)
        return None


class TrackMedia(msgspec.Struct, frozen=True):
    """The fields of a track that listening uses and the index does not keep."""

    waveform_url: str | None = None
    purchase_url: str | None = None
    purchase_title: str | None = None
    permalink_url: str | None = None


class _Waveform(msgspec.Struct):
    samples: list[float] = []
    height: float | None = None


def decode_streams(body: bytes) -> Streams:
    try:
        return msgspec.json.decode(body, type=Streams)
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        raise Malformed(str(e)) from None


def decode_track_media(body: bytes) -> TrackMedia:
    try:
        return msgspec.json.decode(body, type=TrackMedia)
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        raise Malformed(str(e)) from None


def decode_waveform(body: bytes) -> list[float]:
    """The waveform's samples scaled to 0..1 (empty when there are none)."""
    try:
        w = msgspec.json.decode(body, type=_Waveform)
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        raise Malformed(str(e)) from None
    top = w.height or max(w.samples, default=0.0) or 1.0
    return [max(0.0, min(1.0, s / top)) for s in w.samples]


def waveform_json_url(waveform_url: str | None) -> str | None:
    """The JSON sibling of a waveform PNG URL."""
    if not waveform_url:
        return None
    head, _, _ = waveform_url.rpartition(".")
    return f"{head}.json" if head else None
