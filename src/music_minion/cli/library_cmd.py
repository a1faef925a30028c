"""`library scan|list|search|stats|match|import-likes` (and, from library_links_cmd,
`review|link|unlink`): local audio files and their SoundCloud matches."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from music_minion.cli.common import (
    emit,
    json_option,
    open_db,
    progress,
    settings,
    wide_option,
)
from music_minion.cli.format import duration, track_label
from music_minion.cli.helptext import Group, examples
from music_minion.cli.table import fixed, footer, table, text
from music_minion.errors import MinionError, UsageError
from music_minion.timeutil import for_people as when
from music_minion.words import plural

if TYPE_CHECKING:
    from music_minion.config import Config
    from music_minion.store.local_files import LibraryStats, LocalFile
    from music_minion.store.my_likes import LikedTrack

EPILOG = """\b
Examples:
  music-minion library scan ~/Music            scan a folder (default: library.paths)
  music-minion library scan --json             scan the configured folders, JSON summary
  music-minion library list --match review     files waiting for a decision
  music-minion library search daft punk
  music-minion library match --all             re-check automatic links too
  music-minion library review accept 12 15     accept proposed matches
  music-minion library link 12 soundcloud:tracks:123   link a file to a track by hand
  music-minion library unlink ~/Music/a.mp3    undo a link (never made again)
