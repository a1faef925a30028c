"""Which playlist a configured reference (URN, URL or title) means.

My own playlists come first (`/me/playlists`, private ones included: SoundCloud's `/resolve` does
not find a private playlist), then `/resolve` for someone else's public playlist.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from music_minion.errors import MinionError
from music_minion.urls import canonical

if TYPE_CHECKING:
    from music_minion.soundcloud.client import SoundCloudClient

URN_PREFIX = "soundcloud:playlists:"
HINT = "set judgments.*_playlist to the URL, title or URN of a playlist"


def looks_like_url(ref: str) -> bool:
    """A soundcloud.com URL or an `owner/sets/name` path (a title has neither)."""
    return ref.startswith(("http://", "https://")) or "soundcloud.com/" in ref or "/sets/" in ref


_SECRET = re.compile(r"/s-[A-Za-z0-9]+$")  # the secret token of a private playlist's share link


def _url_key(url: str) -> str:
    """A playlist URL or `owner/sets/name` path as compared: canonical, lower case, no secret token."""
    text = url if "soundcloud.com/" in url else "https://soundcloud.com/" + url.lstrip("/")
    return _SECRET.sub("", canonical(text, lower=True))


async def find_mine(client: SoundCloudClient, ref: str) -> str | None:
    """The URN of my playlist whose URL or title is `ref` (titles compare without case)."""
    by_url = looks_like_url(ref)
    wanted = _url_key(ref) if by_url else ref.casefold()
    async for pl in client.my_playlists():
        key = _url_key(pl.permalink_url or "") if by_url else (pl.title or "").strip().casefold()
        if key == wanted:
            return pl.urn
    return None


async def playlist_urn(client: SoundCloudClient, ref: str) -> str:
    """The URN of the playlist `ref` names: a URN as is, else mine by URL or title, else a public
    one by URL. A reference that names none is a MinionError saying which."""
    from music_minion.soundcloud.errors import NotFound
    from music_minion.soundcloud.models import Playlist

    ref = ref.strip()
    if ref.startswith(URN_PREFIX):
        return ref
    mine = await find_mine(client, ref)
    if mine is not None:
        return mine
    if not looks_like_url(ref):
        raise MinionError(f"none of your playlists is titled {ref!r}", HINT)
    try:
        found = await client.resolve(ref)
    except NotFound:
        raise MinionError(
            f"no playlist at {ref} (neither yours nor a public one)",
            "check the URL; a private playlist is found only when you are logged in as its owner",
        ) from None
    if not isinstance(found, Playlist):
        raise MinionError(f"{ref} is not a playlist", HINT)
    return found.urn
