"""Typed, tolerant models of SoundCloud's Track, User and Playlist, and the fast page decoder.

Decoding goes through msgspec: a page is decoded typed in one pass (unknown fields ignored); when
that fails, each item is decoded on its own, first typed, then leniently from a plain dict (a
wrongly typed optional field becomes None). Captures older than the URN carry only `kind` and an
integer `id`: the URN is derived from them. An item without a usable URN is skipped and counted,
never fatal. A leading UTF-8 BOM is ignored. Dates in either SoundCloud format become UTC ISO-8601
text with a `Z`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

import msgspec

from music_minion.timeutil import iso_or_none

if TYPE_CHECKING:
    from music_minion.soundcloud.errors import ApiError


class User(msgspec.Struct):
    urn: str
    id: int | None = None
    username: str | None = None
    permalink: str | None = None
    permalink_url: str | None = None
    followers_count: int | None = None
    track_count: int | None = None
    avatar_url: str | None = None
    public_favorites_count: int | None = None  # how many tracks the user likes


class Track(msgspec.Struct):
    urn: str
    id: int | None = None
    title: str | None = None
    user_urn: str | None = None
    user_name: str | None = None
    permalink_url: str | None = None
    duration_ms: int | None = None
    genre: str | None = None
    tag_list: str | None = None
    bpm: float | None = None
    created_at: str | None = None
    access: str | None = None
    streamable: bool | None = None
    playback_count: int | None = None
    likes_count: int | None = None
    reposts_count: int | None = None


class Playlist(msgspec.Struct):
    urn: str
    id: int | None = None
    title: str | None = None
    sharing: str | None = None
    track_count: int | None = None
    permalink_url: str | None = None
    tracks: list[Track] | None = None
    user_urn: str | None = None


Item: TypeAlias = User | Track | Playlist
ItemKind = Literal["tracks", "users", "playlists"]
KINDS: dict[type[Any], ItemKind] = {Track: "tracks", User: "users", Playlist: "playlists"}


# ---- wire shapes (only the fields we keep; the rest is skipped by the decoder) -------------
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# What SQLite can store: a bigger number fails the typed decoder and the lenient path makes it None.
Int64 = Annotated[int, msgspec.Meta(ge=INT64_MIN, le=INT64_MAX)]


class _WMini(msgspec.Struct):
    urn: str | None = None
    username: str | None = None
    id: Int64 | None = None
    kind: str | None = None


class _WUser(msgspec.Struct):
    urn: str | None = None
    id: Int64 | None = None
    kind: str | None = None
    username: str | None = None
    permalink: str | None = None
    permalink_url: str | None = None
    followers_count: Int64 | None = None
    track_count: Int64 | None = None
    avatar_url: str | None = None
    public_favorites_count: Int64 | None = None
    likes_count: Int64 | None = None


class _WTrack(msgspec.Struct):
    urn: str | None = None
    id: Int64 | None = None
    kind: str | None = None
    title: str | None = None
    user: _WMini | None = None
    user_urn: str | None = None
    user_id: Int64 | None = None
    permalink_url: str | None = None
    duration: Int64 | None = None
    genre: str | None = None
    tag_list: str | None = None
    bpm: float | None = None
    created_at: str | None = None
    access: str | None = None
    streamable: bool | None = None
    playback_count: Int64 | None = None
    favoritings_count: Int64 | None = None
    likes_count: Int64 | None = None
    reposts_count: Int64 | None = None


class _WPlaylist(msgspec.Struct):
    urn: str | None = None
    id: Int64 | None = None
    kind: str | None = None
    title: str | None = None
    sharing: str | None = None
    track_count: Int64 | None = None
    permalink_url: str | None = None
    tracks: list[msgspec.Raw] | None = None
    user_urn: str | None = None
    user_id: Int64 | None = None
    user: _WMini | None = None


_ISO_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z").match


def iso_date(text: str | None) -> str | None:
    """Either SoundCloud date format as UTC ISO text (fast path for v1 `+0000` and ISO `Z`)."""
    if not text:
        return None
    iso = (
        text[:19].replace("/", "-").replace(" ", "T") + "Z"
        if len(text) == 25 and text[19:] == " +0000"
        else text
    )
    if len(iso) == 20 and _ISO_Z(iso):
        return iso
    return iso_or_none(text)


_PREFIX = {
    "tracks": "soundcloud:tracks:",
    "users": "soundcloud:users:",
    "playlists": "soundcloud:playlists:",
}


def _is_urn(value: Any, kind: str) -> bool:
    prefix = _PREFIX[kind]
    return isinstance(value, str) and value.startswith(prefix) and len(value) > len(prefix)


def _urn(urn: Any, id_: Any, wire_kind: Any, kind: str) -> str | None:
    """The object's URN; when it has none, the one its `kind` and positive integer `id` name."""
    if urn is not None:
        return urn if _is_urn(urn, kind) else None
    if type(id_) is int and id_ > 0 and wire_kind in (None, kind[:-1]):
        return f"{_PREFIX[kind]}{id_}"
    return None


