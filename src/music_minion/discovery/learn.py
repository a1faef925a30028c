"""Learn judgments from SoundCloud: my likes become `liked` (and count as owned); the tracks of the
configured "not interested" / "not quite" playlists become `not_interested` / `not_quite`.

The client hands over plain records (soundcloud.models.Track); this module turns them into store
rows. A source that cannot be read this time leaves the judgments it gave untouched.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from music_minion.discovery.sources import track_row
from music_minion.discovery.verdicts import apply_synced, desired_verdicts
from music_minion.errors import MinionError, reason
from music_minion.store import kv, my_likes
from music_minion.store import tracks as tracks_store
from music_minion.store.session import Store
from music_minion.timeutil import now_iso

if TYPE_CHECKING:
    from music_minion.config import Config
    from music_minion.soundcloud.client import SoundCloudClient
    from music_minion.soundcloud.models import Track

log = logging.getLogger(__name__)


def store_tracks(conn: Store, items: list[Track], now: str) -> list[int]:
    """Upsert client tracks (in one transaction); returns their ids in the given order."""
    unique = list({t.urn: t for t in items}.values())
    with conn.atomic():
        tracks_store.upsert_tracks(conn, [track_row(t) for t in unique], now)
        ids = tracks_store.get_ids_by_urn(conn, [t.urn for t in unique])
    return [ids[t.urn] for t in items if t.urn in ids]


async def import_my_likes(
    client: SoundCloudClient, conn: Store, *, full: bool = False
) -> dict[str, int]:
    """Record my SoundCloud likes in `my_likes` (newest first).

    Incremental (default): the walk stops at the first like already recorded. `full`: walks them
    all and marks likes no longer there as gone. Returns {"seen", "new", "gone"}.
    """
    known_urns = my_likes.list_known_urns(conn)
    seen: list[Track] = []
    async for track in client.my_likes():
        if not full and track.urn in known_urns:
            break
        seen.append(track)
    now = now_iso()
    ids = store_tracks(conn, seen, now) if seen else []
    gone: list[int] = []
    with conn.atomic():
        new = my_likes.record(conn, ids, now) if ids else 0
        if full:
            gone = my_likes.mark_gone_except(conn, set(ids), now)
    return {"seen": len(seen), "new": new, "gone": len(gone)}


async def _playlist_track_ids(client: SoundCloudClient, conn: Store, ref: str) -> list[int]:
    from music_minion.discovery.playlist_ref import playlist_urn

    urn = await playlist_urn(client, ref)
    items = [t async for t in client.playlist_tracks(urn)]
    return store_tracks(conn, items, now_iso()) if items else []


async def learn_from_soundcloud(
    client: SoundCloudClient, conn: Store, cfg: Config
) -> dict[str, Any]:
    """My likes → my_likes + `liked`; configured playlists → not_interested / not_quite. When my
    likes were read, what was pushed before now counts as heard (ranking learns from the pushed
    tracks I neither liked nor dismissed). Returns counts (and errors per source)."""
    from music_minion.discovery.feed import HEARD_AT
    from music_minion.soundcloud.errors import ApiError

    started = now_iso()
    result: dict[str, Any] = {"likes": None, "playlists": {}, "judgments": {}, "errors": {}}
    unknown: set[str] = set()
    if cfg.judgments.learn_likes:
        try:
            result["likes"] = await import_my_likes(client, conn)
        except ApiError as e:  # the likes stored so far still stand
            result["errors"]["likes"] = reason(e)
    else:
        unknown.add("liked")
    members: dict[str, set[int]] = {"not_interested": set(), "not_quite": set()}
    refs = {
        "not_interested": cfg.judgments.not_interested_playlist,
        "not_quite": cfg.judgments.not_quite_playlist,
    }
    for verdict, ref in refs.items():
        if not ref:
            continue
        try:
            members[verdict] = set(await _playlist_track_ids(client, conn, ref))
            result["playlists"][verdict] = len(members[verdict])
        except MinionError as e:  # an API failure, not a playlist, not logged in
            result["errors"][verdict] = reason(e)  # reported once, by whoever shows the result
            log.debug("could not read the %s playlist: %s", verdict, e)
            unknown.add(verdict)
    liked = my_likes.list_current_ids(conn) if cfg.judgments.learn_likes else set()
    desired = desired_verdicts(liked, members["not_interested"], members["not_quite"])
    sources = {"liked": "your SoundCloud likes"}
    sources.update({v: f"playlist {ref}" for v, ref in refs.items() if ref})
    result["judgments"] = apply_synced(conn, desired, unknown=frozenset(unknown), sources=sources)
    if "liked" not in unknown and "likes" not in result["errors"]:
        kv.put(conn, HEARD_AT, started)
    return result
