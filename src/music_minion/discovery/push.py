"""Push the top of the feed into the discovery playlist on SoundCloud with one PUT (or diff it).

The playlist is created (POST, configured title and sharing) the first time and its URN kept in
`kv`; when it was deleted on SoundCloud (404) it is created again. Every real push is recorded in
`playlist_pushes`: 'pending' before the request, then 'ok' or 'failed' (a failure stays recorded
as failed, with the error's class and status, never pretending it worked). The client retries
transient failures itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from music_minion.errors import MinionError, UsageError
from music_minion.store import kv
from music_minion.store import pushes as pushes_store
from music_minion.store.session import Store
from music_minion.timeutil import now_iso

if TYPE_CHECKING:
    from music_minion.soundcloud.client import SoundCloudClient

KV_PLAYLIST_URN = "playlist.urn"
SOUNDCLOUD_MAX_TRACKS = 500


def check_size(size: int) -> int:
    if not 1 <= size <= SOUNDCLOUD_MAX_TRACKS:
        raise UsageError(
            f"playlist size {size} is out of range",
            f"use 1..{SOUNDCLOUD_MAX_TRACKS} (SoundCloud's cap)",
        )
    return size


async def current_tracks(client: SoundCloudClient, urn: str) -> list[str] | None:
    """URNs on the playlist now, in order; None when it no longer exists (404)."""
    from music_minion.soundcloud.errors import NotFound

    try:
        playlist = await client.playlist(urn, show_tracks=True)
    except NotFound:
        return None
    if playlist.tracks is None or (playlist.track_count or 0) > len(playlist.tracks):
        return [t.urn async for t in client.playlist_tracks(urn)]
    return [t.urn for t in playlist.tracks]


def diff(new: list[str], current: list[str]) -> dict[str, list[str]]:
    """added / removed / kept between what is on SoundCloud now and what would be pushed."""
    new_set, cur_set = set(new), set(current)
    return {
        "added": [u for u in new if u not in cur_set],
        "removed": [u for u in current if u not in new_set],
        "kept": [u for u in new if u in cur_set],
    }


def _create_outcome_unknown(conn: Store) -> bool:
    """Did an earlier push try to create the playlist and not record a success?"""
    return any(
        p["playlist_urn"] is None and p["status"] != "ok"
        for p in pushes_store.list_pushes(conn, 50)
    )


async def _own_playlist(client: SoundCloudClient, title: str) -> str | None:
    """URN of my newest playlist with this title (highest id), if any."""
    found = [p.urn async for p in client.my_playlists() if p.title == title and p.urn]
    return max(found, key=lambda u: (len(u), u)) if found else None


async def _read_current(
    client: SoundCloudClient, conn: Store, cfg: Any, dry_run: bool
) -> tuple[str | None, list[str] | None]:
    """(playlist URN, its track URNs now); current None when there is no playlist to replace."""
    urn = kv.get(conn, KV_PLAYLIST_URN)
    current = await current_tracks(client, urn) if urn else None
    if urn is None and _create_outcome_unknown(conn):
        # An earlier create may have succeeded without us hearing back (killed, timed out): adopt
        # our own playlist of that title instead of making a second one.
        urn = await _own_playlist(client, cfg.playlist.title)
        current = await current_tracks(client, urn) if urn else None
        if current is not None and not dry_run:
            with conn.atomic():
                kv.put(conn, KV_PLAYLIST_URN, urn)
    return urn, current


async def push_playlist(
    client: SoundCloudClient,
    conn: Store,
    cfg: Any,
    *,
    size: int | None = None,
    dry_run: bool = False,
) -> dict:
    """Replace the discovery playlist's tracks with the top `size` candidates (default
    `playlist.size`, at most 500). `dry_run`: only report the diff. Returns what changed."""
    from music_minion.discovery.feed import build_feed
    from music_minion.soundcloud.errors import ApiError, NotFound

    size = check_size(size if size is not None else int(cfg.playlist.size))
    ranked = build_feed(conn, cfg.ranking, limit=size)
    urns = [r.row.urn for r in ranked]
    try:
        urn, current = await _read_current(client, conn, cfg, dry_run)
    except ApiError as e:
        error = str(e)  # "kind status on endpoint: message" (a path template: no secrets)
        if not dry_run:  # recorded like any failed push, so `playlist show` tells the truth
            with conn.atomic():
                push_id = pushes_store.start(
                    conn, kv.get(conn, KV_PLAYLIST_URN), [r.row.track_id for r in ranked], now_iso()
                )
                pushes_store.finish(conn, push_id, "failed", now_iso(), error=error)
        raise MinionError(
            f"cannot read the discovery playlist on SoundCloud ({error})",
            "nothing was changed; try again later",
        ) from None
    result: dict[str, Any] = {
        "dry_run": dry_run,
        "playlist_urn": urn if current is not None else None,
        "action": "replace" if current is not None else "create",
        "size": len(urns),
        **diff(urns, current or []),
    }
    if dry_run:
        return result
    now = now_iso()
    with conn.atomic():
        push_id = pushes_store.start(
            conn, urn if current is not None else None, [r.row.track_id for r in ranked], now
        )
    result["push_id"] = push_id
    try:
        if current is not None:
            try:
                playlist = await client.replace_playlist(urn, urns)
            except NotFound:
                current = None  # deleted between the read and the write
                result["action"] = "create"
        if current is None:
            playlist = await client.create_playlist(cfg.playlist.title, cfg.playlist.sharing, urns)
            with conn.atomic():
                kv.put(conn, KV_PLAYLIST_URN, playlist.urn)
    except BaseException as e:
        error = str(e) if isinstance(e, ApiError) else type(e).__name__
        with conn.atomic():
            pushes_store.finish(conn, push_id, "failed", now_iso(), error=error)
        if isinstance(e, ApiError):
            raise MinionError(
                f"playlist push failed ({error})", "it is recorded as failed; try again later"
            ) from None
        raise
    with conn.atomic():
        pushes_store.finish(conn, push_id, "ok", now_iso(), playlist_urn=playlist.urn)
    result["playlist_urn"] = playlist.urn
    result["link"] = playlist.permalink_url
    return result