"""


@click.group("library", cls=Group, epilog=EPILOG)
def library() -> None:
    """Scan local audio files and match them to SoundCloud tracks."""


def _scan_roots(paths: tuple[Path, ...], cfg: Config) -> list[Path]:
    """The folders to scan: those given, which must exist, else library.paths."""
    roots = [p.expanduser() for p in paths]
    for p in roots:
        if not p.exists():
            raise MinionError(f"no such folder: {p}", "check the path (nothing was scanned)")
        if not p.is_dir():
            raise MinionError(f"{p} is not a folder", "pass the folder that holds it")
    if not roots:
        roots = [Path(p).expanduser() for p in cfg.library.paths]
        if not roots:
            raise MinionError(
                "no library folders configured",
                "pass one (`music-minion library scan ~/Music`) or set library.paths",
            )
    return roots


def _print_scan(s: dict[str, Any]) -> None:
    rate = f" ({s['files_per_s']:.0f} files/s)" if s["files_per_s"] else ""
    click.echo(
        f"{plural(s['files'], 'file')}: {s['new']} new, {s['changed']} changed, {s['unchanged']} unchanged, "
        f"{s['gone']} gone; {s['unreadable']} unreadable, {s['tagless']} without tags{rate}"
    )
    if s["skipped_count"]:
        reasons = ", ".join(f"{n} {why}" for why, n in s["skipped"].items())
        click.echo(f"{s['skipped_count']} skipped: {reasons}")
    for root in s["missing_roots"]:
        click.echo(f"warning: {root} does not exist (skipped, its files kept)", err=True)
    if s["error_count"]:
        click.echo(
            f"warning: {s['error_count']} entries could not be read, e.g. {s['errors'][0]}",
            err=True,
        )
    if "match" in s:
        m = s["match"]
        click.echo(
            f"matched: {m['exact']} exact, {m['auto']} auto, {m['review']} to review, {m['unmatched']} unmatched"
        )


@library.command(
    "scan",
    epilog=examples(
        "music-minion library scan", "music-minion library scan ~/Music /mnt/dj --workers 4"
    ),
)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--workers",
    type=click.IntRange(0, 64),
    default=None,
    help="Processes reading tags (0: automatic).",
)
@click.option(
    "--no-match", is_flag=True, help="Do not match new files to SoundCloud tracks afterwards."
)
@json_option
def scan_cmd(paths: tuple[Path, ...], workers: int | None, no_match: bool) -> None:
    """Read the tags of every audio file under PATHS (default: library.paths) into the library.

    Unchanged files (same size and modification time) are not reopened; files no longer there are
    marked gone; unreadable and tagless files are recorded with the reason. Files left out are
    counted by reason (unsupported .ext, no extension, unreadable tags, unreadable file). Folders
    that do not exist among the configured paths (an unplugged drive) are skipped, files kept.
    """
    from music_minion.library.match import match_from_config
    from music_minion.library.scan import scan

    cfg, conn = settings(), open_db()
    roots = _scan_roots(paths, cfg)
    configured_workers = cfg.library.scan_workers or None
    with progress() as bar:
        task = bar.add_task("reading tags", total=None)
        summary = scan(
            conn,
            roots,
            workers=workers or configured_workers,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    if summary["missing_roots"] and not summary["roots"]:
        raise MinionError(
            f"none of the library folders exist: {', '.join(summary['missing_roots'])}",
            "plug in the drive or fix library.paths (nothing was marked gone)",
        )
    if not no_match and cfg.library.match_after_scan and summary["read"]:
        summary["match"] = match_from_config(conn, cfg)

    emit(summary, _print_scan)


def _match_label(r: LocalFile) -> str:
    """The match state with its score ("auto 93.5", "manual"), or the scan status."""
    if r.match_status is None:
        return "" if r.status == "ok" else r.status
    return f"{r.match_status} {r.match_score:g}" if r.match_score is not None else r.match_status


def _file_rows(rows: list[LocalFile], total: int | None = None, note: str | None = None) -> None:
    table(
        None,
        [
            fixed("id"),
            text("artist", 2, min_width=12),
            text("title", 3, min_width=16),
            fixed("length", drop=3),
            fixed("format", drop=4),
            fixed("match"),
            text("linked track", 3, min_width=16),
            text("path / reason", 3, min_width=12, drop=2),
        ],  # fmt: skip
        [
            [
                r.id,
                r.artist,
                r.title,
                duration(r.duration_ms),
                r.format,
                _match_label(r),
                track_label(r.track_title, r.track_uploader) if r.track_id else "",
                r.path
                if r.status == "ok" and not r.reason
                else f"{r.path} ({r.reason or r.status})",
            ]
            for r in rows
        ],
        empty="no files listed: `music-minion library scan FOLDER` (or widen the filters)",
        notes=[footer(len(rows), total), note],
    )


@library.command(
    "list",
    epilog=examples("music-minion library list --limit 50", "music-minion library list --json"),
)
@click.option(
    "--status",
    type=click.Choice(["ok", "unreadable", "gone"]),
    help="Only files with this scan status.",
)
@click.option(
    "--match",
    "match_",
    type=click.Choice(
        ["matched", "unmatched", "exact", "auto", "review", "accepted", "manual", "rejected"]
    ),
    help="Only files with this match state (matched = owned: exact, auto, accepted or manual).",
)
@click.option(
    "--likes", is_flag=True, help="List my SoundCloud likes (owned tracks without a file) instead."
)
@click.option(
    "--limit", type=click.IntRange(0), default=100, show_default=True, help="Rows at most (0: all)."
)
@click.option("--offset", type=click.IntRange(0), default=0)
@json_option
@wide_option
def list_cmd(status: str | None, match_: str | None, likes: bool, limit: int, offset: int) -> None:
    """List library files by artist and title, with the track each is linked to and its score.

    With --likes: my SoundCloud likes (from `import-likes` or `sync`), newest first.
    """
    from music_minion.store import my_likes
    from music_minion.store.local_files import count_listed, list_files

    conn = open_db()
    liked = my_likes.count(conn)
    if likes:
        if status or match_:
            raise UsageError("--likes lists tracks, not files", "drop --status and --match")
        found = my_likes.list_liked(conn, limit or None, offset)
        emit(found, lambda rs: _liked_rows(rs, liked), total=liked)
        return
    rows = list_files(conn, status=status, match=match_, limit=limit or None, offset=offset)
    total = count_listed(conn, status=status, match=match_)
    note = (
        f"and {liked} SoundCloud likes (owned, no file): `library list --likes`" if liked else None
    )
    emit(rows, lambda found: _file_rows(found, total, note), total=total)


def _liked_rows(rows: list[LikedTrack], total: int) -> None:
    table(
        "my SoundCloud likes (owned)",
        [text("track"), fixed("length"), fixed("urn"), fixed("seen")],
        [
            [
                track_label(r.title, r.uploader),
                duration(r.duration_ms),
                r.urn,
                when(r.liked_seen_at),
            ]
            for r in rows
        ],
        empty="no likes listed: `music-minion library import-likes` (needs `auth login`)",
        notes=[footer(len(rows), total)],
    )


@library.command("search", epilog=examples("music-minion library search solar harbour"))
@click.argument("query", nargs=-1, required=True)
@click.option(
    "--limit", type=click.IntRange(0), default=50, show_default=True, help="Rows at most (0: all)."
)
@json_option
@wide_option
def search_cmd(query: tuple[str, ...], limit: int) -> None:
    """Files whose artist, title, album or path contain every word of QUERY."""
    from music_minion.library.normalize import fold
    from music_minion.store.local_files import list_files_matching

    found = list_files_matching(open_db(), " ".join(query), limit=None, fold=fold)
    rows = found[: limit or None]
    emit(rows, lambda rs: _file_rows(rs, len(found)), total=len(found))


@library.command("stats", epilog=examples("music-minion library stats --json"))
@json_option
def stats_cmd() -> None:
    """Counts by status, format and match state."""
    from music_minion.store.local_files import count_files

    conn = open_db()
    data = count_files(conn)

    def human(d: LibraryStats) -> None:
        hours = d.total_duration_s / 3600
        click.echo(
            f"{plural(d.present, 'file')} present ({hours:.1f} h, {d.total_bytes / 1e9:.2f} GB), "
            f"{d.unreadable} unreadable, {d.gone} gone, {d.tagless} without tags"
        )
        click.echo(
            f"owned SoundCloud tracks: {d.owned_tracks} linked to files, {d.liked_tracks} liked "
            f"(`library list --likes`); last scan: {when(d.last_scan_at) or 'never'}"
        )
        for title, kind, counts in (
            ("formats", "format", d.by_format),
            ("matches", "state", d.by_match),
        ):
            table(title, [fixed(kind), fixed("files")], [[k, v] for k, v in counts.items()],
                  empty=f"{title}: no files yet")  # fmt: skip

    emit(data, human)


@library.command(
    "match", epilog=examples("music-minion library match", "music-minion library match --all")
)
@click.option(
    "--all", "redo", is_flag=True, help="Also re-check automatic links and open proposals."
)
@json_option
def match_cmd(redo: bool) -> None:
    """Link files to SoundCloud tracks: exact by URN tag, else by artist, title, version and length.

    Scores above library.match_auto link automatically, those at or above library.match_review
    (a score exactly at match_auto too) wait in `library review`; accepted, rejected and manual
    links are kept.
    """
    from music_minion.library.match import match_from_config

    cfg, conn = settings(), open_db()
    result = match_from_config(conn, cfg, redo=redo)
    emit(
        result,
        lambda m: click.echo(
            f"{plural(m['files'], 'file')} against {plural(m['tracks'], 'track')}: {m['exact']} exact, {m['auto']} auto, "
            f"{m['review']} to review, {m['unmatched']} unmatched ({m['elapsed_s']:.2f} s)"
        ),
    )


@library.command(
    "import-likes",
    epilog=examples(
        "music-minion library import-likes", "music-minion library import-likes --full"
    ),
)
@click.option("--full", is_flag=True, help="Walk all my likes and mark the ones no longer there.")
@json_option
def import_likes_cmd(full: bool) -> None:
    """My SoundCloud likes become library tracks (owned: the feed leaves them out).

    Incremental: stops at the first like already known. `sync` does this too.
    """
    from music_minion.cli.common import run_with_client
    from music_minion.discovery.learn import import_my_likes

    result = run_with_client(
        lambda client, conn, cfg: import_my_likes(client, conn, full=full), auth="user"
    )
    emit(
        result,
        lambda r: click.echo(
            f"my likes: {r['seen']} seen, {r['new']} new, {r['gone']} gone "
            "(`library list --likes` lists them)"
        ),
    )


def _link_commands() -> None:
    """`review`, `link` and `unlink` live in library_links_cmd (deciding which file owns which track)."""
    from music_minion.cli import library_links_cmd

    for command in (
        library_links_cmd.review,
        library_links_cmd.link_cmd,
        library_links_cmd.unlink_cmd,
    ):
        library.add_command(command)


_link_commands()
