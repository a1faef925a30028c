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
    from music_minion.config import Config
    from music_minion.soundcloud.client import SoundCloudClient
    from music_minion.soundcloud.models import Playlist

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
    client: SoundCloudClient, conn: Store, cfg: Config, dry_run: bool
) -> tuple[str, list[str]] | None:
    """(playlist URN, its track URNs now); None when there is no playlist to replace."""
    urn = kv.get(conn, KV_PLAYLIST_URN)
    current = await current_tracks(client, urn) if urn else None
    if urn is None and _create_outcome_unknown(conn):
        # An earlier create may have succeeded without us hearing back (killed, timed out): adopt
        # our own playlist of that title instead of making a second one.
        urn = await _own_playlist(client, cfg.playlist.title)
        current = await current_tracks(client, urn) if urn else None
        if urn is not None and current is not None and not dry_run:
            with conn.atomic():
                kv.put(conn, KV_PLAYLIST_URN, urn)
    return (urn, current) if urn is not None and current is not None else None


async def push_playlist(
    client: SoundCloudClient,
    conn: Store,
    cfg: Config,
    *,
    size: int | None = None,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Replace the discovery playlist's tracks with the top `size` candidates (default
    `playlist.size`, at most 500). `dry_run`: only report the diff. Returns what changed."""
    from music_minion.discovery.feed import build_feed

    size = check_size(size if size is not None else int(cfg.playlist.size))
    ranked = build_feed(conn, cfg.ranking, limit=size, max_listens=cfg.review.max_unjudged_listens)
    urns = [r.row.urn for r in ranked]
    track_ids = [r.row.track_id for r in ranked]
    found = await _read_or_record_failure(client, conn, cfg, track_ids, dry_run)
    urn = found[0] if found is not None else None
    result: dict[str, Any] = {
        "dry_run": dry_run,
        "playlist_urn": urn,
        "action": "replace" if found is not None else "create",
        "size": len(urns),
        **diff(urns, found[1] if found is not None else []),
    }
    if dry_run:
        return result
    with conn.atomic():
        push_id = pushes_store.start(conn, urn, track_ids, now_iso())
    result["push_id"] = push_id
    playlist, created = await _write(client, conn, cfg, push_id, urn, urns)
    if created:
        result["action"] = "create"
    with conn.atomic():
        pushes_store.finish(conn, push_id, "ok", now_iso(), playlist_urn=playlist.urn)
    result["playlist_urn"] = playlist.urn
    result["link"] = playlist.permalink_url
    return result


async def _read_or_record_failure(
    client: SoundCloudClient, conn: Store, cfg: Config, track_ids: list[int], dry_run: bool
) -> tuple[str, list[str]] | None:
    """`_read_current`; when SoundCloud cannot be read, a real push is recorded as failed (so
    `playlist show` tells the truth) and nothing is changed."""
    from music_minion.soundcloud.errors import ApiError

    try:
        return await _read_current(client, conn, cfg, dry_run)
    except ApiError as e:
        error = str(e)  # "kind status on endpoint: message" (a path template: no secrets)
        if not dry_run:
            with conn.atomic():
                push_id = pushes_store.start(
                    conn, kv.get(conn, KV_PLAYLIST_URN), track_ids, now_iso()
                )
                pushes_store.finish(conn, push_id, "failed", now_iso(), error=error)
        raise MinionError(
            f"cannot read the discovery playlist on SoundCloud ({error})",
            "nothing was changed; try again later",
        ) from None


async def _write(
    client: SoundCloudClient,
    conn: Store,
    cfg: Config,
    push_id: int,
    urn: str | None,
    urns: list[str],
) -> tuple[Playlist, bool]:
    """Replace the tracks of playlist `urn`, or create the playlist (none yet, or deleted since it
    was read). Returns it and whether it was created; a failure is recorded on the push."""
    from music_minion.soundcloud.errors import ApiError, NotFound

    try:
        if urn is not None:
            try:
                return await client.replace_playlist(urn, urns), False
            except NotFound:
                pass  # deleted between the read and the write
        playlist = await client.create_playlist(cfg.playlist.title, cfg.playlist.sharing, urns)
        with conn.atomic():
            kv.put(conn, KV_PLAYLIST_URN, playlist.urn)
        return playlist, True
    except BaseException as e:
        error = str(e) if isinstance(e, ApiError) else type(e).__name__
        with conn.atomic():
            pushes_store.finish(conn, push_id, "failed", now_iso(), error=error)
        if isinstance(e, ApiError):
            raise MinionError(
                f"playlist push failed ({error})", "it is recorded as failed; try again later"
            ) from None
        raise
