"""World objects → SoundCloud's JSON shapes, encoded once and reused until the world changes.

The field sets and date formats are those of the real v1 API's 2025 answers: tracks, users and
playlists all carry the v1 date format (`2019/01/15 15:40:49 +0000`), users are embedded in full,
and fields the world does not model are there, empty: null as real answers hold them where the
published spec allows null, else an empty string, 0 or [] so the spec's validators pass.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import msgspec

from music_minion.emulator.world import Playlist, Track, User, World

_encode = msgspec.json.Encoder().encode


def v1_time(epoch: int) -> str:
    return time.strftime("%Y/%m/%d %H:%M:%S +0000", time.gmtime(epoch))


class Serializer:
    """Builds and caches encoded JSON for one world; the cache empties when `world.version` moves."""

    def __init__(self, world: World, api_base: str) -> None:
        self.world = world
        self.api_base = api_base
        self._version = -1
        self._tracks: dict[str, bytes] = {}
        self._users: dict[str, bytes] = {}
        self._lists: dict[tuple[Any, ...], list[bytes]] = {}
        self._user_dicts: dict[str, dict[str, Any]] = {}

    def _check(self) -> None:
        if self._version != self.world.version:
            self._tracks.clear()
            self._users.clear()
            self._lists.clear()
            self._user_dicts.clear()
            self._version = self.world.version

    # ---- dicts ---------------------------------------------------------------------------
    def user(self, u: User) -> dict[str, Any]:
        """A user as the real API answers it, alone or embedded in a track or playlist."""
        self._check()
        d = self._user_dicts.get(u.urn)
        if d is None:
            d = self._user_dicts[u.urn] = self._user(u)
        return d

    def _user(self, u: User) -> dict[str, Any]:
        w = self.world
        first, _, last = u.full_name.partition(" ")
        return {
            "avatar_url": f"https://i1.sndcdn.com/avatars-{u.id}-large.jpg",
            "id": u.id,
            "urn": u.urn,
            "kind": "user",
            "permalink_url": f"https://soundcloud.com/{u.permalink}",
            "uri": f"{self.api_base}/users/{u.urn}",
            "username": u.username,
            "permalink": u.permalink,
            "created_at": v1_time(u.created_at),
            "last_modified": v1_time(u.created_at),
            "first_name": first,
            "last_name": last,
            "full_name": u.full_name,
            "city": u.city,
            "description": u.description,
            "country": u.country,
            "track_count": len(w.list_for("uploads", u.urn)),
            "public_favorites_count": len(w.likes.get(u.urn, ())),
            "reposts_count": len(w.reposts.get(u.urn, ())),
            "followers_count": u.followers_count,
            "followings_count": len(w.followings.get(u.urn, ())),
            "plan": "Free",
            "myspace_name": "",
            "discogs_name": "",
            "website_title": "",
            "website": "",
            "comments_count": 0,
            "online": False,
            "likes_count": len(w.likes.get(u.urn, ())),
            "playlist_count": sum(
                1 for p in w.user_playlists.get(u.urn, ()) if w.playlists[p].sharing == "public"
            ),
            "subscriptions": [],  # the spec wants arrays in it, real answers hold objects
        }

    def me(self) -> dict[str, Any]:
        w = self.world
        d = dict(self.user(w.me))
        mine = [w.playlists[p] for p in w.user_playlists[w.me_urn]]
        d.update(
            {
                "locale": None,
                "online": True,
                "primary_email_confirmed": True,
                "private_playlists_count": sum(1 for p in mine if p.sharing == "private"),
                "private_tracks_count": 0,
                "quota": {
                    "unlimited_upload_quota": False,
                    "upload_seconds_used": 0,
                    "upload_seconds_left": 10800,
                },
                "upload_seconds_left": 10800,
            }
        )
        return d

    def track(self, t: Track) -> dict[str, Any]:
        owner = self.world.users[t.user_urn]
        uri = f"{self.api_base}/tracks/{t.urn}"
        day = time.gmtime(t.created_at)
        return {
            "kind": "track",
            "id": t.id,
            "urn": t.urn,
            "title": t.title,
            "artwork_url": f"https://i1.sndcdn.com/artworks-{t.id}-large.jpg",
            "available_country_codes": "",
            "bpm": t.bpm,
            "comment_count": t.comment_count,
            "commentable": True,
            "created_at": v1_time(t.created_at),
            "description": "",
            "download_count": 0,
            "downloadable": False,
            "download_url": None,
            "duration": t.duration_ms,
            "embeddable_by": "all",
            "favoritings_count": t.favoritings_count,
            "genre": t.genre,
            "isrc": "",
            "key_signature": "",
            "label_name": t.label_name,
            "license": "all-rights-reserved",
            "metadata_artist": "",
            "monetization_model": None,
            "permalink_url": f"https://soundcloud.com/{owner.permalink}/{t.permalink}",
            "playback_count": t.playback_count,
            "policy": None,
            "purchase_title": "",
            "purchase_url": "",
            "release": "",
            "release_day": day.tm_mday,
            "release_month": day.tm_mon,
            "release_year": day.tm_year,
            "reposts_count": t.reposts_count,
            "secret_uri": "",
            "sharing": "public",
            "stream_url": f"{uri}/stream",
            "streamable": t.access != "blocked",
            "tag_list": t.tag_list,
            "uri": uri,
            "user": self.user(owner),
            "user_favorite": False,
            "user_playback_count": 0,
            "waveform_url": f"{self.api_base}/_emulator/wave/{t.id}_m.png",
            "access": t.access,
        }

    def playlist(self, p: Playlist, show_tracks: bool = True) -> dict[str, Any]:
        w = self.world
        owner = w.users[p.user_urn]
        live = [w.tracks[u] for u in p.tracks if u not in w.deleted]
        day = time.gmtime(p.created_at)
        d: dict[str, Any] = {
            "kind": "playlist",
            "id": p.id,
            "urn": p.urn,
            "title": p.title,
            "description": p.description,
            "created_at": v1_time(p.created_at),
            "last_modified": v1_time(p.last_modified),
            "duration": sum(t.duration_ms for t in live),
            "sharing": p.sharing,
            "track_count": len(live),
            "permalink": p.permalink,
            "permalink_url": f"https://soundcloud.com/{owner.permalink}/sets/{p.permalink}",
            "uri": f"{self.api_base}/playlists/{p.urn}",
            "tracks_uri": f"{self.api_base}/playlists/{p.urn}/tracks",
            "user": self.user(owner),
            "user_id": owner.id,
            "user_urn": owner.urn,
            "artwork_url": "",
            "embeddable_by": "all",
            "streamable": True,
            "downloadable": False,
            "genre": "",
            "tag_list": "",
            "tags": "",
            "likes_count": 0,
            "license": "all-rights-reserved",
            "label": None,
            "label_id": 0,
            "label_name": "",
            "ean": "",
            "purchase_title": "",
            "purchase_url": "",
            "release": "",
            "release_day": day.tm_mday,
            "release_month": day.tm_mon,
            "release_year": day.tm_year,
            "playlist_type": "",
            "type": "",
        }
        if show_tracks:
            d["tracks"] = [self.track(t) for t in live]
        return d

    # ---- encoded -------------------------------------------------------------------------
    def encode(self, data: Any) -> bytes:
        return _encode(data)

    def track_bytes(self, urn: str) -> bytes:
        self._check()
        b = self._tracks.get(urn)
        if b is None:
            b = self._tracks[urn] = _encode(self.track(self.world.tracks[urn]))
        return b

    def me_bytes(self) -> bytes:
        self._check()
        b = self._users.get("")
        if b is None:
            b = self._users[""] = _encode(self.me())
        return b

    def user_bytes(self, urn: str) -> bytes:
        self._check()
        b = self._users.get(urn)
        if b is None:
            b = self._users[urn] = _encode(self.user(self.world.users[urn]))
        return b

    def encoded_list(self, key: tuple[Any, ...], build: Callable[[], list[bytes]]) -> list[bytes]:
        """The encoded items of a list, built once per world version by `build()`."""
        self._check()
        items = self._lists.get(key)
        if items is None:
            items = self._lists[key] = build()
        return items
