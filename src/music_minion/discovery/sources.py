"""Sources: the newest-first lists sync walks, behind one small protocol.

An artist has three sources (`likes`, `reposts`, `uploads`, mapped to provenance kinds `like`,
`repost`, `upload`); my followings are one more (`MyFollowings`). Every source yields items newest
first through the client; `walk` stops at the first item already known for (artist, kind)
(`stop_at_known`), at the page cap, or, for a full pass, at an item cap.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Container, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from music_minion.errors import MinionError

if TYPE_CHECKING:
    from music_minion.soundcloud.client import SoundCloudClient
    from music_minion.soundcloud.models import Track, User
    from music_minion.store.tracks import TrackRow

# Source name in the config -> (provenance kind, client method taking the artist's URN).
ARTIST_SOURCES: dict[str, tuple[str, str]] = {
    "likes": ("like", "user_likes"),
    "reposts": ("repost", "user_reposts"),
    "uploads": ("upload", "user_tracks"),
}


class HasUrn(Protocol):
    """An item of a source: anything with a URN (a client Track or User)."""

    @property
    def urn(self) -> str: ...


ItemT_co = TypeVar("ItemT_co", bound=HasUrn, covariant=True)
ItemT = TypeVar("ItemT", bound=HasUrn)


class Source(Protocol[ItemT_co]):
    """Anything sync can walk: a name and a newest-first async iterator of items."""

    @property
    def name(self) -> str: ...

    def items(self, client: SoundCloudClient, page_cap: int | None) -> AsyncIterator[ItemT_co]: ...


@dataclass(frozen=True)
class ArtistSource:
    """One of an artist's lists (likes, reposts or uploads)."""

    name: str
    artist_urn: str

    @property
    def kind(self) -> str:
        return ARTIST_SOURCES[self.name][0]

    def items(self, client: SoundCloudClient, page_cap: int | None) -> AsyncIterator[Track]:
        method: Callable[..., AsyncIterator[Track]] = getattr(client, ARTIST_SOURCES[self.name][1])
        return method(self.artist_urn, page_cap=page_cap)


@dataclass(frozen=True)
class MyFollowings:
    """The users I follow on SoundCloud (user token)."""

    name: str = "my_followings"

    def items(self, client: SoundCloudClient, page_cap: int | None) -> AsyncIterator[User]:
        return client.my_followings(page_cap=page_cap)


def configured_sources(names: Iterable[str]) -> list[str]:
    """Validate `discovery.sources`: known names, no duplicates, at least one."""
    out: list[str] = []
    for n in names:
        if n not in ARTIST_SOURCES:
            raise MinionError(
                f"discovery.sources has unknown source {n!r}",
                f"use some of {', '.join(ARTIST_SOURCES)}, e.g. `music-minion config set discovery.sources likes,reposts`",
            )
        if n not in out:
            out.append(n)
    if not out:
        raise MinionError(
            "discovery.sources is empty", "name at least one of likes, reposts, uploads"
        )
    return out


@dataclass
class Walk(Generic[ItemT]):
    """What one walk brought back: items newest first, and how it ended."""

    items: list[ItemT] = field(default_factory=list)
    stopped_at_known: bool = False
    complete: bool = False  # reached the end of the list (only meaningful without a page cap)


async def walk(
    source: Source[ItemT],
    client: SoundCloudClient,
    *,
    page_cap: int | None,
    known: Container[str] | Callable[[str], bool] | None = None,
    item_cap: int | None = None,
) -> Walk[ItemT]:
    """Collect a source's items newest first, stopping at the first known URN or a cap.

    `known` is a set of URNs or a predicate (a store lookup per item, cheap for the few items an
    incremental walk looks at).
    """
    if known is not None and not callable(known):
        known = known.__contains__
    out: Walk[ItemT] = Walk()
    iterator = source.items(client, page_cap)
    try:
        async for item in iterator:
            if known is not None and known(item.urn):
                out.stopped_at_known = True
                return out
            out.items.append(item)
            if item_cap is not None and len(out.items) >= item_cap:
                return out
    finally:
        close = getattr(iterator, "aclose", None)
        if close is not None:
            await close()
    out.complete = page_cap is None
    return out


_INT64 = (-(2**63), 2**63 - 1)


def _int(v: int | None) -> int | None:
    """An integer SQLite can store; an absurd count (beyond 64 bits) becomes unknown."""
    return v if v is None or _INT64[0] <= v <= _INT64[1] else None


def track_row(t: Track) -> TrackRow:
    """A client Track as the store's row."""
    from music_minion.store.tracks import TrackRow

    return TrackRow(  # positional: a sync builds hundreds of thousands of these
        t.urn,
        t.title,
        t.user_urn,
        t.user_name,
        t.permalink_url,
        _int(t.duration_ms),
        t.genre,
        t.tag_list,
        t.bpm,
        t.created_at,
        t.access,
        _int(t.playback_count),
        _int(t.likes_count),
        _int(t.reposts_count),
    )
