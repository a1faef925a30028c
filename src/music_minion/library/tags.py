"""Read one audio file's tags with mutagen: title, artist, album, duration, bpm, key, year, SoundCloud id.

Each format keeps tags its own way (ID3 frames in MP3/WAV/AIFF/DSF, Vorbis comments in
FLAC/Ogg/Opus/Speex, atoms in MP4, APEv2 in APE/WavPack/Musepack/TAK/OptimFROG, ASF attributes in
WMA), so each has a small reader. A duration no file can have (over 24 h, or 0 for a file that
holds audio) is recorded as unknown, with a note saying why. A SoundCloud identity is taken from a custom tag
(ID3 `TXXX:SOUNDCLOUD_URN`, Vorbis `SOUNDCLOUD_URN`, MP4 `----:com.apple.iTunes:SOUNDCLOUD_URN`) or,
failing that, from a soundcloud.com track URL found in a comment or URL tag. Nothing here raises for
a bad file: the result says why it could not be read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from music_minion.library.formats import AUDIO_EXTENSIONS, all_classes, format_name, mutagen_class

__all__ = ["AUDIO_EXTENSIONS", "FileTags", "read_tags", "track_page_url"]
UNREADABLE_TAGS = "unreadable tags"  # the file's tag block is damaged
UNREADABLE_FILE = "unreadable file"  # the file itself could not be read as audio
MAX_DURATION_S = 24 * 3600  # longer than any real recording: a broken header
MIN_AUDIO_BYTES = 8192  # a file this small with a zero length holds no audio at all

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


@dataclass(frozen=True, slots=True)
class TagKeys:
    """Where one field lives in each tag system: read from the first key found, written to the first."""

    id3: tuple[str, ...]  # frame id; "TXXX:DESC" a user text frame; W*** a link frame
    mp4: tuple[str, ...]  # atom; "----:NAME" a freeform atom (com.apple.iTunes when written)
    vorbis: tuple[str, ...]  # comment name (FLAC, Ogg Vorbis, Opus)


# The one table of the tags read (tags.py) and written (samples.py). `url` and `comment` are read
# as free text in which a SoundCloud link is looked for (links before comments).
TAG_FIELDS: dict[str, TagKeys] = {
    "title": TagKeys(("TIT2",), ("\xa9nam",), ("title",)),
    "artist": TagKeys(("TPE1",), ("\xa9ART",), ("artist", "albumartist")),
    "album": TagKeys(("TALB",), ("\xa9alb",), ("album",)),
    "bpm": TagKeys(("TBPM",), ("tmpo",), ("bpm", "tempo")),
    "key": TagKeys(("TKEY",), ("----:initialkey", "----:key"), ("initialkey", "key")),
    "year": TagKeys(("TDRC", "TYER"), ("\xa9day",), ("date", "year", "originaldate")),
    "urn": TagKeys(
        ("TXXX:SOUNDCLOUD_URN", "TXXX:SOUNDCLOUD"), ("----:SOUNDCLOUD_URN",), ("soundcloud_urn",)
    ),
    "comment": TagKeys(("COMM",), ("\xa9cmt",), ("comment", "description")),
    "url": TagKeys(
        ("WOAS", "TXXX:URL", "TXXX:WWW", "TXXX:SOURCE", "TXXX:SOUNDCLOUD_URL"),
        ("----:URL", "----:SOUNDCLOUD_URL"),
        ("website", "url", "soundcloud_url", "source"),
    ),
}
_TEXT = ("title", "artist", "album", "bpm", "key", "year")  # one value each
_ID3_USER_TEXT = {
    name: frozenset(k[5:] for k in TAG_FIELDS[name].id3 if k.startswith("TXXX:"))
    for name in ("urn", "url")
}


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
    from_name: bool = False  # title (and maybe artist) guessed from the file name
    damaged_tags: bool = False  # a tag block could not be read (the audio could)

    @property
    def problem(self) -> str | None:
        """Why the tags were not read: UNREADABLE_TAGS, UNREADABLE_FILE, or None."""
        if self.error:
            return UNREADABLE_TAGS if self.error.startswith(UNREADABLE_TAGS) else UNREADABLE_FILE
        return UNREADABLE_TAGS if self.damaged_tags else None


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
    result = FileTags(format=format_name(audio))
    length = getattr(audio.info, "length", None)
    result.duration_ms, result.note = _duration(length, size)
    if length is not None and not result.duration_ms and size < MIN_AUDIO_BYTES:
        return FileTags(
            format=result.format, error="unreadable: no audio data (truncated or empty stream)"
        )
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
        result.note = _joined(result.note, f"damaged tags: {_short(e)}")
        result.damaged_tags = True
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
        result.from_name = True
        if guess:
            result.artist = result.artist or guess["artist"]
            result.title = result.title or guess["title"]
            named = f"{missing}; title and artist from the file name"
        else:
            result.title = result.title or path.stem
            named = f"{missing}; title from the file name"
        result.note = _joined(result.note, named)
    return result


def _duration(length: Any, size: int) -> tuple[int | None, str | None]:
    """(duration in ms, note): None with a reason when the header's length cannot be real."""
    if length is None:
        return None, None
    if not isinstance(length, int | float) or not 0 < length < float("inf"):
        return None, "duration unknown: the header says 0 s" if size >= MIN_AUDIO_BYTES else None
    if length > MAX_DURATION_S:
        return None, f"duration unknown: the header says {length / 3600:,.0f} h"
    return int(round(length * 1000)), None


