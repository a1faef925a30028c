"""`feed --retired` and `restore`: tracks out of the feed for being pushed or heard without a verdict."""

from __future__ import annotations

from typing import Any

import click

from music_minion.cli.common import emit, json_option, open_db, settings
from music_minion.cli.table import fixed, footer, link, table, text
from music_minion.errors import UsageError
from music_minion.timeutil import for_people as when


def show_retired(limit: int) -> None:
    """List the retired tracks, newest first, with why (rows are remembered for `restore N`)."""
    from music_minion.discovery.feed import remember_rows
    from music_minion.discovery.retired import RetireRules, described, retired_tracks

    cfg, conn = settings(), open_db()
    retired = retired_tracks(conn, RetireRules.of(cfg.ranking, cfg.review))
    rows = described(conn, dict(list(retired.items())[: limit or None]))
    with conn.atomic():
        remember_rows(conn, [str(r["urn"]) for r in rows])

    def human(found: list[dict[str, Any]]) -> None:
        table(
            f"Retired ({len(retired)}; `music-minion restore ROW` brings one back)",
            [
                fixed("#"),
                text("title", 3),
                text("uploader", 2),
                text("why", 2),
                fixed("since", drop=1),
                link(),
            ],  # fmt: skip
            [
                [n, r["title"], r["uploader"], r["reason"], when(r["retired_at"]), r["link"]]
                for n, r in enumerate(found, 1)
            ],
            empty="no retired tracks: nothing was pushed or heard long enough without a verdict",
            notes=[footer(len(found), len(retired))],
        )

    emit(rows, human, total=len(retired))


@click.command(
    "restore",
    epilog="""\b
Examples:
  music-minion feed --retired                   list retired tracks with why
  music-minion restore 2                        row 2 of that list
  music-minion restore soundcloud:tracks:123 https://soundcloud.com/artist/track
  music-minion restore --all
""",
)
@click.argument("tracks", nargs=-1, metavar="TRACK...")
@click.option("--all", "everything", is_flag=True, help="Restore every retired track.")
@json_option
def restore(tracks: tuple[str, ...], everything: bool) -> None:
    """Bring retired TRACKs (URN, URL or row of the last feed) back into the feed.

    Their push and listen history is kept; only what comes after the restore counts toward
    retiring them again.
    """
    from music_minion.discovery import verdicts
    from music_minion.discovery.retired import RetireRules, described, retired_tracks
    from music_minion.discovery.retired import restore as restore_tracks

    if everything == bool(tracks):
        raise UsageError("give TRACK... or --all (not both)", "see `music-minion feed --retired`")
    cfg, conn = settings(), open_db()
    retired = retired_tracks(conn, RetireRules.of(cfg.ranking, cfg.review))
    wanted = (
        list(retired) if everything else [verdicts.resolve_track(conn, t)["id"] for t in tracks]
    )
    back = [tid for tid in dict.fromkeys(wanted) if tid in retired]
    restore_tracks(conn, back)
    data = {
        "restored": described(conn, {tid: retired[tid] for tid in back}),
        "not_retired": [urn for tid, urn in _urns(conn, wanted).items() if tid not in retired],
    }
    emit(data, _human_restore)


def _urns(conn: Any, track_ids: list[int]) -> dict[int, str]:
    from music_minion.store.tracks import list_track_refs

    refs = list_track_refs(conn, track_ids)
    return {tid: str(refs[tid]["urn"]) for tid in dict.fromkeys(track_ids) if tid in refs}


def _human_restore(d: dict[str, Any]) -> None:
    from music_minion.cli.format import track_line

    for r in d["restored"]:
        click.echo(f"restored: {track_line(r, str(r['urn']))} (was {r['reason']})")
    for urn in d["not_retired"]:
        click.echo(f"not retired: {urn} (it is in the feed already, or judged)")
    if not d["restored"] and not d["not_retired"]:
        click.echo("no retired tracks to restore")
