"""`playlist push` and `playlist show`: the discovery playlist on SoundCloud."""

from __future__ import annotations

from typing import Any

import click

from music_minion.cli.common import emit, json_option, wide_option
from music_minion.cli.format import track_line
from music_minion.cli.helptext import Group, examples
from music_minion.cli.table import fixed, footer, link, table, text
from music_minion.timeutil import for_people as when
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
    if d["feed_size"] == 0:
        click.echo(
            f"warning: the feed has nothing for {d['title']}: run `music-minion sync` first",
            err=True,
        )
    if not d["dry_run"]:
        click.echo(push_line(d))
        return
    target = d["playlist_urn"] or "a new playlist"
    click.echo(
        f"dry run: {d['action']} {target} ({d['title']}): {plural(d['size'], 'track')} "
        f"({len(d['added'])} added, {len(d['removed'])} removed, {len(d['kept'])} kept)"
    )
    retired = set(d["retired"])
    for label, mark in (("added", "+"), ("removed", "-")):
        for urn in d[label]:
            note = " (retired)" if urn in retired else ""
            click.echo(f"  {mark} {track_line(d['tracks'].get(urn), urn)}{note}")


def push_line(d: dict[str, Any]) -> str:
    """One line of what a push did: `pushed 50 tracks to “T” — link; 3 new, 2 retired`."""
    where = f" — {d['link']}" if d.get("link") else ""
    return (
        f"pushed {plural(d['size'], 'track')} to “{d['title']}”{where}; "
        f"{len(d['added'])} new, {len(d['retired'])} retired"
    )


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
@wide_option
def show(history: int) -> None:
    """Show the discovery playlist, its latest pushes and its tracks.

    The pushes are listed ok, failed or pending; the tracks are those the last successful push
    left (read from the local record, offline)."""
    from music_minion.cli.common import open_db, settings
    from music_minion.discovery.playlist_view import playlist_now
    from music_minion.discovery.push import targets
    from music_minion.store import pushes as pushes_store

    cfg, conn = settings(), open_db()
    main, *mixes = [
        {**playlist_now(conn, t.kv_key), "title": t.title_of(t.part(conn))} for t in targets(cfg)
    ]
    data = {
        **main,
        "sharing": cfg.playlist.sharing,
        "pushes": pushes_store.list_pushes(conn, history),
        "pushes_total": pushes_store.count_pushes(conn),
        **({"mixes": mixes[0]} if mixes else {}),
    }
    emit(data, _human_show)


def _human_show(d: dict[str, Any]) -> None:
    _human_playlist(d, d["sharing"])
    if d["pushes"]:
        table(
            "Pushes",
            [
                fixed("#"),
                fixed("started"),
                fixed("finished"),
                fixed("status"),
                fixed("tracks"),
                text("error"),
            ],  # fmt: skip
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
            notes=[footer(len(d["pushes"]), d["pushes_total"], "`--history N` for more")],
        )
    _human_tracks(d)
    if "mixes" in d:
        _human_playlist(d["mixes"], d["sharing"])
        _human_tracks(d["mixes"])


def _human_playlist(d: dict[str, Any], sharing: str) -> None:
    if d["playlist_urn"] is None:
        click.echo(
            f"playlist: not created yet (run `music-minion playlist push`) — {d['title']} ({sharing})"
        )
    else:
        click.echo(f"playlist: “{d['title']}” ({sharing}) — {d['link'] or d['playlist_urn']}")


def _human_tracks(d: dict[str, Any]) -> None:
    if d["tracks"]:
        table(
            f"{d['title']}: {plural(len(d['tracks']), 'track')}, as pushed {when(d['pushed_at'])}",
            [fixed("#"), text("title", 3), text("uploader", 2), link()],
            [[n, t["title"], t["uploader"], t["link"]] for n, t in enumerate(d["tracks"], 1)],
        )