def _joined(*notes: str | None) -> str | None:
    return "; ".join(n for n in notes if n) or None


def _open(path: Path) -> tuple[Any, str | None]:
    """The mutagen file object, trying the extension's class first (faster than sniffing)."""
    import mutagen

    error = None
    cls = mutagen_class(path.suffix.lower())
    others = [c for c in all_classes() if c is not cls]
    for opener in (cls, lambda p: mutagen.File(p, options=others)) if cls else (mutagen.File,):
        try:
            audio = opener(path)
        except OSError as e:
            return None, f"cannot open: {e.strerror or type(e).__name__}"
        except Exception as e:  # noqa: BLE001 - mutagen raises many kinds of errors on hostile input
            kind = UNREADABLE_TAGS if isinstance(e, _tag_errors()) else "unreadable"
            error = error or f"{kind}: {_short(e, path)}"
            continue
        if audio is not None:
            return audio, None
    return None, error


def _tag_errors() -> tuple[type[Exception], ...]:
    """mutagen's errors for a damaged tag block (ID3, Vorbis comment, APEv2, MP4 metadata)."""
    from mutagen import _vorbis, apev2, id3, mp4

    return (id3.error, _vorbis.error, apev2.error, mp4.MP4MetadataError)


def _short(e: BaseException, path: Path | None = None) -> str:
    """The error's message, without the file's own path (the row already names it), at most 120
    characters."""
    text = str(e).strip()
    if path is not None:
        text = text.replace(repr(str(path)), "").replace(str(path), "").strip(" :")
    if not text or text == "error":
        text = "invalid or truncated data"
    return text if len(text) <= 120 else text[:117] + "..."


def _fields(audio: Any) -> dict[str, list[str]]:
    """The tags we want from any mutagen file, as lists of text."""
    tags = audio.tags
    if not tags:
        return {}
    from mutagen.apev2 import APEv2
    from mutagen.asf import ASFTags
    from mutagen.id3 import ID3
    from mutagen.mp4 import MP4Tags

    if isinstance(tags, ID3):
        return _id3_fields(tags)
    if isinstance(tags, MP4Tags):
        return _mp4_fields(tags)
    if isinstance(tags, ASFTags):
        return _asf_fields(tags)
    if isinstance(tags, APEv2):  # APE, WavPack, Musepack, TAK, OptimFROG
        return _ape_fields(tags)
    if hasattr(tags, "as_dict"):  # Vorbis comments (FLAC, Ogg Vorbis, Opus, Speex)
        return _vorbis_fields({k.lower(): [str(t) for t in v] for k, v in tags.as_dict().items()})
    return {}


