"""A realistic synthetic index written straight into schema v1 with SQL (for export benchmarks and tests).

Realistic means: varied titles (often "Artist - Title (X Remix)" with feat./free-download noise),
SoundCloud-like numeric URNs growing with upload time, permalink slugs (~8% not the title's:
renamed or repeated titles), ~3,000 uploaders per 10,000 tracks, a few hundred watched artists
whose likes/reposts/uploads give about 3 provenance rows per track (first seen by one backfill,
then by syncs every few hours), ~10% judged tracks.
"""

from __future__ import annotations

import bisect
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ra",
    "ne",
    "so",
    "ta",
    "vi",
    "ze",
    "du",
    "an",
    "el",
    "or",
    "is",
    "um",
    "ba",
    "co",
    "da",
    "fe",
    "gi",
    "ho",
    "ju",
    "ky",
    "li",
    "mo",
    "nu",
    "pa",
    "qui",
    "ri",
    "sa",
    "te",
    "vo",
    "wa",
    "xi",
    "yo",
    "zu",
    "bri",
    "cla",
    "dro",
    "fla",
    "gre",
    "kro",
    "pla",
    "sta",
    "tri",
    "vel",
)
WORDS = (
    "Midnight",
    "Love",
    "Night",
    "Dance",
    "Fire",
    "Dream",
    "Light",
    "Heart",
    "Soul",
    "Time",
    "Sky",
    "Rain",
    "Moon",
    "Sun",
    "City",
    "Home",
    "Water",
    "Ghost",
    "Gold",
    "Shadow",
    "Paradise",
    "Echo",
    "Control",
    "Body",
    "Mind",
    "Forever",
    "Alone",
    "Together",
    "Tonight",
    "Feel",
    "Move",
    "Run",
    "Lost",
    "Found",
    "Wild",
    "Deep",
    "Blue",
    "Black",
    "Red",
    "Higher",
    "Down",
    "Back",
    "Again",
    "Never",
    "Always",
    "Burn",
    "Fall",
    "Rise",
    "Fly",
    "Wave",
    "Ocean",
    "Desert",
    "Storm",
    "Thunder",
)
GENRES = (
    "House",
    "Deep House",
    "Tech House",
    "Techno",
    "Melodic Techno",
    "Minimal",
    "Drum & Bass",
    "Dubstep",
    "Ambient",
    "Disco",
    "Nu Disco",
    "Electronic",
    "Trance",
    "Hip-hop & Rap",
    "Downtempo",
    "Breakbeat",
    "Afro House",
    "Lo-Fi",
    "Garage",
    "UK Garage",
    "Jungle",
    "Electro",
    "Footwork",
    "R&B & Soul",
    "Pop",
    "Indie",
    "Experimental",
    "Dance & EDM",
    "Bass",
    "Hardcore",
)
TAGS = (
    "house",
    "techno",
    "vinyl",
    "warm up",
    "peak time",
    "late night",
    "melodic",
    "groovy",
    "dark",
    "uplifting",
    "promo",
    "free download",
    "bootleg",
    "dub",
    "live",
    "chill",
    "emotional",
    "rave",
    "hypnotic",
    "berlin",
    "london",
    "remix",
    "edit",
    "deep",
    "acid",
    "90s",
    "summer",
    "club",
)
SUFFIXES = (
    "Original Mix",
    "Extended Mix",
    "Radio Edit",
    "Club Mix",
    "Dub",
    "VIP",
    "Edit",
    "Bootleg",
)


def _word(rng: random.Random) -> str:
    if rng.random() < 0.45:
        return rng.choice(WORDS)
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def _name(rng: random.Random) -> str:
    return " ".join(_word(rng) for _ in range(rng.choice((1, 1, 2, 2, 3))))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _title(rng: random.Random, uploader: str, names: list[str]) -> str:
    core = " ".join(_word(rng) for _ in range(rng.randint(1, 4)))
    r = rng.random()
    if r < 0.2:
        core += f" ({rng.choice(names)} Remix)"
    elif r < 0.35:
        core += f" ({rng.choice(SUFFIXES)})"
    if rng.random() < 0.1:
        core += f" feat. {rng.choice(names)}"
    if rng.random() < 0.4:
        core = f"{uploader} - {core}"
    if rng.random() < 0.05:
        core += " [FREE DOWNLOAD]"
    return core


