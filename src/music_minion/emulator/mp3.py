"""MP3 for the emulator's streams: 16-bit mono samples encoded with LAME (`lameenc`), and an MP3
cut at frame boundaries into HLS segments (packed audio, as SoundCloud's `hls_mp3_128_url` serves).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import lameenc

BITRATE_KBPS = 32
# Layer III bit rates (kbit/s) by version (MPEG-1, else MPEG-2/2.5) and index; sample rates by
# version bits (3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5) and index.
_BITRATES = {
    True: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    False: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


@dataclass(frozen=True)
class Frame:
    """One MP3 frame: where it starts in the file, its length in bytes and in samples."""

    offset: int
    length: int
    samples: int
    rate: int


def encode(pcm: array[int], rate: int) -> bytes:
    """Mono 16-bit samples at `rate` Hz (one LAME accepts) as a constant-bit-rate MP3."""
    enc = lameenc.Encoder()
    enc.set_bit_rate(BITRATE_KBPS)
    enc.set_in_sample_rate(rate)
    enc.set_out_sample_rate(rate)
    enc.set_channels(1)
    enc.set_quality(7)
    return bytes(enc.encode(pcm.tobytes())) + bytes(enc.flush())


def frame_at(data: bytes, offset: int) -> Frame | None:
    """The Layer III frame whose header is at `offset`, or None when there is none."""
    if offset + 4 > len(data) or data[offset] != 0xFF or data[offset + 1] & 0xE0 != 0xE0:
        return None
    version, layer = (data[offset + 1] >> 3) & 3, (data[offset + 1] >> 1) & 3
    rate_index, bitrate_index = (data[offset + 2] >> 2) & 3, data[offset + 2] >> 4
    if layer != 1 or version not in _RATES or rate_index == 3 or bitrate_index in (0, 15):
        return None
    mpeg1 = version == 3
    rate = _RATES[version][rate_index]
    samples = 1152 if mpeg1 else 576
    padding = (data[offset + 2] >> 1) & 1
    length = samples // 8 * _BITRATES[mpeg1][bitrate_index] * 1000 // rate + padding
    return Frame(offset, length, samples, rate)


def frames(data: bytes) -> list[Frame]:
    """The file's frames in order (a leading ID3 tag or junk between frames is skipped)."""
    out: list[Frame] = []
    offset = 0
    while offset < len(data):
        frame = frame_at(data, offset)
        if frame is None:
            offset += 1
            continue
        out.append(frame)
        offset += frame.length
    return out


def split(data: bytes, seconds: float) -> list[tuple[bytes, float]]:
    """The MP3 cut into pieces of about `seconds` each, at frame boundaries: (bytes, duration)."""
    pieces: list[tuple[bytes, float]] = []
    start: Frame | None = None
    duration = 0.0
    for frame in frames(data):
        start = start or frame
        duration += frame.samples / frame.rate
        if duration >= seconds:
            pieces.append((data[start.offset : frame.offset + frame.length], duration))
            start, duration = None, 0.0
    if start is not None:
        pieces.append((data[start.offset :], duration))
    return pieces
