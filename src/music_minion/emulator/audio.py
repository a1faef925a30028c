"""Generated audio for every track: short, distinct, with a quiet intro, a build and a drop.

Each track gets a tone of its own pitch, `LENGTH_S` seconds long: quiet until the build starts,
rising through the build, and loud from the drop (`drop_s`, which depends on the track) to the
end. The waveform JSON is read from the same samples (the peak of each of `WIDTH` slices), so
the page's "skip to the drop" can be checked against the known drop. Served as a 16 kHz mono
MP3 (progressive), or as an HLS media playlist of MP3 segments cut from that same MP3.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from music_minion.emulator import mp3

RATE = 16000
SEGMENT_S = 4.0
LENGTH_S = 24.0
BUILD_S = 5.0
WIDTH, HEIGHT = 1800, 140
QUIET, BUILD_FROM, BUILD_TO, LOUD = 0.05, 0.12, 0.4, 0.9


@dataclass(frozen=True)
class Plan:
    """What a track's audio is made of."""

    pitch_hz: float
    drop_s: float
    length_s: float = LENGTH_S

    @property
    def build_s(self) -> float:
        return self.drop_s - BUILD_S


def plan(track_id: int) -> Plan:
    """The track's pitch (one of 24 from 121 to 400 Hz, a whole number of samples per cycle) and
    drop time (12 to 16 s, by quarter seconds)."""
    period = 40 + 4 * (track_id % 24)
    return Plan(pitch_hz=RATE / period, drop_s=12.0 + (track_id * 7 % 17) / 4)


def _amplitude(p: Plan, t: float) -> float:
    if t < p.build_s:
        return QUIET
    if t < p.drop_s:
        return BUILD_FROM + (BUILD_TO - BUILD_FROM) * (t - p.build_s) / BUILD_S
    return LOUD


@lru_cache(maxsize=32)
def samples(track_id: int) -> array[int]:
    """The track's 16-bit samples: whole cycles of its tone, scaled by the section's level (the
    steady sections are repeated cycles, so generating a track takes milliseconds)."""
    p = plan(track_id)
    period = round(RATE / p.pitch_hz)
    cycle = [
        0.8 * math.sin(2 * math.pi * i / period) + 0.2 * math.sin(4 * math.pi * i / period)
        for i in range(period)
    ]
    total, build, drop = (round(x * RATE) for x in (p.length_s, p.build_s, p.drop_s))

    def steady(level: float, start: int, end: int) -> list[int]:
        scaled = [int(32767 * level * v) for v in cycle]
        reps = scaled * ((end - start) // period + 2)
        offset = start % period
        return reps[offset : offset + end - start]

    out = array("h", steady(QUIET, 0, build))
    phased = cycle[build % period :] + cycle[: build % period]  # continues the intro's phase
    for start in range(build, drop, period):  # the build rises cycle by cycle
        level = 32767 * _amplitude(p, start / RATE)
        out.extend([int(level * v) for v in phased[: min(period, drop - start)]])
    out.extend(steady(LOUD, drop, total))
    return out


@lru_cache(maxsize=32)
def mp3_bytes(track_id: int) -> bytes:
    """The track's audio as an MP3 file."""
    return mp3.encode(samples(track_id), RATE)


@lru_cache(maxsize=32)
def segments(track_id: int) -> list[tuple[bytes, float]]:
    """The track's MP3 cut into HLS segments of about `SEGMENT_S`: (bytes, seconds)."""
    return mp3.split(mp3_bytes(track_id), SEGMENT_S)


def playlist(track_id: int, uri: Callable[[int], str]) -> str:
    """The track's HLS media playlist; `uri(n)` is segment n's URL."""
    parts = segments(track_id)
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        f"#EXT-X-TARGETDURATION:{math.ceil(max(d for _, d in parts))}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
    ]
    for n, (_, seconds) in enumerate(parts):
        lines += [f"#EXTINF:{seconds:.3f},", uri(n)]
    return "\n".join([*lines, "#EXT-X-ENDLIST", ""])


@lru_cache(maxsize=32)
def waveform(track_id: int) -> dict[str, object]:
    """SoundCloud's waveform JSON shape, from the track's own samples."""
    s = samples(track_id)
    size = len(s) / WIDTH
    slices = (s[int(i * size) : max(int((i + 1) * size), int(i * size) + 1)] for i in range(WIDTH))
    peaks = [max(max(part), -min(part)) for part in slices]
    return {"width": WIDTH, "height": HEIGHT, "samples": [round(HEIGHT * v / 32767) for v in peaks]}


def sign(secret: str, name: str) -> str:
    """The signature of a media file name (the emulator's stand-in for a signed CDN URL)."""
    return hmac.new(secret.encode(), name.encode(), hashlib.sha256).hexdigest()[:32]


def media_url(api_base: str, secret: str, name: str) -> str:
    """The signed URL of a media file under `/_emulator/media/`."""
    return f"{api_base}/_emulator/media/{name}?signature={sign(secret, name)}"


def signed_ok(secret: str, name: str, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, name), signature)
