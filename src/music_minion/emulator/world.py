"""The seeded world the emulator serves: users, tracks, likes, reposts, uploads, playlists.

`generate(seed, size)` is deterministic: the same seed and size give the same world, byte for byte.
Every list is kept newest first (index 0 is the newest like/repost/upload). Mutations bump
`version` so caches built on the world know to rebuild; faults never call them.
"""

from __future__ import annotations

import random
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, Any

from music_minion.emulator import vocab

if TYPE_CHECKING:
    from music_minion.emulator.taste import Taste

# All generated times lie before this instant, so a world never depends on the clock.
EPOCH = 1_793_491_200  # 2026-11-01T00:00:00Z
TRACK_ID_BASE = 100_000_000
USER_ID_BASE = 5_000_000
PLAYLIST_ID_BASE = 900_000
PLAYLIST_CAP = 500


@dataclass(frozen=True)
class WorldSize:
    """How big a world is: followed artists, their lists, the wider pool and the "me" user."""

    artists: int
    likes_per_artist: int
    uploads_per_artist: int
    reposts_per_artist: int
    other_uploaders: int
    uploads_per_other: int
    me_likes: int
    judgment_playlist_tracks: int


SIZES: dict[str, WorldSize] = {
    "tiny": WorldSize(4, 12, 4, 5, 6, 8, 8, 3),
    "small": WorldSize(12, 60, 10, 20, 30, 10, 30, 8),
    "medium": WorldSize(50, 300, 20, 60, 150, 15, 120, 20),
    "large": WorldSize(200, 1000, 30, 150, 1000, 25, 400, 40),
}


def resolve_size(size: str | WorldSize = "tiny", **overrides: int) -> WorldSize:
    """A named size (tiny, small, medium, large) with optional explicit numbers replacing fields."""
    if isinstance(size, WorldSize):
        base = size
    elif size in SIZES:
        base = SIZES[size]
    else:
        raise ValueError(f"unknown world size {size!r} (use {', '.join(SIZES)})")
    bad = [k for k in overrides if k not in WorldSize.__dataclass_fields__]
    if bad:
        raise ValueError(f"unknown world size field(s): {', '.join(bad)}")
    values = {**base.__dict__, **{k: int(v) for k, v in overrides.items() if v is not None}}
    if values["artists"] < 1 or any(v < 0 for v in values.values()):
        raise ValueError("world sizes must be non-negative, with at least one artist")
    return WorldSize(**values)


@dataclass(slots=True)
class User:
    urn: str
    id: int
    username: str
    permalink: str
    full_name: str
    city: str
    country: str
    created_at: int
    followers_count: int
    description: str = ""


@dataclass(slots=True)
class Track:
    urn: str
    id: int
    title: str
    user_urn: str
    permalink: str
    duration_ms: int
    genre: str
    tag_list: str
    bpm: float
    access: str
    created_at: int
    playback_count: int
    label_name: str
    favoritings_count: int = 0
    reposts_count: int = 0
    comment_count: int = 0
    hls_only: bool = False  # its full stream is HLS only (no progressive MP3)


@dataclass(slots=True)
class Playlist:
    urn: str
    id: int
    title: str
    user_urn: str
    permalink: str
    sharing: str
    tracks: list[str]
    created_at: int
    last_modified: int
    description: str = ""


