"""`artists add|import|import-followings|list|remove|set-weight` (and, from curators_cmd,
`mute|unmute|report|suggest`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from music_minion.cli.common import (
    emit,
    json_option,
    open_db,
    run_with_client,
    settings,
    wide_option,
)
from music_minion.cli.helptext import Group, examples
from music_minion.cli.table import fixed, table, text
from music_minion.errors import UsageError
from music_minion.timeutil import for_people as when
from music_minion.words import plural

if TYPE_CHECKING:
    from music_minion.discovery.watchlist import Report

EPILOG = """\b
Examples:
  music-minion artists add https://soundcloud.com/some-dj other-dj
  music-minion artists import artists.csv        one URL per line, or CSV url,weight,tier
  music-minion artists import-followings         watch everyone I follow
  music-minion artists list --json
  music-minion artists set-weight some-dj 2 --tier core
  music-minion artists remove some-dj
  music-minion artists mute some-dj --reposts     stop hearing their reposts
  music-minion artists report --since 14          who fills the feed, who is noise
  music-minion artists suggest --limit 20 --add 3 find new curators who share my taste
"""


@click.group("artists", cls=Group, epilog=EPILOG)
def artists() -> None:
    """Watched artists: add, import, list, remove, weigh."""


def _report(d: Report) -> None:
    """Added and already-watched artists on stdout; the failed inputs apart, on stderr."""
    for e in d["added"]:
        click.echo(f"added {e['username'] or e['urn']} ({e['urn']})")
    for e in d["already"]:
        click.echo(f"already watched: {e['username'] or e['urn']}")
    failed = d["failed"]
    if failed:
        total = len(failed) + len(d["added"]) + len(d["already"])
        click.echo(f"failed {len(failed)} of {total}:", err=True)
        for e in failed:
            click.echo(f"  {e['input']} — {e['reason']}", err=True)


def _report_and_exit(ctx: click.Context, result: Report) -> None:
    """Print `result`; exit 1 when every input failed, 3 (partial, as `sync`) when some did."""
    emit(result, _report)
    if result["failed"]:
        ctx.exit(3 if result["added"] or result["already"] else 1)


@artists.command(
    "add",
    epilog=examples(
        "music-minion artists add https://soundcloud.com/some-dj other-dj",
        'music-minion artists add "Solar Collective"      a name is tried as solar-collective',
        "music-minion artists add some-dj --weight 2 --tier core",
    ),
)
@click.argument("inputs", nargs=-1, required=True, metavar="URL_OR_PERMALINK...")
@click.option("--weight", type=click.FloatRange(min=0), help="Weight of these artists (default 1).")
@click.option("--tier", help="A free label (e.g. core, maybe).")
@json_option
@click.pass_context
def add(
    ctx: click.Context, inputs: tuple[str, ...], weight: float | None, tier: str | None
) -> None:
    """Resolve and watch artists; lists apart the inputs that fail, and why."""
    from music_minion.discovery.watchlist import Wanted, normalize_input
    from music_minion.discovery.watchlist import add as add_artists

    wanted = [Wanted(normalize_input(i), weight, tier) for i in inputs if i.strip()]
    if not wanted:
        raise UsageError("no artist given", "pass a SoundCloud URL or permalink")
    result = run_with_client(lambda c, conn, _cfg: add_artists(c, conn, wanted))
    _report_and_exit(ctx, result)


@artists.command(
    "import",
    epilog=examples(
        "music-minion artists import artists.txt     one URL or permalink per line",
        "music-minion artists import artists.csv     CSV: url[,weight[,tier]]",
    ),
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@json_option
@click.pass_context
def import_file(ctx: click.Context, file: Path) -> None:
    """Watch the artists listed in FILE (one URL per line, or CSV url[,weight[,tier]])."""
    from music_minion.discovery.watchlist import add as add_artists
    from music_minion.discovery.watchlist import parse_import

    wanted = parse_import(file)
    result = run_with_client(lambda c, conn, _cfg: add_artists(c, conn, wanted))
    _report_and_exit(ctx, result)


@artists.command("import-followings", epilog=examples("music-minion artists import-followings"))
@json_option
def import_followings() -> None:
    """Watch every user I follow on SoundCloud (needs `auth login`)."""
    from music_minion.discovery.watchlist import import_followings as run_import

    result = run_with_client(lambda c, conn, _cfg: run_import(c, conn), auth="user")
    emit(
        result,
        lambda d: click.echo(
            f"watching {plural(d['added'], 'new artist')}; {d['already']} already watched"
        ),
    )


@artists.command(
    "list", epilog=examples("music-minion artists list", "music-minion artists list --all --json")
)
@click.option("--all", "include_all", is_flag=True, help="Also artists no longer watched.")
@json_option
@wide_option
def list_(include_all: bool) -> None:
    """Watched artists: schedule, activity, picks seen and how they were judged."""
    from music_minion.discovery.feed import artist_hit_rates
    from music_minion.store import artists as store
    from music_minion.store.mutes import list_muted

    db = open_db()
    rows = store.list_with_counts(db, include_unwatched=include_all)
    rates = artist_hit_rates(db, settings().ranking)
    muted = list_muted(db)
    for r in rows:
        r["artist"] = r["username"] or r["input"] or r["urn"]
        r["watched"] = bool(r["watched"])
        r["hit_rate"] = round(rates.get(r["id"], 0.5), 4)
        r["muted"] = [k for k in ("like", "repost", "upload") if k in muted.get(r["id"], ())]

    def human(rs: list[dict[str, Any]]) -> None:
        table(
            f"{plural(len(rs), 'artist')} (picks = likes/reposts/uploads seen; judged = liked/dismissed)",
            [
                text("artist", 3, min_width=14),
                fixed("weight"),
                fixed("picks"),
                fixed("judged"),
                fixed("hit"),
                fixed("every h", drop=2),
                fixed("next check", drop=1),
                fixed("activity", drop=3),
                text("status", 2),
            ],  # fmt: skip
            [
                [
                    r["artist"],
                    f"{r['weight']:g}" + (f" {r['tier']}" if r["tier"] else ""),
                    f"{r['likes']}/{r['reposts']}/{r['uploads']}",
                    f"{r['picks_liked']}/{r['picks_dismissed']}",
                    "" if r["hit_rate"] is None else f"{r['hit_rate']:.2f}",
                    f"{r['check_interval_hours']:g}",
                    when(r["next_check_at"]) or "now",
                    when(r["last_activity_at"]),
                    ("" if r["watched"] else "unwatched ")
                    + (r["resolve_status"] if r["resolve_status"] != "ok" else "")
                    + (f"muted {','.join(r['muted'])}" if r["muted"] else ""),
                ]
                for r in rs
            ],
            empty="no artists watched yet: `music-minion artists add URL` or "
            "`music-minion artists import-followings`",
        )

    emit(rows, human)


@artists.command("remove", epilog=examples("music-minion artists remove some-dj other-dj"))
@click.argument("refs", nargs=-1, required=True, metavar="ARTIST...")
@json_option
def remove(refs: tuple[str, ...]) -> None:
    """Stop watching artists (their history stays: provenance is never deleted)."""
    from music_minion.store import artists as store
    from music_minion.store.curators import set_removed
    from music_minion.timeutil import now_iso

    db = open_db()
    rows = [store.get_by_ref(db, r) for r in refs]
    with db.atomic():
        for row in rows:
            store.set_watched(db, row["id"], False)
            set_removed(db, row["id"], now_iso())

    def human(d: dict[str, list[dict[str, Any]]]) -> None:
        for e in d["removed"]:
            click.echo(f"no longer watching {e['artist'] or e['urn']}")

    emit(
        {
            "removed": [
                {"id": r["id"], "urn": r["urn"], "artist": r["username"] or r["input"]}
                for r in rows
            ]
        },
        human,
    )


@artists.command(
    "set-weight",
    context_settings={"ignore_unknown_options": True},
    epilog=examples(
        "music-minion artists set-weight some-dj 2 --tier core",
        "music-minion artists set-weight some-dj 0       count none of their picks",
    ),
)
@click.argument("ref", metavar="ARTIST")
@click.argument("weight", type=click.FloatRange(min=0))
@click.option("--tier", help="Also set the tier label.")
@json_option
def set_weight(ref: str, weight: float, tier: str | None) -> None:
    """Set how much an artist's picks count (0 mutes them without unwatching)."""
    from music_minion.store import artists as store

    db = open_db()
    row = store.get_by_ref(db, ref)
    store.set_weight(db, row["id"], weight, tier)
    emit(
        {"id": row["id"], "urn": row["urn"], "weight": weight, "tier": tier or row["tier"]},
        lambda d: click.echo(
            f"weight of {row['username'] or row['input'] or row['urn']} is now {weight:g}"
        ),
    )


def _curator_commands() -> None:
    from music_minion.cli import curators_cmd

    for command in (
        curators_cmd.mute,
        curators_cmd.unmute,
        curators_cmd.report,
        curators_cmd.suggest,
    ):
        artists.add_command(command)


_curator_commands()