def _ape_fields(tags: Any) -> dict[str, list[str]]:
    """APEv2 items (names as Vorbis comments have them, any case); text items only."""
    from mutagen.apev2 import TEXT

    return _vorbis_fields({k.lower(): list(v) for k, v in tags.items() if v.kind == TEXT})


# WMA attribute (lower case) → the Vorbis comment name of the same field.
_ASF_NAMES = {
    "title": "title",
    "author": "artist",
    "wm/albumartist": "albumartist",
    "wm/albumtitle": "album",
    "wm/year": "year",
    "wm/beatsperminute": "bpm",
    "wm/initialkey": "initialkey",
    "description": "comment",
    "wm/authorurl": "url",
    "soundcloud_urn": "soundcloud_urn",
}


def _asf_fields(tags: Any) -> dict[str, list[str]]:
    """WMA attributes, renamed to the Vorbis comment names and read as those."""
    out: dict[str, list[str]] = {}
    for key, values in tags.as_dict().items():
        name = _ASF_NAMES.get(key.lower())
        if name:
            out.setdefault(name, []).extend(str(v.value) for v in values)
    return _vorbis_fields(out)


def _pick(values: Callable[[str], list[str] | None], keys: tuple[str, ...]) -> list[str] | None:
    """The values of the first of `keys` that `values` finds."""
    for key in keys:
        found = values(key)
        if found is not None:
            return found
    return None


def _table_fields(values: Callable[[str], list[str] | None], system: str) -> dict[str, list[str]]:
    """The fields of TAG_FIELDS in one tag system, read through `values` (None: absent); `text`
    holds all the link and comment values, links first."""
    out: dict[str, list[str]] = {}
    for name in (*_TEXT, "urn"):
        found = _pick(values, getattr(TAG_FIELDS[name], system))
        if found is not None:
            out[name] = found
    out["text"] = [
        v
        for name in ("url", "comment")
        for key in getattr(TAG_FIELDS[name], system)
        for v in values(key) or []
    ]
    return out


def _id3_fields(tags: Any) -> dict[str, list[str]]:
    """ID3 frames: text frames by id; user text (TXXX), comments and links by walking the frames."""

    def text(frame_id: str) -> list[str] | None:
        frame = tags.get(frame_id)
        return None if frame is None else [str(t) for t in frame.text]

    out: dict[str, list[str]] = {}
    for name in _TEXT:  # the URN is in a user text frame, found below
        found = _pick(text, TAG_FIELDS[name].id3)
        if found:
            out[name] = found
    urls: list[str] = []
    texts: list[str] = []
    for frame in tags.values():  # in file order (the last URN frame counts)
        fid = frame.FrameID
        if fid == "TXXX" and frame.desc.upper().replace(" ", "_") in _ID3_USER_TEXT["urn"]:
            out["urn"] = [str(t) for t in frame.text]
        elif fid == "TXXX" and frame.desc.upper() in _ID3_USER_TEXT["url"]:
            urls += [str(t) for t in frame.text]
        elif fid == "COMM":
            texts += [str(t) for t in frame.text]
        elif fid.startswith("W"):  # every link frame, not only the one written
            urls.append(str(frame.url))
    out["text"] = urls + texts
    return out


def _mp4_fields(tags: Any) -> dict[str, list[str]]:
    """MP4 atoms; freeform atoms (`----:mean:NAME`) by NAME, whatever its case or mean."""
    free = {
        atom.rsplit(":", 1)[-1].lower(): [bytes(v).decode("utf-8", "replace") for v in values]
        for atom, values in tags.items()
        if atom.startswith("----:")
    }

    def values(atom: str) -> list[str] | None:
        if atom.startswith("----:"):
            return free.get(atom[5:].lower()) or None
        return [str(v) for v in tags[atom]] if atom in tags else None

    return _table_fields(values, "mp4")


def _vorbis_fields(d: dict[str, list[str]]) -> dict[str, list[str]]:
    """Vorbis comments (names in lower case): the first name with a value."""
    return _table_fields(lambda name: d.get(name) or None, "vorbis")


def _first(values: list[str] | None) -> str | None:
    for v in values or []:
        v = str(v).replace("\x00", " ").strip()
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