@dataclass
class World:
    """Everything the emulator serves. Read freely; change only through the mutation methods."""

    seed: int
    size: WorldSize
    users: dict[str, User] = field(default_factory=dict)
    tracks: dict[str, Track] = field(default_factory=dict)
    playlists: dict[str, Playlist] = field(default_factory=dict)
    me_urn: str = ""
    artist_urns: list[str] = field(default_factory=list)
    likes: dict[str, list[str]] = field(default_factory=dict)
    reposts: dict[str, list[str]] = field(default_factory=dict)
    uploads: dict[str, list[str]] = field(default_factory=dict)
    followings: dict[str, list[str]] = field(default_factory=dict)
    user_playlists: dict[str, list[str]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    version: int = 0
    clock: int = EPOCH
    taste: Taste | None = None  # the hidden truth of a taste world (None: today's default world)
    _permalinks: dict[str, str] = field(default_factory=dict)
    _rng: random.Random = field(default_factory=random.Random)
    _next_track: int = TRACK_ID_BASE
    _next_playlist: int = PLAYLIST_ID_BASE

    # ---- reading -------------------------------------------------------------------------
    @property
    def me(self) -> User:
        return self.users[self.me_urn]

    def track(self, urn: str) -> Track | None:
        """A live (not deleted) track, else None."""
        return None if urn in self.deleted else self.tracks.get(urn)

    def list_for(self, kind: str, user_urn: str) -> list[str]:
        """A user's newest-first list: `likes`, `reposts` or `uploads` (deleted tracks left out)."""
        source = {"likes": self.likes, "reposts": self.reposts, "uploads": self.uploads}[kind]
        return [u for u in source.get(user_urn, ()) if u not in self.deleted]

    def resolve_url(self, url: str) -> tuple[str, str] | None:
        """A soundcloud.com URL → (kind, urn) where kind is users/tracks/playlists; None if unknown."""
        m = re.match(r"^(?:https?://)?(?:www\.|m\.)?soundcloud\.com(/[^?#]*)", url.strip())
        if not m:
            return None
        path = m.group(1).rstrip("/").lower()
        urn = self._permalinks.get(path)
        if urn is None or urn in self.deleted:
            return None
        return urn.split(":")[1], urn

    def related_tracks(self, urn: str, n: int = 60) -> list[str]:
        """Tracks of the same genre, in a fixed order derived from the seed."""
        t = self.tracks[urn]
        same = [
            u
            for u, o in self.tracks.items()
            if o.genre == t.genre and u != urn and u not in self.deleted
        ]
        random.Random(f"{self.seed}:{urn}").shuffle(same)
        return same[:n]

    def related_users(self, urn: str, n: int = 20) -> list[str]:
        """Users whose likes overlap this user's most."""
        mine = set(self.likes.get(urn, ()))
        scored = [(len(mine & set(lk)), u) for u, lk in self.likes.items() if u != urn]
        scored.sort(key=lambda p: (-p[0], p[1]))
        return [u for s, u in scored[:n] if s > 0]

    def favoriters(self, track_urn: str) -> list[str]:
        """Exactly the users whose likes hold this track (in URN order)."""
        return sorted(u for u, lk in self.likes.items() if track_urn in lk)

    def reposters(self, track_urn: str) -> list[str]:
        """Exactly the users whose reposts hold this track (in URN order)."""
        return sorted(u for u, rp in self.reposts.items() if track_urn in rp)

    def counts(self) -> dict[str, int]:
        return {
            "users": len(self.users),
            "tracks": len(self.tracks) - len(self.deleted),
            "deleted_tracks": len(self.deleted),
            "playlists": len(self.playlists),
            "artists": len(self.artist_urns),
            "likes": sum(len(v) for v in self.likes.values()),
            "reposts": sum(len(v) for v in self.reposts.values()),
            "uploads": sum(len(v) for v in self.uploads.values()),
        }

    # ---- building blocks -----------------------------------------------------------------
    def _register(self, path: str, urn: str) -> str:
        base, n = path.lower(), 2
        path = base
        while path in self._permalinks:
            path, n = f"{base}-{n}", n + 1
        self._permalinks[path] = urn
        return path

    def _add_user(self, username: str, rng: random.Random) -> User:
        uid = USER_ID_BASE + len(self.users) + 1
        urn = f"soundcloud:users:{uid}"
        path = self._register("/" + _slug(username), urn)
        city, country = rng.choice(vocab.CITIES)
        user = User(
            urn,
            uid,
            username,
            path[1:],
            username.title(),
            city,
            country,
            EPOCH - rng.randint(400, 4000) * 86400,
            int(rng.paretovariate(1.2) * 300),
        )
        self.users[urn] = user
        for d in (self.likes, self.reposts, self.uploads, self.user_playlists):
            d[urn] = []
        return user

    def _new_track(self, user: User, rng: random.Random, created_at: int) -> Track:
        self._next_track += 1
        tid = self._next_track
        urn = f"soundcloud:tracks:{tid}"
        title, duration, genre = _title(rng)
        path = self._register(f"/{user.permalink}/{_slug(title)}", urn)
        roll = tid % 29
        access = "blocked" if roll == 7 else "preview" if roll in (3, 11, 19) else "playable"
        tags = " ".join(
            f'"{t}"' if " " in t else t for t in rng.sample(vocab.TAGS, rng.randint(0, 3))
        )
        track = Track(
            urn,
            tid,
            title,
            user.urn,
            path.rsplit("/", 1)[1],
            duration,
            genre,
            tags,
            float(rng.choice((0, 120, 122, 124, 126, 128, 130, 140, 170, 174))),
            access,
            created_at,
            int(rng.paretovariate(1.1) * 200),
            rng.choice(vocab.LABELS),
            hls_only=access == "playable" and roll in (5, 13, 23),
        )
        self.tracks[urn] = track
        return track

    def _new_playlist(
        self, owner: str, title: str, tracks: list[str], sharing: str, created_at: int
    ) -> Playlist:
        self._next_playlist += 1
        pid = self._next_playlist
        urn = f"soundcloud:playlists:{pid}"
        user = self.users[owner]
        path = self._register(f"/{user.permalink}/sets/{_slug(title)}", urn)
        pl = Playlist(
            urn,
            pid,
            title,
            owner,
            path.rsplit("/", 1)[1],
            sharing,
            list(tracks),
            created_at,
            created_at,
        )
        self.playlists[urn] = pl
        self.user_playlists[owner].insert(0, urn)
        return pl

    def _touch(self) -> None:
        self.version += 1
        self.clock += 60

    # ---- mutations (tests and the API's writes) ----------------------------------------------
    def add_like(self, user_urn: str, track_urn: str) -> bool:
        """Prepend a like (newest first); False when already liked."""
        lst = self.likes[user_urn]
        if track_urn in lst:
            return False
        lst.insert(0, track_urn)
        self.tracks[track_urn].favoritings_count += 1
        self._touch()
        return True

    def remove_like(self, user_urn: str, track_urn: str) -> bool:
        lst = self.likes[user_urn]
        if track_urn not in lst:
            return False
        lst.remove(track_urn)
        self.tracks[track_urn].favoritings_count -= 1
        self._touch()
        return True

    def add_repost(self, user_urn: str, track_urn: str) -> bool:
        lst = self.reposts[user_urn]
        if track_urn in lst:
            return False
        lst.insert(0, track_urn)
        self.tracks[track_urn].reposts_count += 1
        self._touch()
        return True

    def add_upload(self, user_urn: str) -> str:
        """A brand-new track uploaded by the user now (the newest of the world). Returns its URN."""
        self._touch()
        track = self._new_track(self.users[user_urn], self._rng, self.clock)
        self.uploads[user_urn].insert(0, track.urn)
        return track.urn

    def delete_track(self, track_urn: str) -> bool:
        """Delete a track: 404 from now on, gone from every list."""
        if track_urn not in self.tracks or track_urn in self.deleted:
            return False
        self.deleted.add(track_urn)
        self._touch()
        return True

    def create_playlist(
        self,
        owner: str,
        title: str,
        tracks: list[str],
        sharing: str = "private",
        description: str = "",
    ) -> Playlist:
        self._touch()
        pl = self._new_playlist(owner, title, tracks, sharing, self.clock)
        pl.description = description
        return pl

    def update_playlist(
        self,
        urn: str,
        *,
        title: str | None = None,
        sharing: str | None = None,
        description: str | None = None,
        tracks: list[str] | None = None,
    ) -> Playlist:
        pl = self.playlists[urn]
        if title is not None:
            pl.title = title
        if sharing is not None:
            pl.sharing = sharing
        if description is not None:
            pl.description = description
        if tracks is not None:
            pl.tracks = list(tracks)
        self._touch()
        pl.last_modified = self.clock
        return pl

    def delete_playlist(self, urn: str) -> None:
        pl = self.playlists.pop(urn)
        self.user_playlists[pl.user_urn].remove(urn)
        self._touch()

    def mutate(
        self,
        *,
        likes: int = 0,
        reposts: int = 0,
        uploads: int = 0,
        delete: int = 0,
        me_likes: int = 0,
        artists: list[str] | None = None,
    ) -> dict[str, Any]:
        """Change the world between syncs, deterministically from the seed and the mutation count.

        New likes and reposts go to the front of random watched artists' lists (or `artists`),
        taken from tracks those artists have not liked/reposted yet; `uploads` adds new tracks;
        `delete` deletes tracks that sit in some artist's likes. Returns exactly what changed.
        """
        rng = self._rng
        pool = [u for u in self.tracks if u not in self.deleted]
        who = list(artists) if artists else list(self.artist_urns)
        out: dict[str, Any] = {
            "likes": [],
            "reposts": [],
            "uploads": [],
            "deleted": [],
            "me_likes": [],
        }
        for kind, n, adder in (
            ("likes", likes, self.add_like),
            ("reposts", reposts, self.add_repost),
        ):
            for _ in range(n):
                for _attempt in range(50):
                    artist, track = rng.choice(who), rng.choice(pool)
                    if self.tracks[track].user_urn != artist and adder(artist, track):
                        out[kind].append({"artist": artist, "track": track})
                        break
        for _ in range(uploads):
            artist = rng.choice(who)
            out["uploads"].append({"artist": artist, "track": self.add_upload(artist)})
        for _ in range(me_likes):
            for _attempt in range(50):
                track = rng.choice(pool)
                if self.add_like(self.me_urn, track):
                    out["me_likes"].append({"artist": self.me_urn, "track": track})
                    break
        liked = sorted({t for a in who for t in self.list_for("likes", a)})
        for track in rng.sample(liked, min(delete, len(liked))):
            self.delete_track(track)
            out["deleted"].append(track)
        out["version"] = self.version
        return out


def generate(seed: int = 1, size: str | WorldSize = "tiny", **overrides: int) -> World:
    """Build the world for (seed, size) deterministically (a world with taste:
    `taste_world.generate_taste`)."""
    sz = resolve_size(size, **overrides)
    rng = random.Random(seed)
    w = World(seed=seed, size=sz)
    w._rng = random.Random(seed * 7919 + 17)
    me = w._add_user(f"{rng.choice(vocab.FIRST)} Listener", rng)
    w.me_urn = me.urn
    names = _artist_names(rng, sz.artists + sz.other_uploaders)
    artists = [w._add_user(n, rng) for n in names[: sz.artists]]
    others = [w._add_user(n, rng) for n in names[sz.artists :]]
    w.artist_urns = [a.urn for a in artists]
    w.followings[me.urn] = list(w.artist_urns)
    for a in artists:
        _add_uploads(w, a, sz.uploads_per_artist, rng)
    for o in others:
        _add_uploads(w, o, sz.uploads_per_other, rng)
    pick = _popularity_picker(list(w.tracks), rng)
    for a in artists:
        own = set(w.uploads[a.urn])
        w.likes[a.urn] = pick(sz.likes_per_artist, own)
        w.reposts[a.urn] = pick(sz.reposts_per_artist, own)
    w.likes[me.urn] = pick(sz.me_likes, set())
    for t in w.likes.values():
        for urn in t:
            w.tracks[urn].favoritings_count += 1
    for t in w.reposts.values():
        for urn in t:
            w.tracks[urn].reposts_count += 1
    # Tests need a blocked track inside a watched artist's likes: make sure there is one.
    first_likes = w.likes[artists[0].urn]
    if first_likes and not any(w.tracks[u].access == "blocked" for u in first_likes):
        w.tracks[first_likes[min(2, len(first_likes) - 1)]].access = "blocked"
    _add_judgment_playlists(w, artists, sz.judgment_playlist_tracks, rng)
    return w


def _add_uploads(w: World, user: User, n: int, rng: random.Random) -> None:
    """`n` tracks by `user`, uploaded over the three years before the epoch, newest first."""
    span = 3 * 365 * 86400
    times = sorted((EPOCH - rng.randint(3600, span) for _ in range(n)), reverse=True)
    w.uploads[user.urn] = [w._new_track(user, rng, t).urn for t in times]


def _popularity_picker(pool: list[str], rng: random.Random) -> Callable[[int, set[str]], list[str]]:
    """`pick(n, exclude)`: up to `n` distinct tracks of `pool` drawn by a power-law popularity
    (a few tracks are liked by many artists, most by one or none)."""
    order = list(range(len(pool)))
    rng.shuffle(order)
    cum = list(accumulate(1.0 / (r + 1) ** 0.85 for r in order))

    def pick(n: int, exclude: set[str]) -> list[str]:
        chosen: list[str] = []
        seen = set(exclude)
        total = cum[-1]
        for _ in range(n * 4 + 20):
            if len(chosen) >= n:
                break
            urn = pool[min(bisect_left(cum, rng.random() * total), len(pool) - 1)]
            if urn not in seen:
                seen.add(urn)
                chosen.append(urn)
        return chosen

    return pick


def _add_judgment_playlists(w: World, artists: list[User], k: int, rng: random.Random) -> None:
    """My judgment playlists hold tracks some watched artist liked (so they matter to ranking)."""
    me = w.me_urn
    candidates = sorted({u for a in artists for u in w.likes[a.urn]} - set(w.likes[me]))
    rng.shuffle(candidates)
    w._new_playlist(me, "Not quite", candidates[k : 2 * k], "private", EPOCH - 86400 * 30)
    w._new_playlist(me, "Not interested", candidates[:k], "private", EPOCH - 86400 * 20)
    w._new_playlist(me, "Warm-up ideas", list(w.likes[me][:k]), "public", EPOCH - 86400 * 10)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _artist_names(rng: random.Random, n: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        style = rng.random()
        if style < 0.4:
            name = f"{rng.choice(vocab.ALIAS_A)} {rng.choice(vocab.ALIAS_B)}"
        elif style < 0.7:
            name = f"{rng.choice(vocab.FIRST)} {rng.choice(vocab.ALIAS_B)}"
        else:
            name = f"DJ {rng.choice(vocab.FIRST)}"
        if name in seen:
            name = f"{name} {len(names)}"
        seen.add(name)
        names.append(name)
    return names


def _title(rng: random.Random) -> tuple[str, int, str]:
    """A realistic title with its duration (ms) and genre."""
    genre = rng.choice(vocab.GENRES)
    roll = rng.random()
    if roll < 0.07:  # long DJ mixes, over ten minutes
        title = f"{rng.choice(vocab.MIX_NAMES)} {rng.randint(1, 250):03d}"
        return title, rng.randint(20, 120) * 60_000 + rng.randint(0, 59_999), genre
    base = f"{rng.choice(vocab.TITLE_A)} {rng.choice(vocab.TITLE_B)}"
    duration = rng.randint(150_000, 420_000)
    if roll < 0.2:
        base += f" (feat. {rng.choice(vocab.FIRST)})"
    elif roll < 0.32:
        base += f" ({rng.choice(vocab.ALIAS_A)} {rng.choice(vocab.ALIAS_B)} Remix)"
    elif roll < 0.42:
        base += " (Extended Mix)"
        duration = rng.randint(360_000, 660_000)
    elif roll < 0.48:
        base += " (Original Mix)"
    elif roll < 0.52:
        base += " [Free Download]"
    return base, duration, genre
