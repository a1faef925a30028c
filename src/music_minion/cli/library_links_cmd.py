"""`library review|link|unlink`: deciding which local file owns which SoundCloud track (proposed
matches accepted or rejected, links made or undone by hand). Added to the `library` group."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from music_minion.cli.common import emit, json_option, open_db, wants_json, wide_option
from music_minion.cli.format import duration, track_label
from music_minion.cli.helptext import Group, examples
from music_minion.cli.table import fixed, footer, table, text

if TYPE_CHECKING:
    from music_minion.store.local_files import Decision, Proposal
    from music_minion.store.session import Store


def _review_rows(rows: list[Proposal], total: int | None = None) -> None:
    table(
        "proposed matches",
        [
            fixed("id"),
            fixed("score"),
            text("file artist"),
            text("file title", 2),
            fixed("length", drop=2),
            text("track artist"),
            text("track title", 2),
            fixed("length", drop=1),
            fixed("track"),
        ],  # fmt: skip
        [
            [
                r.id,
                r.match_score,
                r.artist,
                r.title,
                duration(r.duration_ms),
                r.track_artist,
                r.track_title,
                duration(r.track_duration_ms),
                r.track_urn,
            ]
            for r in rows
        ],
        empty="nothing to review",
        notes=[footer(len(rows), total)],
    )


@click.group(
    "review",
    cls=Group,
    invoke_without_command=True,
    epilog=examples(
        "music-minion library review",
        "music-minion library review accept 12 13",
        "music-minion library review reject 14",
    ),
)
@click.option(
    "-i",
    "--interactive",
    is_flag=True,
    help="Decide each proposal in turn (default on a terminal).",
)
@click.option("--limit", type=click.IntRange(0), default=0, help="Show at most this many (0: all).")
@json_option
@wide_option
@click.pass_context
def review(ctx: click.Context, interactive: bool, limit: int) -> None:
    """List proposed matches; `review accept ID` or `review reject ID` decides them.

    On a terminal (or with -i) each proposal is shown in turn: [a]ccept, [r]eject, [s]kip, [q]uit.
    """
    if ctx.invoked_subcommand is not None:
        return
    from music_minion.store.local_files import list_proposals

    conn = open_db()
    found = list_proposals(conn)
    rows = found[: limit or None]
    tty = sys.stdin.isatty() and sys.stdout.isatty()
    if rows and not wants_json() and (interactive or tty):
        _interactive(conn, rows)
        return
    emit(rows, lambda rs: _review_rows(rs, len(found)), total=len(found))


def _interactive(conn: Store, rows: list[Proposal]) -> None:
    from music_minion.store.local_files import decide_reviews
    from music_minion.timeutil import now_iso

    decided = {"accepted": 0, "rejected": 0, "skipped": 0}
    for r in rows:
        click.echo(
            f"\n#{r.id} score {r.match_score}\n  file:  {r.artist} — {r.title} ({duration(r.duration_ms)})"
            f"\n  track: {r.track_artist} — {r.track_title} ({duration(r.track_duration_ms)}) {r.permalink_url or ''}"
        )
        choice = click.prompt(
            "[a]ccept, [r]eject, [s]kip, [q]uit",
            type=click.Choice(["a", "r", "s", "q"]),
            default="s",
        )
        if choice == "q":
            break
        if choice == "s":
            decided["skipped"] += 1
            continue
        decide_reviews(conn, [r.id], choice == "a", now_iso())
        decided["accepted" if choice == "a" else "rejected"] += 1
    click.echo(
        f"{decided['accepted']} accepted, {decided['rejected']} rejected, {decided['skipped']} skipped"
    )


def _print_decisions(decisions: list[Decision]) -> None:
    """One line per decision: "linked FILE → Title — Uploader" (unlinked, or rejected for a proposal)."""
    from music_minion.store.local_files import OWNED_STATUSES

    for d in decisions:
        verb = "linked"
        if d.match_status == "rejected":
            verb = "unlinked" if d.previous in OWNED_STATUSES else "rejected"
        click.echo(f"{verb} {d.path} → {track_label(d.track_title, d.track_uploader)}")


def _decide(ids: tuple[int, ...], accept: bool) -> None:
    from music_minion.store.local_files import decide_reviews
    from music_minion.timeutil import now_iso

    conn = open_db()
    emit(decide_reviews(conn, ids, accept, now_iso()), _print_decisions)


@click.command(
    "link",
    epilog=examples(
        "music-minion library link 42 soundcloud:tracks:123",
        "music-minion library link ~/Music/set.flac 3      row 3 of the last feed",
    ),
)
@click.argument("file")
@click.argument("track")
@json_option
def link_cmd(file: str, track: str) -> None:
    """Link FILE (id or path as `library list` shows) to TRACK (URN, URL or feed row) by hand.

    A manual link wins over automatic matching and survives re-scans; the track counts as owned.
    """
    from music_minion.discovery.verdicts import resolve_track
    from music_minion.store.local_files import find_file_id, link_file
    from music_minion.timeutil import now_iso

    conn = open_db()
    file_id = find_file_id(conn, file)
    track_id = int(resolve_track(conn, track)["id"])
    emit([link_file(conn, file_id, track_id, now_iso())], _print_decisions)


@click.command("unlink", epilog=examples("music-minion library unlink 42"))
@click.argument("file")
@json_option
def unlink_cmd(file: str) -> None:
    """Undo FILE's link (id or path): the track is no longer owned.

    The matcher never links or proposes that pair again (`library link` still can)."""
    from music_minion.store.local_files import decide_reviews, find_file_id
    from music_minion.timeutil import now_iso

    conn = open_db()
    file_id = find_file_id(conn, file)
    emit(decide_reviews(conn, [file_id], False, now_iso()), _print_decisions)


@review.command("accept", epilog=examples("music-minion library review accept 12 13"))
@click.argument("ids", nargs=-1, type=int, required=True)
@json_option
def accept_cmd(ids: tuple[int, ...]) -> None:
    """Accept proposed matches: the files then own those tracks."""
    _decide(ids, True)


@review.command("reject", epilog=examples("music-minion library review reject 14"))
@click.argument("ids", nargs=-1, type=int, required=True)
@json_option
def reject_cmd(ids: tuple[int, ...]) -> None:
    """Reject proposed or automatic matches: the pair is never linked or proposed again."""
    _decide(ids, False)