def _owner_urn(user_urn: str | None, user: _WMini | None, user_id: int | None) -> str | None:
    """The owner's URN: `user_urn`, the embedded user's URN, else derived from its id or `user_id`."""
    if user_urn:
        return user_urn
    if user is not None:
        if user.urn is not None:
            return user.urn
        derived = _urn(None, user.id, user.kind, "users")
        if derived:
            return derived
    return _urn(None, user_id, None, "users")


def _track(w: _WTrack) -> Track | None:
    urn = w.urn
    if not (isinstance(urn, str) and urn.startswith("soundcloud:tracks:") and len(urn) > 18):
        urn = _urn(urn, w.id, w.kind, "tracks")
        if urn is None:
            return None
    user = w.user
    likes = w.favoritings_count
    created = w.created_at
    if (
        created is not None and len(created) == 25 and created[19:] == " +0000"
    ):  # v1 format, inlined
        iso = created[:19].replace("/", "-").replace(" ", "T") + "Z"
        created = iso if _ISO_Z(iso) else iso_or_none(created)
    else:
        created = iso_date(created)
    # positional: the field order of Track (much faster than keywords on this hot path)
    return Track(
        urn,
        w.id,
        w.title,
        w.user_urn
        or (user.urn if user and user.urn is not None else _owner_urn(None, user, w.user_id)),
        user.username if user else None,
        w.permalink_url,
        w.duration,
        w.genre,
        w.tag_list,
        w.bpm,
        created,
        w.access,
        w.streamable,
        w.playback_count,
        w.likes_count if likes is None else likes,
        w.reposts_count,
    )


def _user(w: _WUser) -> User | None:
    urn = _urn(w.urn, w.id, w.kind, "users")
    if urn is None:
        return None
    return User(
        urn=urn,
        id=w.id,
        username=w.username,
        permalink=w.permalink,
        permalink_url=w.permalink_url,
        followers_count=w.followers_count,
        track_count=w.track_count,
        avatar_url=w.avatar_url,
        public_favorites_count=(
            w.likes_count if w.public_favorites_count is None else w.public_favorites_count
        ),
    )


def _playlist(w: _WPlaylist) -> Playlist | None:
    urn = _urn(w.urn, w.id, w.kind, "playlists")
    if urn is None:
        return None
    tracks: list[Track] | None = None
    if w.tracks is not None:
        decoded = (decode_item(raw, "tracks") for raw in w.tracks)
        tracks = [t for t in decoded if isinstance(t, Track)]
    return Playlist(
        urn=urn,
        id=w.id,
        title=w.title,
        sharing=w.sharing,
        track_count=w.track_count,
        permalink_url=w.permalink_url,
        tracks=tracks,
        user_urn=_owner_urn(w.user_urn, w.user, w.user_id),
    )


