"""Write small, real, tagged audio files (for tests, benchmarks and demos).

FLAC, Ogg Vorbis, Opus, MP3 and AIFF audio is encoded by libsndfile (the `soundfile` package, a
dev dependency); WAV is written with the standard library's `wave`, and M4A, which has no
libsndfile encoder, is a minimal valid MP4 container (one AAC sound track, no samples) assembled
here by hand, so those two need no extra package (the demo uses them). Tags are then written with
mutagen, the same library the scanner reads them with, where `tags.TAG_FIELDS` places them in each
format's own tag system.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

from music_minion.library.tags import TAG_FIELDS

SAMPLE_FORMATS = ("mp3", "flac", "ogg", "opus", "wav", "aiff", "m4a")
_SF = {  # extension -> (libsndfile format, subtype, sample rate)
    "aiff": ("AIFF", "PCM_16", 44100),
    "flac": ("FLAC", "PCM_16", 44100),
    "ogg": ("OGG", "VORBIS", 44100),
    "opus": ("OGG", "OPUS", 48000),
    "mp3": ("MP3", "MPEG_LAYER_III", 44100),
}


def audio_bytes(fmt: str, seconds: float = 0.2) -> bytes:
    """Untagged audio of `seconds` (a quiet sine) in format `fmt`."""
    if fmt == "m4a":
        return _mp4_container(seconds)
    if fmt == "wav":
        return _wav(seconds)
    import io

    import numpy as np
    import soundfile  # type: ignore[import-untyped]

    sf_format, subtype, rate = _SF[fmt]
    n = max(1, int(rate * seconds))
    samples = (0.1 * np.sin(np.arange(n, dtype="float32") * 2 * np.pi * 440 / rate)).astype(
        "float32"
    )
    buf = io.BytesIO()
    soundfile.write(buf, samples, rate, format=sf_format, subtype=subtype)
    return buf.getvalue()


def _wav(seconds: float, rate: int = 44100) -> bytes:
    """16-bit mono PCM WAV of a quiet 440 Hz sine, with the standard library only."""
    import io
    import math
    import sys
    import wave
    from array import array

    n = max(1, int(rate * seconds))
    pcm = array("h", (int(3276 * math.sin(i * 2 * math.pi * 440 / rate)) for i in range(n)))
    if sys.byteorder == "big":
        pcm.byteswap()  # WAV is little-endian
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


def write_sample(
    path: str | Path,
    fmt: str | None = None,
    *,
    seconds: float = 0.2,
    audio: bytes | None = None,
    **tags: Any,
) -> Path:
    """Write an audio file with `tags` (title, artist, album, bpm, key, year, urn, comment, url).

    `fmt` defaults to the file's extension; `audio` reuses bytes from `audio_bytes` (faster in bulk).
    With no tags the file is left tagless.
    """
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    path.write_bytes(audio if audio is not None else audio_bytes(fmt, seconds))
    tags = {k: v for k, v in tags.items() if v is not None}
    if tags:
        write_tags(path, fmt, **tags)
    return path


def write_tags(path: Path, fmt: str, **tags: Any) -> None:
    """Write tags into an existing audio file with mutagen."""
    if fmt in ("mp3", "wav", "aiff"):
        _write_id3(path, fmt, tags)
    elif fmt in ("flac", "ogg", "opus"):
        _write_vorbis(path, fmt, tags)
    elif fmt == "m4a":
        _write_mp4(path, tags)
    else:
        raise ValueError(f"no tag writer for {fmt!r}")


def _write_id3(path: Path, fmt: str, tags: dict[str, Any]) -> None:
    import mutagen.id3

    id3: Any = mutagen.id3
    frames = [_id3_frame(id3, TAG_FIELDS[n].id3[0], v) for n, v in _in_table_order(tags)]
    if fmt == "mp3":
        tag = id3.ID3()
        for f in frames:
            tag.add(f)
        tag.save(path)
        return
    from mutagen.aiff import AIFF
    from mutagen.wave import WAVE

    audio: Any = (WAVE if fmt == "wav" else AIFF)(path)
    audio.add_tags()
    for f in frames:
        audio.tags.add(f)
    audio.save()


def _in_table_order(tags: dict[str, Any]) -> list[tuple[str, Any]]:
    """The tags that have a place in TAG_FIELDS, in its order (others are not written)."""
    return [(name, tags[name]) for name in TAG_FIELDS if name in tags]


def _id3_frame(id3: Any, key: str, value: Any) -> Any:
    """The ID3 frame for a TAG_FIELDS key: a user text, comment, link or text frame."""
    if key.startswith("TXXX:"):
        return id3.TXXX(encoding=3, desc=key[5:], text=[str(value)])
    if key == "COMM":
        return id3.COMM(encoding=3, lang="eng", desc="", text=[str(value)])
    if key.startswith("W"):
        return getattr(id3, key)(url=str(value))
    return getattr(id3, key)(encoding=3, text=[str(value)])


def _write_vorbis(path: Path, fmt: str, tags: dict[str, Any]) -> None:
    from mutagen.flac import FLAC
    from mutagen.oggopus import OggOpus
    from mutagen.oggvorbis import OggVorbis

    opener: dict[str, Any] = {"flac": FLAC, "ogg": OggVorbis, "opus": OggOpus}
    audio = opener[fmt](path)
    for name, value in _in_table_order(tags):
        audio[TAG_FIELDS[name].vorbis[0]] = [str(value)]
    audio.save()


def _write_mp4(path: Path, tags: dict[str, Any]) -> None:
    import mutagen.mp4

    mp4: Any = mutagen.mp4
    audio = mp4.MP4(path)
    if audio.tags is None:
        audio.add_tags()
    for name, value in _in_table_order(tags):
        atom = TAG_FIELDS[name].mp4[0]
        if atom.startswith("----:"):  # freeform, under the iTunes mean
            audio.tags[f"----:com.apple.iTunes:{atom[5:]}"] = [mp4.MP4FreeForm(str(value).encode())]
        elif atom == "tmpo":  # a number atom
            audio.tags[atom] = [int(round(float(value)))]
        else:
            audio.tags[atom] = [str(value)]
    audio.save()


def _atom(name: bytes, *parts: bytes) -> bytes:
    body = b"".join(parts)
    return struct.pack(">I", 8 + len(body)) + name + body


def _full(name: bytes, body: bytes, version: int = 0, flags: int = 0) -> bytes:
    return _atom(name, struct.pack(">I", (version << 24) | flags), body)


def _mp4_container(seconds: float) -> bytes:
    """A minimal M4A: ftyp + moov (mvhd, one sound trak with an mp4a sample entry) + empty mdat."""
    rate = 44100
    units = int(seconds * rate)
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = _full(
        b"mvhd",
        struct.pack(">IIII", 0, 0, rate, units)
        + struct.pack(">IH", 0x10000, 0x100)
        + b"\0" * 10
        + matrix
        + b"\0" * 24
        + struct.pack(">I", 2),
    )
    tkhd = _full(
        b"tkhd",
        struct.pack(">IIIII", 0, 0, 1, 0, units)
        + b"\0" * 8
        + struct.pack(">HHHH", 0, 0, 0x100, 0)
        + matrix
        + struct.pack(">II", 0, 0),
        flags=7,
    )
    mdhd = _full(b"mdhd", struct.pack(">IIII", 0, 0, rate, units) + struct.pack(">HH", 0x55C4, 0))
    hdlr = _full(b"hdlr", struct.pack(">I", 0) + b"soun" + b"\0" * 12 + b"SoundHandler\0")
    esds = _full(
        b"esds",
        bytes([0x03, 0x19, 0, 1, 0, 0x04, 0x11, 0x40, 0x15])
        + b"\0" * 3
        + struct.pack(">II", 128000, 128000)
        + bytes([0x05, 0x02, 0x12, 0x10, 0x06, 0x01, 0x02]),
    )
    mp4a = _atom(
        b"mp4a",
        b"\0" * 6
        + struct.pack(">H", 1)
        + b"\0" * 8
        + struct.pack(">HHHH", 2, 16, 0, 0)
        + struct.pack(">I", rate << 16)
        + esds,
    )
    stsd = _full(b"stsd", struct.pack(">I", 1) + mp4a)
    empty = struct.pack(">I", 0)
    stbl = _atom(
        b"stbl",
        stsd,
        _full(b"stts", empty),
        _full(b"stsc", empty),
        _full(b"stsz", struct.pack(">II", 0, 0)),
        _full(b"stco", empty),
    )
    dref = _full(b"dref", struct.pack(">I", 1) + _full(b"url ", b"", flags=1))
    minf = _atom(b"minf", _full(b"smhd", struct.pack(">HH", 0, 0)), _atom(b"dinf", dref), stbl)
    trak = _atom(b"trak", tkhd, _atom(b"mdia", mdhd, hdlr, minf))
    ftyp = _atom(b"ftyp", b"M4A " + struct.pack(">I", 0) + b"M4A mp42isom")
    return ftyp + _atom(b"moov", mvhd, trak) + _atom(b"mdat", b"")
