"""Normalise artist and title text for matching, and extract a version signature.

`parse_title(title, artist)` folds case and accents (and repairs text decoded with the wrong
encoding: "RÃ³s" is "Rós"), drops punctuation and noise such as "(Original Mix)", "[Free Download]",
"(Prod. by X)", "OUT NOW" or the decorations of stores ("[Explicit]", "(Album Version)",
"(Remastered 2011)", "- Single"), moves "feat." and "(+ X)" credits out of the title, and pulls
version words (remix, edit, VIP, bootleg, rework, dub, instrumental, extended, radio edit, ...) into
a signature. Two recordings are only the same track when their signatures
agree: "Song (Skrillex Remix)" is not "Song", and neither is "Song (Extended Mix)" (DJs buy the
extended mix as a different version, with a different length). "(Original Mix)" is the plain track;
a piece that starts like noise but names a version ("Clean Bandit Remix") is that version.

SoundCloud titles often carry the artist ("Artist - Title" uploaded by a label): `parse_title`
splits a leading "X - " off as a title artist when asked (`split_artist=True`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Canonical version kinds; the keys are the words that name them.
VERSION_WORDS = {
    "remix": "remix",
    "rmx": "remix",
    "remixed": "remix",
    "edit": "edit",
    "reedit": "edit",
    "vip": "vip",
    "bootleg": "bootleg",
    "boot": "bootleg",
    "rework": "rework",
    "reworked": "rework",
    "refix": "refix",
    "flip": "flip",
    "dub": "dub",
    "instrumental": "instrumental",
    "inst": "instrumental",
    "extended": "extended",
    "radio": "radio",
    "club": "club",
    "acoustic": "acoustic",
    "live": "live",
    "acapella": "acapella",
    "acappella": "acapella",
    "mashup": "mashup",
    "cover": "cover",
    "reprise": "reprise",
    "slowed": "slowed",
    "sped": "sped",
    "nightcore": "nightcore",
    "remake": "remake",
    "vocal": "vocal",
    "version": "",
    "mix": "mix",
}
_FILLER = {"the", "s", "version", "mix", "a", "up", "and", "reverb", "original"}
_NOISE_PHRASES = (
    "original mix",
    "original version",
    "original",
    "album version",
    "main version",
    "edited",
    "deluxe",
    "expanded edition",
    "special edition",
    "anniversary edition",
    "single",
    "free download",
    "free dl",
    "freedl",
    "free",
    "download",
    "out now",
    "premiere",
    "official audio",
    "official video",
    "official music video",
    "official",
    "clip",
    "preview",
    "hq",
    "hd",
    "explicit",
    "clean",
    "dirty",
    "remaster",
    "remastered",
    "radio rip",
    "buy",
    "click buy",
    "supported by",
    "exclusive",
    "bonus track",
    "lyrics",
    "lyric video",
    "audio",
    "teaser",
    "snippet",
    "forthcoming",
    "available now",
    "release",
    "stream",
)
_NOISE_RE = re.compile(
    r"^(?:\d{4}\s+)?(?:"
    + "|".join(re.escape(p) for p in sorted(_NOISE_PHRASES, key=len, reverse=True))
    + r")\b"
    r"|\b(?:release|remaster(?:ed)?|out now|free download|premiere)$"
)
_FEAT_RE = re.compile(r"^(?:feat|ft|featuring|with)\b\s*(.*)$")
_PROD_RE = re.compile(r"^(?:prod|produced)(?: by)?\b")
_BRACKETS = re.compile(r"[\(\[\{]([^\(\)\[\]\{\}]*)[\)\]\}]?|[\)\]\}]")
_DASH = re.compile(r"\s+[-–—~|]+\s+|\s+[-–—]+(?=\w)|(?<=\w)[–—]+\s+")
_INLINE_FEAT = re.compile(r"\s(?:feat|ft|featuring)\.?\s.*$", re.I)
_ARTIST_SPLIT = re.compile(r"\b(?:and|x|vs|versus|feat|ft|featuring|with|pres|presents|meets)\b")
_NON_WORD = re.compile(r"[^\w]+")
_SPECIAL = str.maketrans(
    {
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "đ": "d",
        "ł": "l",
        "ß": "ss",
        "þ": "th",
        "$": "s",
        "'": "",
        "’": "",
        "`": "",
    }
)


_MOJIBAKE = ("Ã", "Â", "â€")  # UTF-8 read as cp1252 or Latin-1: "é" → "Ã©", "’" → "â€™"


def _unmangle(text: str) -> str:
    """Text whose UTF-8 bytes were decoded as cp1252 or Latin-1, decoded right; else unchanged."""
    if not any(m in text for m in _MOJIBAKE):
        return text
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
    return text


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces: "Beyoncé's  Song!" -> "beyonces song"."""
    if text.isascii():
        text = text.lower().translate(_SPECIAL)
    else:
        text = unicodedata.normalize(
            "NFKD", unicodedata.normalize("NFKD", _unmangle(text)).casefold().translate(_SPECIAL)
        )
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", text.replace("&", " and ").replace("_", " ")).split())


