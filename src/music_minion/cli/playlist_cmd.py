"""`playlist push` and `playlist show`: the discovery playlist on SoundCloud."""

from __future__ import annotations

from typing import Any

import click

from music_minion.cli.common import emit, json_option, table
from music_minion.cli.format import when
from music_minion.cli.helptext import Group, examples
from music_minion.words import plural


@click.group(
    "playlist",
    cls=Group,
    epilog=examples("music-minion playlist push --dry-run", "music-minion playlist show"),
)
def playlist() -> None:
    """The discovery playlist: the top of the feed, pushed to SoundCloud."""


@playlist.command(
    "push",
    epilog="""\b
Examples:
  music-minion playlist push                 replace the playlist with the top playlist.size tracks
  music-minion playlist push --size 200
  music-minion playlist push --dry-run       show what would be added, removed and kept
""",
)
@click.option(
    "--size", type=int, default=None, help="Tracks to push (1..500; default playlist.size)."
)
@click.option(
    "--dry-run", is_flag=True, help="Only show the difference with the playlist on SoundCloud now."
)
@json_option
def push(size: int | None, dry_run: bool) -> None:
    """Replace the discovery playlist's tracks with the top of the feed, in one request.

    The playlist is created the first time (playlist.title, playlist.sharing) and again if it was
    deleted on SoundCloud. Every push is recorded, failed ones too.
    """
    from music_minion.cli.common import run_with_client
    from music_minion.discovery.feed import refresh_scores
    from music_minion.discovery.push import check_size, push_all

    if size is not None:
        check_size(size)

    async def rank_then_push(client: Any, conn: Any, cfg: Any) -> dict[str, Any]:
        refresh_scores(conn, cfg.ranking)
        return await push_all(client, conn, cfg, size=size, dry_run=dry_run)

    result = run_with_client(rank_then_push, auth="user")

    def human(d: dict[str, Any]) -> None:
        for one in (d, d.get("mixes")):
            if one is not None:
                _human_push(one)

    emit(result, human)


def _human_push(d: dict[str, Any]) -> None:
    if d["size"] == 0:
        click.echo(
            f"warning: the feed has nothing for {d['title']}: run `music-minion sync` first",
            err=True,
        )
    verb = "would" if d["dry_run"] else "did"
    target = d["playlist_urn"] or "a new playlist"
    click.echo(
        f"{'dry run: ' if d['dry_run'] else ''}{d['action']} {target} ({d['title']}): "
        f"{plural(d['size'], 'track')} ({len(d['added'])} added, {len(d['removed'])} removed, "
        f"{len(d['kept'])} kept)"
    )
    if d["dry_run"]:
        for label in ("added", "removed"):
            for urn in d[label]:
                click.echo(f"  {'+' if label == 'added' else '-'} {urn}")
    elif d.get("link"):
        click.echo(f"{verb} push: {d['link']}")


@playlist.command(
    "show",
    epilog="""\b
Examples:
  music-minion playlist show
  music-minion playlist show --json
""",
)
@click.option(
    "--history",
    "-n",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Pushes to list.",
)
@json_option
def show(history: int) -> None:
    """Show the discovery playlist, its latest pushes and the tracks of the last good one.

    The pushes are listed ok, failed or pending, newest first."""
    from music_minion.cli.common import open_db, settings
    from music_minion.discovery.push import KV_PLAYLIST_URN
    from music_minion.store import kv
    from music_minion.store import pushes as pushes_store

    cfg, conn = settings(), open_db()
    pushes = pushes_store.list_pushes(conn, history)
    last_ok = next((p for p in pushes if p["status"] == "ok"), None)
    data = {
        "playlist_urn": kv.get(conn, KV_PLAYLIST_URN),
        "title": cfg.playlist.title,
        "sharing": cfg.playlist.sharing,
        "pushes": pushes,
        "tracks": pushes_store.list_pushed_tracks(conn, last_ok["id"]) if last_ok else [],
    }

    def human(d: dict[str, Any]) -> None:
        click.echo(
            f"playlist: {d['playlist_urn'] or 'not created yet (run `music-minion playlist push`)'} — {d['title']} ({d['sharing']})"
        )
        if d["pushes"]:
            table(
                "Pushes",
                ["#", "started", "finished", "status", "tracks", "error"],
                [
                    [
                        p["id"],
                        when(p["started_at"]),
                        when(p["finished_at"]),
                        p["status"],
                        p["track_count"],
                        p["error"],
                    ]
                    for p in d["pushes"]
                ],
            )
        if d["tracks"]:
            click.echo(f"last successful push: {plural(len(d['tracks']), 'track')}")

    emit(data, human)
