"""Read one audio file's tags with mutagen: title, artist, album, duration, bpm, key, year, SoundCloud id.

Each format keeps tags its own way (ID3 frames in MP3/WAV/AIFF, Vorbis comments in FLAC/Ogg/Opus,
atoms in MP4), so each has a small reader. A SoundCloud identity is taken from a custom tag
(ID3 `TXXX:SOUNDCLOUD_URN`, Vorbis `SOUNDCLOUD_URN`, MP4 `----:com.apple.iTunes:SOUNDCLOUD_URN`) or,
failing that, from a soundcloud.com track URL found in a comment or URL tag. Nothing here raises for
a bad file: the result says why it could not be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

AUDIO_EXTENSIONS = frozenset(
    {".mp3", ".flac", ".m4a", ".mp4", ".aac", ".ogg", ".oga", ".opus", ".wav", ".aif", ".aiff"}
)

URN_RE = re.compile(r"soundcloud:tracks:(\d+)")
_API_URL_RE = re.compile(
    r"api\.soundcloud\.com/tracks/(?:soundcloud(?::|%3A)tracks(?::|%3A))?(\d+)", re.I
)
_PAGE_URL_RE = re.compile(
    r"(?:https?://)?(?:www\.|m\.)?soundcloud\.com/([\w.-]+)/([\w.-]+)(?![\w./-]*/)", re.I
)
_NOT_TRACKS = {
    "sets",
    "likes",
    "reposts",
    "tracks",
    "albums",
    "popular-tracks",
    "followers",
    "following",
    "comments",
}
_FILENAME_RE = re.compile(r"^\s*(?:\d{1,3}[\s.\-_]+)?(?P<artist>.+?)\s+[-–—]\s+(?P<title>.+?)\s*$")


@dataclass(slots=True)
class FileTags:
    """What one file says about itself; `error` set means it could not be read."""

    format: str | None = None
    title: str | None = None
    artist: str | None = None
    album: str | None = None
    duration_ms: int | None = None
    bpm: float | None = None
    key: str | None = None
    year: int | None = None
    sc_urn: str | None = None
    sc_url: str | None = None
    error: str | None = None
    note: str | None = None  # e.g. "no tags; title and artist from the file name"


def read_tags(path: str | Path) -> FileTags:
    """Read `path`'s tags; never raises for a broken, truncated or tagless file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size == 0:
            return FileTags(error="empty file")
    except OSError as e:
        return FileTags(error=f"cannot open: {e.strerror or type(e).__name__}")
    audio, error = _open(path)
    if audio is None:
        return FileTags(error=error or "not a recognised audio file")
    result = FileTags(format=_format_name(audio))
    length = getattr(audio.info, "length", None)
    if length is not None and length <= 0:
        return FileTags(
            format=result.format, error="unreadable: no audio data (truncated or empty stream)"
        )
    if length:
        result.duration_ms = int(round(length * 1000))
    if result.format in ("wav", "aiff") and length and getattr(audio.info, "bitrate", 0):
        expected = (
            audio.info.bitrate * length / 8
        )  # PCM: the header says exactly how much audio follows
        if size < expected * 0.9:
            return FileTags(
                format=result.format,
                error=f"unreadable: truncated ({size * 100 // int(expected)}% of the audio the header announces)",
            )
    raw: dict[str, list[str]] = {}
    try:
        raw = _fields(audio)
    except Exception as e:  # noqa: BLE001 - a damaged tag block loses the tags, not the file
        result.note = f"damaged tags: {_short(e)}"
    result.title = _first(raw.get("title"))
    result.artist = _first(raw.get("artist"))
    result.album = _first(raw.get("album"))
    result.key = _first(raw.get("key"))
    result.bpm = _number(_first(raw.get("bpm")))
    result.year = _year(_first(raw.get("year")))
    result.sc_urn, result.sc_url = _soundcloud_identity(raw)
    if not result.title or not result.artist:
        guess = _FILENAME_RE.match(path.stem.replace("_", " "))
        missing = "no tags" if not raw else "no title/artist tags"
        if guess:
            result.artist = result.artist or guess["artist"]
            result.title = result.title or guess["title"]
            result.note = result.note or f"{missing}; title and artist from the file name"
        else:
            result.title = result.title or path.stem
            result.note = result.note or f"{missing}; title from the file name"
    return result


def _open(path: Path) -> tuple[Any, str | None]:
    """The mutagen file object, trying the extension's class first (faster than sniffing)."""
    import mutagen

    error = None
    cls = _class_for(path.suffix.lower())
    others = [c for c in dict.fromkeys(_classes().values()) if c is not cls]
    for opener in (cls, lambda p: mutagen.File(p, options=others)) if cls else (mutagen.File,):
        try:
            audio = opener(path)
        except OSError as e:
            return None, f"cannot open: {e.strerror or type(e).__name__}"
        except Exception as e:  # noqa: BLE001 - mutagen raises many kinds of errors on hostile input
            error = error or f"unreadable: {_short(e)}"
            continue
        if audio is not None:
            return audio, None
    return None, error


_CLASSES: dict[str, Any] = {}


def _class_for(suffix: str) -> Any:
    return _classes().get(suffix)


def _classes() -> dict[str, Any]:
    if not _CLASSES:
        from mutagen.aiff import AIFF
        from mutagen.flac import FLAC
        from mutagen.mp3 import MP3
        from mutagen.mp4 import MP4
        from mutagen.oggopus import OggOpus
        from mutagen.oggvorbis import OggVorbis
        from mutagen.wave import WAVE

        _CLASSES.update(
            {
                ".mp3": MP3,
                ".flac": FLAC,
                ".m4a": MP4,
                ".mp4": MP4,
                ".ogg": OggVorbis,
                ".oga": OggVorbis,
                ".opus": OggOpus,
                ".wav": WAVE,
                ".aif": AIFF,
                ".aiff": AIFF,
            }
        )
    return _CLASSES