@dataclass(frozen=True, slots=True)
class Parsed:
    """A normalised title: base words, extra credited artists, version signature."""

    title: str
    featured: tuple[str, ...]
    version: tuple[tuple[str, str], ...]  # sorted (kind, who) pairs; () is the plain track
    title_artist: str | None = None  # "Artist - Title" prefix, when split

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.version)


def _segment(text: str) -> tuple[str, object]:
    """Classify a bracketed or dash-separated piece: ("noise"|"feat"|"version"|"title", payload)."""
    words = fold(text)
    if not words:
        return "noise", None
    if text.lstrip().startswith("+"):  # "(+ Anderson .Paak)"
        return "feat", words
    m = _FEAT_RE.match(words)
    if m:
        return "feat", m.group(1)
    if _PROD_RE.match(words) or _is_noise(words):
        return "noise", None
    tokens = words.split()
    kinds = {VERSION_WORDS[t] for t in tokens if VERSION_WORDS.get(t)}
    if kinds:
        if len(kinds) > 1:
            kinds.discard("mix")  # "Dub Mix" is a dub, "Club Mix" a club version
        who = " ".join(t for t in tokens if t not in VERSION_WORDS and t not in _FILLER)
        kinds_key = " ".join(sorted(kinds))
        return "version", (kinds_key, who)
    return "title", words


def _is_noise(words: str) -> bool:
    """A noise phrase, unless the rest names a version: "clean bandit remix" is a remix."""
    m = _NOISE_RE.search(words)
    if m is None:
        return False
    rest = words[: m.start()] + " " + words[m.end() :]
    return not any(VERSION_WORDS.get(t) for t in rest.split())


@lru_cache(maxsize=200_000)
def parse_title(title: str, split_artist: bool = False) -> Parsed:
    """Normalise a title; see the module doc. `split_artist` detects an "Artist - Title" prefix."""
    featured: list[str] = []
    versions: list[tuple[str, str]] = []
    kept: list[str] = []

    def take(piece: str) -> bool:
        kind, payload = _segment(piece)
        if kind == "feat":
            featured.append(str(payload))
        elif kind == "version":
            versions.append(payload)  # type: ignore[arg-type]
        elif kind == "title":
            return False
        return True

    bracketed = []

    def pull(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            bracketed.append(m.group(1))
        return " "

    rest = _BRACKETS.sub(pull, title)
    for piece in bracketed:
        if not take(piece):
            kept.append(fold(piece))
    parts = [p for p in _DASH.split(rest) if p.strip()]
    title_artist = None
    # Trailing dash parts that are versions or noise ("Song - Extended Mix", "Song - Free Download").
    while len(parts) > 1 and take(parts[-1]):
        parts.pop()
    if split_artist and len(parts) > 1:
        title_artist = fold(parts[0])
        parts = parts[1:]
    base = " - ".join(parts)
    inline = _INLINE_FEAT.search(base)
    if inline:
        featured.append(fold(inline.group(0)).split(" ", 1)[-1])
        base = base[: inline.start()]
    words = fold(base)
    tokens = words.split()
    if len(tokens) > 1 and tokens[-1] == "vip":  # "Bangarang VIP"
        versions.append(("vip", ""))
        words = " ".join(tokens[:-1])
    if kept:
        words = " ".join(w for w in [words, *kept] if w)
    return Parsed(words, tuple(featured), tuple(sorted(set(versions))), title_artist)


@lru_cache(maxsize=200_000)
def artist_names(artist: str) -> tuple[str, ...]:
    """Individual normalised artist names: "Skrillex & Diplo feat. AlunaGeorge" -> 3 names."""
    folded = fold(artist)
    names = [n.strip() for n in _ARTIST_SPLIT.split(folded)]
    return tuple(n for n in names if n)


def artist_key(*names_groups: tuple[str, ...]) -> str:
    """One string of the distinct names (for fuzzy comparison)."""
    seen: dict[str, None] = {}
    for group in names_groups:
        for n in group:
            seen.setdefault(n, None)
    return " ".join(seen)