def _track_slug(rng: random.Random, title: str, names: list[str]) -> str:
    """The URL slug of a track: usually its title's, but ~4% were renamed after upload (the slug keeps
    the first title) and ~4% repeat an earlier title by the same uploader (`-2`, `-3` suffix)."""
    r = rng.random()
    if r < 0.04:
        return _slug(_title(rng, "", names))
    if r < 0.08:
        return f"{_slug(title)}-{rng.choice((2, 2, 2, 3, 4))}"
    return _slug(title)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_index(
    path: Path, tracks: int = 10_000, *, per_track: float = 3.0, judged: float = 0.1, seed: int = 1
) -> dict[str, int]:
    """Create a database at `path` (schema v1) holding a synthetic index; returns row counts."""
    from music_minion.store import connect

    rng = random.Random(seed)
    slugs = random.Random(seed + 1)  # apart, so the rest of the index does not depend on it
    conn = connect(path)
    now = datetime(2026, 11, 1, 12, 0, 0, tzinfo=UTC)
    n_uploaders = max(5, tracks * 3 // 10)
    n_watched = max(3, min(2_000, tracks // 25))
    names = [_name(rng) for _ in range(n_uploaders)]
    user_ids = rng.sample(range(100_000, 900_000_000), n_uploaders)
    # Watched artists are drawn from the uploaders (they upload as well as like and repost).
    watched = rng.sample(range(n_uploaders), n_watched)
    backfill = now - timedelta(days=120)
    syncs = [backfill + timedelta(hours=6 * i + rng.random()) for i in range(1, 120 * 4)]

    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO artists (id, urn, permalink, permalink_url, username, watched, weight, tier, check_interval_hours, "
        "last_checked_at, next_check_at, last_activity_at, added_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                a + 1,
                f"soundcloud:users:{user_ids[u]}",
                _slug(names[u]),
                f"https://soundcloud.com/{_slug(names[u])}",
                names[u],
                rng.choice((0.5, 1.0, 1.0, 1.0, 2.0)),
                rng.choice((None, None, "core", "maybe")),
                h,
                _iso(now - timedelta(hours=rng.random() * h)),
                _iso(now + timedelta(hours=rng.random() * h)),
                _iso(now - timedelta(days=rng.random() * 30)),
                _iso(backfill),
                _iso(now),
            )
            for a, u in enumerate(watched)
            for h in (rng.choice((6.0, 12.0, 24.0, 48.0, 96.0, 168.0)),)
        ],
    )
    # Tracks: upload time spread over 5 years; URN numbers grow with it, like SoundCloud's.
    uploads = sorted(now - timedelta(seconds=rng.random() * 5 * 365 * 86400) for _ in range(tracks))
    first_seen: list[datetime] = []
    track_rows = []
    uploader_of: list[int] = []
    for t, created in enumerate(uploads, start=1):
        u = (
            min(int(rng.paretovariate(1.2)) - 1, n_uploaders - 1)
            if rng.random() < 0.3
            else rng.randrange(n_uploaders)
        )
        uploader_of.append(u)
        title = _title(rng, names[u], names)
        # Seen by the first backfill, else by the first sync after someone picked it up.
        lag = created + timedelta(days=rng.expovariate(1 / 4))
        seen = (
            backfill
            if created < backfill
            else syncs[min(bisect.bisect(syncs, lag), len(syncs) - 1)]
        )
        first_seen.append(seen)
        mix = rng.random() < 0.05
        plays = int(rng.lognormvariate(7, 2))
        tags = " ".join(
            f'"{x}"' if " " in x else x for x in rng.sample(TAGS, rng.choice((0, 0, 1, 2, 3, 5)))
        )
        track_rows.append(
            (
                t,
                f"soundcloud:tracks:{int(200_000_000 + (created.timestamp() - 1.6e9) * 6 + rng.randrange(6))}",
                title,
                f"soundcloud:users:{user_ids[u]}",
                names[u],
                f"https://soundcloud.com/{_slug(names[u])}/{_track_slug(slugs, title, names)}",
                rng.randint(3_600_000, 7_200_000) if mix else rng.randint(120_000, 480_000),
                None if rng.random() < 0.15 else rng.choice(GENRES),
                tags or None,
                round(rng.uniform(90, 175)) if rng.random() < 0.1 else None,
                _iso(created),
                "playable" if rng.random() < 0.93 else rng.choice(("preview", "blocked")),
                plays,
                int(plays * rng.uniform(0.005, 0.05)),
                int(plays * rng.uniform(0.0005, 0.01)),
                _iso(max(seen, created)),
                _iso(now),
                "ok" if rng.random() < 0.98 else rng.choice(("deleted", "unavailable")),
            )
        )
    # Supporters: each watched artist's likes and reposts, plus its own uploads.
    lists: dict[tuple[int, str], list[int]] = {}
    watched_of_uploader = {u: a + 1 for a, u in enumerate(watched)}
    weights = [rng.paretovariate(1.5) for _ in range(n_watched)]
    for t in range(1, tracks + 1):
        supporters = set()
        n = max(1, round(rng.gauss(per_track, 1.2)))
        for a in rng.choices(range(1, n_watched + 1), weights=weights, k=n):
            kind = "like" if rng.random() < 0.65 else "repost"
            if (a, kind) in supporters:
                continue
            supporters.add((a, kind))
            lists.setdefault((a, kind), []).append(t)
    for t, u in enumerate(uploader_of, start=1):
        if u in watched_of_uploader:
            lists.setdefault((watched_of_uploader[u], "upload"), []).append(t)
    # When each row was first seen: with the track, or (a later supporter) a few syncs afterwards.
    seen_at: dict[datetime, dict[tuple[int, str], list[int]]] = {}
    track_first: dict[int, datetime] = {}
    for (a, kind), members in lists.items():
        for t in members:
            seen = first_seen[t - 1]
            if seen != backfill and rng.random() < 0.4:
                seen = syncs[min(bisect.bisect(syncs, seen) + rng.randrange(1, 20), len(syncs) - 1)]
            seen_at.setdefault(seen, {}).setdefault((a, kind), []).append(t)
            track_first[t] = min(seen, track_first.get(t, seen))
    # Replay the syncs: each (artist, source) result is merged as its fetch finishes (any order),
    # newest item first; a track gets the next row id when first stored; positions count within
    # what that fetch saw (0 = newest).
    new_id: dict[int, int] = {}
    prov_rows = []
    uploaded = {t: uploads[t - 1].timestamp() for t in range(1, tracks + 1)}
    for seen in sorted(seen_at):
        fetches = list(seen_at[seen].items())
        rng.shuffle(fetches)
        for (a, kind), members in fetches:
            members.sort(key=lambda t: -(uploaded[t] + rng.gauss(0, 30 * 86400)))
            for pos, t in enumerate(members):
                if t not in new_id:
                    new_id[t] = len(new_id) + 1
                prov_rows.append((new_id[t], a, kind, _iso(seen), pos))
    conn.executemany(
        "INSERT INTO tracks (id, urn, title, uploader_urn, uploader_name, permalink_url, duration_ms, genre, tags, bpm, "
        "created_at, access, playback_count, likes_count, reposts_count, first_seen_at, updated_at, status) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(new_id[r[0]], *r[1:15], _iso(track_first[r[0]]), *r[16:]) for r in track_rows],
    )
    conn.executemany(
        "INSERT INTO provenance (track_id, artist_id, kind, first_seen_at, position) VALUES (?, ?, ?, ?, ?)",
        prov_rows,
    )
    judged_ids = rng.sample(range(1, tracks + 1), int(tracks * judged))
    conn.executemany(
        "INSERT INTO judgments (track_id, verdict, source, judged_at) VALUES (?, ?, ?, ?)",
        [
            (
                new_id[t],
                v,
                "soundcloud_like"
                if v == "liked" and rng.random() < 0.7
                else rng.choice(("manual", "soundcloud_playlist")),
                _iso(max(track_first[t], now - timedelta(days=rng.random() * 100))),
            )
            for t in judged_ids
            for v in (rng.choices(("liked", "not_interested", "not_quite"), weights=(5, 3, 2))[0],)
        ],
    )
    conn.execute("COMMIT")
    counts = {
        t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608 - constant names
        for t in ("tracks", "provenance", "judgments", "artists")
    }
    conn.close()
    return counts