# ---- lenient path: one field at a time from a plain dict --------------------------------------
def _str(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def _int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    elif isinstance(v, str) and v.strip().lstrip("-").isdigit():
        try:
            v = int(v)
        except ValueError:  # digits int() does not take, such as "¹"
            return None
    if isinstance(v, int) and INT64_MIN <= v <= INT64_MAX:
        return v
    return None


def _float(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return None
    return None


def _bool(v: Any) -> bool | None:
    return v if isinstance(v, bool) else None


def _lenient(d: Any, kind: str) -> Item | None:
    if not isinstance(d, dict):
        return None
    if kind == "tracks":
        return _track(_lenient_track(d))
    if kind == "users":
        return _user(_lenient_user(d))
    return _playlist(_lenient_playlist(d))


def _user_of(d: dict[str, Any]) -> dict[str, Any]:
    user = d.get("user")
    return user if isinstance(user, dict) else {}


def _mini(d: dict[str, Any]) -> _WMini:
    user = _user_of(d)
    return _WMini(
        _str(user.get("urn")),
        _str(user.get("username")),
        _int(user.get("id")),
        _str(user.get("kind")),
    )


def _lenient_track(d: dict[str, Any]) -> Any:
    urn: Any = d.get("urn")  # checked by _track
    return _WTrack(
        urn=urn,
        id=_int(d.get("id")),
        kind=_str(d.get("kind")),
        title=_str(d.get("title")),
        user=_mini(d),
        user_urn=_str(d.get("user_urn")),
        user_id=_int(d.get("user_id")),
        permalink_url=_str(d.get("permalink_url")),
        duration=_int(d.get("duration")),
        genre=_str(d.get("genre")),
        tag_list=_str(d.get("tag_list")),
        bpm=_float(d.get("bpm")),
        created_at=_str(d.get("created_at")),
        access=_str(d.get("access")),
        streamable=_bool(d.get("streamable")),
        playback_count=_int(d.get("playback_count")),
        favoritings_count=_int(d.get("favoritings_count")),
        likes_count=_int(d.get("likes_count")),
        reposts_count=_int(d.get("reposts_count")),
    )


def _lenient_user(d: dict[str, Any]) -> Any:
    urn: Any = d.get("urn")  # checked by _user
    return _WUser(
        urn=urn,
        id=_int(d.get("id")),
        kind=_str(d.get("kind")),
        username=_str(d.get("username")),
        permalink=_str(d.get("permalink")),
        permalink_url=_str(d.get("permalink_url")),
        followers_count=_int(d.get("followers_count")),
        track_count=_int(d.get("track_count")),
        avatar_url=_str(d.get("avatar_url")),
        public_favorites_count=_int(d.get("public_favorites_count")),
        likes_count=_int(d.get("likes_count")),
    )


def _lenient_playlist(d: dict[str, Any]) -> Any:
    raw_tracks = d.get("tracks")
    tracks = (
        [msgspec.Raw(msgspec.json.encode(t)) for t in raw_tracks]
        if isinstance(raw_tracks, list)
        else None
    )
    urn: Any = d.get("urn")  # checked by _playlist
    return _WPlaylist(
        urn=urn,
        id=_int(d.get("id")),
        kind=_str(d.get("kind")),
        title=_str(d.get("title")),
        sharing=_str(d.get("sharing")),
        track_count=_int(d.get("track_count")),
        permalink_url=_str(d.get("permalink_url")),
        tracks=tracks,
        user_urn=_str(d.get("user_urn")),
        user_id=_int(d.get("user_id")),
        user=_mini(d),
    )


# ---- decoders ---------------------------------------------------------------------------------
_WIRE = {"tracks": _WTrack, "users": _WUser, "playlists": _WPlaylist}
_CONVERT: dict[str, Callable[[Any], Item | None]] = {
    "tracks": _track,
    "users": _user,
    "playlists": _playlist,
}
_ITEM = {k: msgspec.json.Decoder(t) for k, t in _WIRE.items()}
_PLAIN = msgspec.json.Decoder()


class _Page(msgspec.Struct):
    collection: list[msgspec.Raw] = []
    next_href: str | None = None


class _TypedTracks(msgspec.Struct):
    collection: list[_WTrack] = []
    next_href: str | None = None


_PAGE = msgspec.json.Decoder(_Page | list[msgspec.Raw])
_TYPED = {"tracks": msgspec.json.Decoder(_TypedTracks)}


_BOM = b"\xef\xbb\xbf"


def _unbom(body: bytes) -> bytes:
    """The body without a leading UTF-8 byte order mark (some older captures carry one)."""
    return body[3:] if body[:3] == _BOM else body


class Malformed(ValueError):
    """A response body that is not the JSON we expect (truncated, HTML, wrong shape)."""


def decode_item(raw: bytes | msgspec.Raw, kind: str) -> Item | None:
    """One item of `kind` (tracks/users/playlists), or None when it is malformed."""
    try:
        return _CONVERT[kind](_ITEM[kind].decode(raw))
    except (msgspec.ValidationError, TypeError):
        pass
    except msgspec.DecodeError:
        return None
    try:
        return _lenient(_PLAIN.decode(raw), kind)
    except msgspec.DecodeError:
        return None


def decode_one(body: bytes, kind: str) -> Item:
    """A single object response; raises Malformed when it cannot be read as one."""
    body = _unbom(body)
    item = decode_item(body, kind)
    if item is None:
        try:
            _PLAIN.decode(body)
        except msgspec.DecodeError:
            repaired = _replace_lone_surrogates(body)
            if repaired is None:
                raise Malformed("invalid JSON") from None
            return decode_one(repaired, kind)
        raise Malformed(f"not a {kind[:-1]} object")
    return item


def kind_of(body: bytes) -> str | None:
    """`tracks`/`users`/`playlists` from a resolved object's `kind` (or its URN)."""
    try:
        d = _PLAIN.decode(_unbom(body))
    except msgspec.DecodeError:
        raise Malformed("invalid JSON") from None
    if not isinstance(d, dict):
        return None
    k = d.get("kind")
    if k in ("track", "user", "playlist"):
        return f"{k}s"
    urn = d.get("urn")
    if isinstance(urn, str) and urn.count(":") == 2:
        part = urn.split(":")[1]
        return part if part in _WIRE else None
    return None


def redirect_location(body: bytes) -> str | None:
    """The `location` of a 302's JSON body (`{"status": "302 - Found", "location": …}`), if any."""
    try:
        d = _PLAIN.decode(_unbom(body))
    except msgspec.DecodeError:
        return None
    loc = d.get("location") if isinstance(d, dict) else None
    return loc if isinstance(loc, str) and loc else None


def _replace_lone_surrogates(body: bytes) -> bytes | None:
    """The JSON again with each lone UTF-16 surrogate escape (a cut emoji, `"\\ud83c"`) made U+FFFD,
    which msgspec and SQLite refuse; None when the body is not JSON or has no such escape."""
    import json

    if b"\\ud" not in body.lower():
        return None
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        return None

    def clean(v: Any) -> Any:
        if isinstance(v, str):
            return v.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        if isinstance(v, list):
            return [clean(x) for x in v]
        if isinstance(v, dict):
            return {clean(k): clean(x) for k, x in v.items()}
        return v

    repaired = msgspec.json.encode(clean(doc))
    return repaired if repaired != body else None


@dataclass
class Page:
    """One decoded page: good items, the next cursor URL, how many items were skipped."""

    items: list[Item]
    next_href: str | None
    skipped: int = 0


def decode_page(body: bytes, kind: str) -> Page:
    """A `linked_partitioning` page (or a bare array) of `kind`; raises Malformed on broken JSON."""
    body = _unbom(body)
    typed = _TYPED.get(kind)
    if typed is not None:
        try:
            page = typed.decode(body)
        except (msgspec.ValidationError, msgspec.DecodeError):
            pass
        else:
            convert = _CONVERT[kind]
            items = [convert(w) for w in page.collection]
            good = [i for i in items if i is not None]
            return Page(good, page.next_href or None, len(items) - len(good))
    try:
        env = _PAGE.decode(body)
    except msgspec.ValidationError:
        raise Malformed("not a page of items") from None
    except msgspec.DecodeError:
        repaired = _replace_lone_surrogates(body)
        if repaired is None:
            raise Malformed("invalid JSON") from None
        return decode_page(repaired, kind)
    raws, next_href = (
        (env, None) if isinstance(env, list) else (env.collection, env.next_href or None)
    )
    good = [i for i in (decode_item(r, kind) for r in raws) if i is not None]
    return Page(good, next_href, len(raws) - len(good))


# ---- batch outcomes -----------------------------------------------------------------------------
@dataclass
class Outcome:
    """What one input of a batch became: a value, or the API error it failed with."""

    input: str
    value: Item | None = None
    error: ApiError | None = None


@dataclass(frozen=True)
class BatchSummary:
    """How a batch went: resolved, failed for good (permanent), failed for now (everything else)."""

    resolved: int
    failed_permanent: int
    failed_transient: int

    def as_dict(self) -> dict[str, int]:
        return {
            "resolved": self.resolved,
            "failed_permanent": self.failed_permanent,
            "failed_transient": self.failed_transient,
        }


@dataclass
class BatchResult:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def summary(self) -> BatchSummary:
        resolved = sum(1 for o in self.outcomes if o.error is None)
        permanent = sum(
            1 for o in self.outcomes if o.error is not None and o.error.kind == "permanent"
        )
        return BatchSummary(resolved, permanent, len(self.outcomes) - resolved - permanent)

    def values(self) -> list[Item]:
        return [o.value for o in self.outcomes if o.error is None and o.value is not None]
