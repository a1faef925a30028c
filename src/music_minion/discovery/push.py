"""Push the top of the feed into the discovery playlist on SoundCloud with one PUT (or diff it).

The playlist is created (POST, configured title and sharing) the first time and its URN kept in
`kv`; when it was deleted on SoundCloud (404) it is created again. With `playlist.mixes_title` set,
long mixes go to a second playlist of that title in the same push. `playlist.mode = append` puts
the new picks on top of what is there instead of replacing it; when that would pass SoundCloud's
500-track cap, a playlist "<title> 2" (then 3, …) is started with them and becomes the one pushed to. Every real push is recorded in
`playlist_pushes`: 'pending' before the request, then 'ok' or 'failed' (a failure stays recorded
as failed, with the error's class and status, never pretending it worked). The client retries
transient failures itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from music_minion.discovery.retired import RetireRules
from music_minion.errors import MinionError, UsageError
from music_minion.store import kv
from music_minion.store import pushes as pushes_store
from music_minion.store import tracks as tracks_store
from music_minion.store.session import Store
from music_minion.timeutil import now, now_iso

if TYPE_CHECKING:
    from music_minion.config import Config
    from music_minion.soundcloud.client import SoundCloudClient
    from music_minion.soundcloud.models import Playlist

KV_PLAYLIST_URN = "playlist.urn"
KV_MIXES_URN = "playlist.mixes_urn"
SOUNDCLOUD_MAX_TRACKS = 500


@dataclass(frozen=True)
class Target:
    """One playlist the feed is pushed into: its configured title, where its URN is kept, and
    whether it takes the mixes."""

    title: str
    kv_key: str
    mixes: bool = False

    def part(self, conn: Store) -> int:
        """Which playlist of an append chain is current (1: the first, titled as configured)."""
        return int(kv.get(conn, f"{self.kv_key}.part") or 1)

    def title_of(self, part: int) -> str:
        return self.title if part <= 1 else f"{self.title} {part}"


def targets(cfg: Config) -> list[Target]:
    """The playlists a push fills: the discovery playlist, and the mixes one when configured."""
    out = [Target(cfg.playlist.title, KV_PLAYLIST_URN)]
    if cfg.playlist.mixes_title:
        out.append(Target(cfg.playlist.mixes_title, KV_MIXES_URN, mixes=True))
    return out


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
    client: SoundCloudClient, conn: Store, target: Target, dry_run: bool
) -> tuple[str, list[str]] | None:
    """(playlist URN, its track URNs now); None when there is no playlist to replace."""
    urn = kv.get(conn, target.kv_key)
    current = await current_tracks(client, urn) if urn else None
    if urn is None and _create_outcome_unknown(conn):
        # An earlier create may have succeeded without us hearing back (killed, timed out): adopt
        # our own playlist of that title instead of making a second one.
        urn = await _own_playlist(client, target.title_of(target.part(conn)))
        current = await current_tracks(client, urn) if urn else None
        if urn is not None and current is not None and not dry_run:
            with conn.atomic():
                kv.put(conn, target.kv_key, urn)
    return (urn, current) if urn is not None and current is not None else None


@dataclass(frozen=True)
class _Plan:
    """What one push writes: the playlist's new track list, the tracks it adds, and whether it
    starts the next playlist of an append chain."""

    urns: list[str]
    pushed: list[str]
    next_part: bool = False


def plan_tracks(mode: str, ranked: list[str], current: list[str] | None) -> _Plan:
    """replace: the ranked list. append: the ranked tracks not there yet, on top of what is there;
    past SoundCloud's cap, those new tracks start the next playlist instead."""
    if mode != "append" or current is None:
        return _Plan(ranked, ranked)
    there = set(current)
    new = [u for u in ranked if u not in there]
    if len(new) + len(current) > SOUNDCLOUD_MAX_TRACKS:
        return _Plan(new, new, next_part=True)
    return _Plan(new + current, new)


