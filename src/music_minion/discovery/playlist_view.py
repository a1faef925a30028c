"""What the discovery playlist holds, read from the record of its pushes (no request made).

A replace push holds the whole playlist; an append push puts its tracks on top of what was there.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from music_minion.store import kv
from music_minion.store import pushes as pushes_store
from music_minion.store import tracks as tracks_store
from music_minion.store.pushes import OkPush
from music_minion.store.session import Store


def replay(
    pushes: list[OkPush], tracks: list[tuple[int, int, int]], playlist_urn: str
) -> list[int]:
    """The track ids of playlist `playlist_urn` after its last successful push, in order."""
    by_push: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for push_id, track_id, position in tracks:
        by_push[push_id].append((position, track_id))
    current: list[int] = []
    for p in pushes:
        if p.playlist_urn != playlist_urn:
            continue
        new = [tid for _, tid in sorted(by_push.get(p.id, []))]
        current = new if p.replaced else new + [t for t in current if t not in set(new)]
    return current


def playlist_now(conn: Store, kv_key: str) -> dict[str, Any]:
    """The playlist kept under `kv_key`: its URN, link, when it was last pushed and its tracks
    (URN, title, uploader, link) as that push left them."""
    urn = kv.get(conn, kv_key)
    pushes = [p for p in pushes_store.list_ok_pushes(conn) if urn and p.playlist_urn == urn]
    ids = replay(pushes, pushes_store.list_ok_push_tracks(conn), urn) if urn else []
    refs = tracks_store.list_track_refs(conn, ids)
    return {
        "playlist_urn": urn,
        "link": kv.get(conn, f"{kv_key}.link") or None,
        "pushed_at": pushes[-1].finished_at if pushes else None,
        "tracks": [refs[t] for t in ids if t in refs],
    }