def _short(e: BaseException) -> str:
    text = str(e).strip()
    if not text or text == "error":
        text = "invalid or truncated data"
    return text if len(text) <= 120 else text[:117] + "..."


def _format_name(audio: Any) -> str:
    name = type(audio).__name__.lower()
    return {
        "easymp3": "mp3",
        "wave": "wav",
        "oggvorbis": "ogg",
        "oggopus": "opus",
        "easymp4": "mp4",
    }.get(name, name)


def _fields(audio: Any) -> dict[str, list[str]]:
    """The tags we want from any mutagen file, as lists of text."""
    tags = audio.tags
    if not tags:
        return {}
    from mutagen.id3 import ID3
    from mutagen.mp4 import MP4Tags

    if isinstance(tags, ID3):
        return _id3_fields(tags)
    if isinstance(tags, MP4Tags):
        return _mp4_fields(tags)
    if hasattr(tags, "as_dict"):  # Vorbis comments (FLAC, Ogg Vorbis, Opus, Speex)
        return _vorbis_fields({k.lower(): v for k, v in tags.as_dict().items()})
    return {}


def _id3_fields(tags: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, frame in (
        ("title", "TIT2"),
        ("artist", "TPE1"),
        ("album", "TALB"),
        ("bpm", "TBPM"),
        ("key", "TKEY"),
        ("year", "TDRC"),
    ):
        got = tags.get(frame) or (tags.get("TYER") if name == "year" else None)
        if got is not None and got.text:
            out[name] = [str(t) for t in got.text]
    texts: list[str] = []
    urls: list[str] = []
    for frame in tags.values():
        fid = frame.FrameID
        if fid == "TXXX" and frame.desc.upper().replace(" ", "_") in (
            "SOUNDCLOUD_URN",
            "SOUNDCLOUD",
        ):
            out["urn"] = [str(t) for t in frame.text]
        elif fid == "TXXX" and frame.desc.upper() in ("URL", "WWW", "SOURCE", "SOUNDCLOUD_URL"):
            urls += [str(t) for t in frame.text]
        elif fid == "COMM":
            texts += [str(t) for t in frame.text]
        elif fid.startswith("W"):
            urls.append(str(frame.url))
    out["text"] = urls + texts
    return out


def _mp4_fields(tags: Any) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, atom in (
        ("title", "\xa9nam"),
        ("artist", "\xa9ART"),
        ("album", "\xa9alb"),
        ("year", "\xa9day"),
    ):
        if atom in tags:
            out[name] = [str(v) for v in tags[atom]]
    if "tmpo" in tags:
        out["bpm"] = [str(v) for v in tags["tmpo"]]
    free: dict[str, list[str]] = {}
    for atom, values in tags.items():
        if atom.startswith("----:"):
            free[atom.rsplit(":", 1)[-1].lower()] = [
                bytes(v).decode("utf-8", "replace") for v in values
            ]
    if "initialkey" in free or "key" in free:
        out["key"] = free.get("initialkey") or free["key"]
    if "soundcloud_urn" in free:
        out["urn"] = free["soundcloud_urn"]
    out["text"] = (
        free.get("url", [])
        + free.get("soundcloud_url", [])
        + [str(v) for v in tags.get("\xa9cmt", [])]
    )
    return out


def _vorbis_fields(d: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, keys in (
        ("title", ("title",)),
        ("artist", ("artist", "albumartist")),
        ("album", ("album",)),
        ("bpm", ("bpm", "tempo")),
        ("key", ("initialkey", "key")),
        ("year", ("date", "year", "originaldate")),
    ):
        for k in keys:
            if d.get(k):
                out[name] = d[k]
                break
    if d.get("soundcloud_urn"):
        out["urn"] = d["soundcloud_urn"]
    out["text"] = [
        v
        for k in ("website", "url", "soundcloud_url", "source", "comment", "description")
        for v in d.get(k, [])
    ]
    return out


def _first(values: list[str] | None) -> str | None:
    for v in values or []:
        v = v.replace("\x00", " ").strip()
        if v:
            return v
    return None


def _number(text: str | None) -> float | None:
    if not text:
        return None
    m = re.match(r"\s*(\d+(?:[.,]\d+)?)", text)
    if not m:
        return None
    value = float(m.group(1).replace(",", "."))
    return value if 0 < value < 1000 else None


def _year(text: str | None) -> int | None:
    m = re.search(r"(1[89]\d\d|20\d\d|21\d\d)", text or "")
    return int(m.group(1)) if m else None


def _soundcloud_identity(raw: dict[str, list[str]]) -> tuple[str | None, str | None]:
    """(URN, track page URL) from the custom tag, an API URL, or a soundcloud.com page URL."""
    for v in raw.get("urn", []):
        m = URN_RE.search(v) or _API_URL_RE.search(v)
        if m:
            return f"soundcloud:tracks:{m.group(1)}", None
    for v in raw.get("text", []):
        m = _API_URL_RE.search(v)
        if m:
            return f"soundcloud:tracks:{m.group(1)}", None
    for v in raw.get("text", []):
        url = track_page_url(v)
        if url:
            return None, url
    return None, None


def track_page_url(text: str) -> str | None:
    """A soundcloud.com track page URL found in `text`, normalised (https, lower case); else None."""
    for m in _PAGE_URL_RE.finditer(text or ""):
        user, slug = m.group(1).lower(), m.group(2).lower()
        if user not in _NOT_TRACKS and slug not in _NOT_TRACKS and not user.startswith("."):
            return f"https://soundcloud.com/{user}/{slug}"
    return None
