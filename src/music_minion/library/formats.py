"""The audio formats a scan lists: every one mutagen reads, by extension or, without one, by content.

Each extension names the mutagen class tried first (faster than sniffing; a misnamed file is still
read by sniffing). A file without a usable extension is listed when its first bytes are an audio
format's signature, or when it is empty (recorded as unreadable, so it is seen, not lost).
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import Any

# extension → (mutagen module, class)
_CLASS_OF: dict[str, tuple[str, str]] = {
    ".mp3": ("mp3", "MP3"),
    ".mp2": ("mp3", "MP3"),
    ".mp1": ("mp3", "MP3"),
    ".mpga": ("mp3", "MP3"),
    ".flac": ("flac", "FLAC"),
    ".m4a": ("mp4", "MP4"),
    ".m4b": ("mp4", "MP4"),
    ".m4p": ("mp4", "MP4"),
    ".mp4": ("mp4", "MP4"),
    ".aac": ("aac", "AAC"),
    ".ogg": ("oggvorbis", "OggVorbis"),
    ".oga": ("oggvorbis", "OggVorbis"),
    ".opus": ("oggopus", "OggOpus"),
    ".spx": ("oggspeex", "OggSpeex"),
    ".wav": ("wave", "WAVE"),
    ".aif": ("aiff", "AIFF"),
    ".aiff": ("aiff", "AIFF"),
    ".aifc": ("aiff", "AIFF"),
    ".wma": ("asf", "ASF"),
    ".asf": ("asf", "ASF"),
    ".wv": ("wavpack", "WavPack"),
    ".ape": ("monkeysaudio", "MonkeysAudio"),
    ".mpc": ("musepack", "Musepack"),
    ".mp+": ("musepack", "Musepack"),
    ".mpp": ("musepack", "Musepack"),
    ".dsf": ("dsf", "DSF"),
    ".dff": ("dsdiff", "DSDIFF"),
    ".tak": ("tak", "TAK"),
    ".ofr": ("optimfrog", "OptimFROG"),
    ".ofs": ("optimfrog", "OptimFROG"),
    ".tta": ("trueaudio", "TrueAudio"),
    ".ac3": ("ac3", "AC3"),
    ".eac3": ("ac3", "AC3"),
}
AUDIO_EXTENSIONS = frozenset(_CLASS_OF)

# Short names for the store (mutagen's class name otherwise, lower case).
_NAMES = {
    "easymp3": "mp3",
    "wave": "wav",
    "oggvorbis": "ogg",
    "oggopus": "opus",
    "oggspeex": "speex",
    "oggflac": "flac",
    "easymp4": "mp4",
    "asf": "wma",
    "monkeysaudio": "ape",
    "musepack": "mpc",
    "dsdiff": "dff",
    "optimfrog": "ofr",
    "trueaudio": "tta",
}
# Signatures at offset 0, and (offset, bytes) pairs for containers named further in.
_MAGIC = (
    b"ID3",
    b"fLaC",
    b"OggS",
    b"FRM8",
    b"DSD ",
    b"MAC ",
    b"wvpk",
    b"MPCK",
    b"MP+",
    b"tBaK",
    b"OFR ",
    b"TTA1",
    b"\x0b\x77",  # AC-3 / E-AC-3 sync word
    b"\x30\x26\xb2\x75\x8e\x66\xcf\x11",  # ASF header GUID (WMA)
)
_MAGIC_AT = ((8, b"WAVE"), (8, b"AIFF"), (8, b"AIFC"), (4, b"ftyp"))
_CLASSES: dict[str, Any] = {}


def mutagen_class(suffix: str) -> Any:
    """The mutagen class for a (lower-case) extension, or None."""
    found = _CLASS_OF.get(suffix)
    if found is None:
        return None
    if suffix not in _CLASSES:
        module, name = found
        _CLASSES[suffix] = getattr(import_module(f"mutagen.{module}"), name)
    return _CLASSES[suffix]


def all_classes() -> list[Any]:
    """Every mutagen class of the table, once each (for sniffing a misnamed file)."""
    return list(dict.fromkeys(mutagen_class(s) for s in _CLASS_OF))


def format_name(audio: Any) -> str:
    name = type(audio).__name__.lower()
    return _NAMES.get(name, name)


def audio_suffix(name: str) -> str | None:
    """The file name's audio extension (lower case); "" when it has no usable extension (none,
    or text after a dot that is no extension: "Song feat. X"); None for another extension."""
    suffix = os.path.splitext(name)[1].lower()
    if suffix in AUDIO_EXTENSIONS:
        return suffix
    if not suffix or not suffix[1:].isalnum() or len(suffix) > 6:
        return ""
    return None


def looks_like_audio(path: str) -> bool:
    """True when the file starts like an audio format (or is empty: nothing tells it is not)."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError:
        return False
    if not head:
        return True
    if head.startswith(_MAGIC) or any(head[at : at + len(m)] == m for at, m in _MAGIC_AT):
        return True
    return len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0  # an MPEG frame sync