async def push_playlist(
    client: SoundCloudClient,
    conn: Store,
    cfg: Config,
    *,
    size: int | None = None,
    dry_run: bool = False,
    target: Target | None = None,
) -> dict[str, Any]:
    """Push the top `size` candidates (default `playlist.size`, at most 500) into the discovery
    playlist (or `target`): replaced, or appended on top (`playlist.mode`). `dry_run`: only report
    the diff (with the title, uploader and link of each track named). Returns what changed."""
    from music_minion.discovery.feed import feed_filter, rank_feed

    target = target or targets(cfg)[0]
    size = check_size(size if size is not None else int(cfg.playlist.size))
    moment, rules = now(), RetireRules.of(cfg.ranking, cfg.review)
    f = feed_filter(conn, cfg.ranking, mixes=target.mixes, rules=rules, at=moment)
    ranked = rank_feed(conn, cfg.ranking, f, limit=size, at=moment)
    ids = {r.row.urn: r.row.track_id for r in ranked}
    found = await _read_or_record_failure(client, conn, target, list(ids.values()), dry_run)
    plan = plan_tracks(cfg.playlist.mode, list(ids), found[1] if found else None)
    urn = found[0] if found is not None and not plan.next_part else None
    part = target.part(conn) + (1 if plan.next_part else 0)
    changes = diff(plan.urns, found[1] if found is not None and not plan.next_part else [])
    result: dict[str, Any] = {
        "dry_run": dry_run,
        "title": target.title_of(part),
        "playlist_urn": urn,
        "action": _action(cfg.playlist.mode, found is not None, plan.next_part),
        "size": len(plan.urns),
        "feed_size": len(ranked),
        **changes,
        "retired": _retired_urns(conn, changes["removed"], f.retired),
    }
    if dry_run:  # what would change, by title
        result["tracks"] = tracks_store.list_refs_by_urn(conn, [*plan.urns, *changes["removed"]])
        return result
    mode = "replace" if plan.urns == plan.pushed else "append"
    with conn.atomic():
        push_id = pushes_store.start(conn, urn, [ids[u] for u in plan.pushed], now_iso(), mode)
    result["push_id"] = push_id
    playlist, created = await _write(client, conn, cfg, push_id, urn, plan.urns, target, part)
    if created:
        result["action"] = "create" if part == 1 else result["action"]
    with conn.atomic():
        pushes_store.finish(conn, push_id, "ok", now_iso(), playlist_urn=playlist.urn)
        kv.put(conn, f"{target.kv_key}.link", playlist.permalink_url or "")
    result["playlist_urn"] = playlist.urn
    result["link"] = playlist.permalink_url
    return result


def _retired_urns(conn: Store, urns: list[str], retired: frozenset[int]) -> list[str]:
    """Those of `urns` (tracks leaving the playlist) that leave because they are `retired`."""
    ids = tracks_store.get_ids_by_urn(conn, urns)
    return [u for u in urns if ids.get(u) in retired]


def _action(mode: str, exists: bool, next_part: bool) -> str:
    if next_part:
        return "start the next playlist"
    if not exists:
        return "create"
    return "append" if mode == "append" else "replace"


async def push_all(
    client: SoundCloudClient, conn: Store, cfg: Config, *, size: int | None, dry_run: bool
) -> dict[str, Any]:
    """The discovery playlist, then the mixes one when configured: the result of the first, with
    the mixes' under `mixes`."""
    first, *rest = targets(cfg)
    result = await push_playlist(client, conn, cfg, size=size, dry_run=dry_run, target=first)
    for target in rest:
        result["mixes"] = await push_playlist(
            client, conn, cfg, size=size, dry_run=dry_run, target=target
        )
    return result


async def _read_or_record_failure(
    client: SoundCloudClient, conn: Store, target: Target, track_ids: list[int], dry_run: bool
) -> tuple[str, list[str]] | None:
    """`_read_current`; when SoundCloud cannot be read, a real push is recorded as failed (so
    `playlist show` tells the truth) and nothing is changed."""
    from music_minion.soundcloud.errors import ApiError

    try:
        return await _read_current(client, conn, target, dry_run)
    except ApiError as e:
        error = e.for_people()  # a path template and SoundCloud's message: no secrets
        if not dry_run:
            with conn.atomic():
                push_id = pushes_store.start(
                    conn, kv.get(conn, target.kv_key), track_ids, now_iso()
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
    target: Target,
    part: int,
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
        title = target.title_of(part)
        playlist = await client.create_playlist(title, cfg.playlist.sharing, urns)
        with conn.atomic():
            kv.put(conn, target.kv_key, playlist.urn)
            kv.put(conn, f"{target.kv_key}.part", str(part))
        return playlist, True
    except BaseException as e:
        error = e.for_people() if isinstance(e, ApiError) else type(e).__name__
        with conn.atomic():
            pushes_store.finish(conn, push_id, "failed", now_iso(), error=error)
        if isinstance(e, ApiError):
            raise MinionError(
                f"playlist push failed ({error})", "it is recorded as failed; try again later"
            ) from None
        raise
