"""`artists mute|unmute|report|suggest`: curating the curators (added to the `artists` group)."""

from __future__ import annotations

from typing import Any

import click

from music_minion.cli.common import emit, json_option, open_db, settings, wide_option
from music_minion.cli.helptext import examples
from music_minion.cli.table import fixed, footer, link, table, text
from music_minion.words import plural

KIND_FLAGS = (("likes", "like"), ("reposts", "repost"), ("uploads", "upload"))


def _kinds(flags: dict[str, bool]) -> list[str]:
    """The kinds the flags name; all of them when none is given."""
    chosen = [kind for flag, kind in KIND_FLAGS if flags[flag]]
    return chosen or [kind for _, kind in KIND_FLAGS]


def _muting(name: str, doc: str, muting: bool) -> click.Command:
    @click.command(
        name,
        help=doc,
        epilog=examples(
            f"music-minion artists {name} some-dj --reposts", f"music-minion artists {name} some-dj"
        ),
    )
    @click.argument("ref", metavar="ARTIST")
    @click.option("--likes", is_flag=True, help="Their likes.")
    @click.option("--reposts", is_flag=True, help="Their reposts.")
    @click.option("--uploads", is_flag=True, help="Their uploads.")
    @json_option
    def command(ref: str, **flags: bool) -> None:
        from music_minion.store import artists as artists_store
        from music_minion.store import mutes

        db = open_db()
        row = artists_store.get_by_ref(db, ref)
        kinds = _kinds(flags)
        (mutes.mute if muting else mutes.unmute)(db, row["id"], kinds)
        now_muted = mutes.list_muted_kinds(db, row["id"])
        name_ = row["username"] or row["input"] or row["urn"]
        emit(
            {"id": row["id"], "urn": row["urn"], "artist": name_, "muted": now_muted},
            lambda d: click.echo(
                f"{name_}: muted {', '.join(d['muted'])}"
                if d["muted"]
                else f"{name_}: nothing muted"
            ),
        )

    return command


mute = _muting(
    "mute",
    "Mute an artist's likes, reposts or uploads (all when none given).\n\n"
    "A muted source is not fetched and its picks do not count; nothing is deleted.",
    True,
)
unmute = _muting("unmute", "Unmute an artist's sources (all when none given).", False)


@click.command(
    "report",
    epilog=examples("music-minion artists report", "music-minion artists report --since 14 --json"),
)
@click.option("--since", "since_days", type=click.FloatRange(min=0), default=28.0, show_default=True,
              help="Days of pushes to count.")  # fmt: skip
@json_option
@wide_option
def report(since_days: float) -> None:
    """Who fills the feed and how their picks fare: shares, liked/dismissed/ignored, hit rate."""
    from music_minion.discovery.curator_report import build, pareto_line
    from music_minion.timeutil import now

    data = build(open_db(), settings().ranking, since_days, now())

    def human(d: dict[str, Any]) -> None:
        rows = d["curators"]
        table(
            f"{plural(len(rows), 'curator')}, noisiest first (pushes of the last {since_days:g} days)",
            [
                text("artist"),
                fixed("candidates"),
                fixed("pushed"),
                fixed("liked"),
                fixed("dismissed"),
                fixed("ignored"),
                fixed("hit"),
                fixed("muted"),
            ],  # fmt: skip
            [
                [
                    r["artist"],
                    f"{r['candidates']} ({r['candidate_share']:.0%})",
                    f"{r['pushed']} ({r['push_share']:.0%})",
                    r["liked"],
                    r["dismissed"],
                    r["ignored"],
                    f"{r['hit_rate']:.2f}",
                    ",".join(r["muted"]),
                ]
                for r in rows
            ],
            empty="no curators yet: `music-minion artists add URL`, then `music-minion sync`",
        )
        click.echo(pareto_line(d))

    emit(data, human)


@click.command(
    "suggest",
    epilog=examples(
        "music-minion artists suggest", "music-minion artists suggest --limit 20 --add 3"
    ),
)
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="Suggestions shown (0: all).")  # fmt: skip
@click.option("--add", "add", type=click.IntRange(min=0), default=0, help="Watch the top K.")
@click.option("--follow", is_flag=True, help="Also follow the K added on SoundCloud (with --add).")
@json_option
@wide_option
@click.pass_context
def suggest(ctx: click.Context, limit: int, add: int, follow: bool) -> None:
    """New curators who share my taste, best first.

    Read from the favoriters and reposters of my recent likes and the related users of my best
    curators, damped by how much they like in general and by how few of my likes they found
    before me. Exit 3 when a --follow failed (the adds are kept)."""
    from music_minion.cli.common import envelope, print_json, progress, run_with_client, wants_json
    from music_minion.discovery.suggest_walk import run

    if follow and not add:
        raise click.UsageError("--follow needs --add K (it follows the accounts added)", ctx)

    with progress() as bar:
        task = bar.add_task("lists", total=None)

        def step(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        data = run_with_client(
            lambda c, db, cfg: run(c, db, cfg, limit=limit, add=add, follow=follow, progress=step)
        )
    items, total = data.pop("suggestions"), data.pop("candidates")
    if wants_json():
        print_json(envelope(items, total, **data))
    else:
        _print_suggestions(items, total, data)
    if data.get("follow_failed"):
        ctx.exit(3)


def _print_suggestions(items: list[dict[str, Any]], total: int, d: dict[str, Any]) -> None:
    """The suggestions as a table; what was watched or followed after it; the walk's cost on
    stderr."""
    window = plural(d["window"], "like")
    table(
        f"Suggested curators (from your last {window})",
        [
            fixed("#"),
            text("artist", 2, min_width=12),
            fixed("score"),
            fixed("likes", drop=1),
            fixed("followers", drop=2),
            text("why", 5, min_width=20),
            link(),
        ],
        [
            [
                n,
                s["artist"],
                f"{s['score']:.3f}",
                _count(s["likes"]),
                _count(s["followers"]),
                s["why"],
                s["link"],
            ]
            for n, s in enumerate(items, 1)
        ],
        empty=d["message"]
        or "no new curators found yet (like more tracks, or raise curators.suggest_budget)",
        notes=[
            footer(len(items), total, noun="candidates"),
            *(f"now watching {a['artist']} ({a['urn']})" for a in d["added"]),
            *(f"now following {a['artist']} on SoundCloud" for a in d["followed"]),
        ],
    )
    for a in d["follow_failed"]:
        click.echo(f"could not follow {a['artist']} ({a['urn']}): {a['error']}", err=True)
    if d["message"]:
        return
    lists = d["lists"]
    click.echo(
        f"{plural(d['requests'], 'request')}; lists fetched {lists['fetched']}, cached {lists['cached']}, "
        f"gone {lists['gone']}, left for the next run {lists['pending']}",
        err=True,
    )
    if d["stopped"]:
        click.echo(f"stopped early: {d['stopped']} — run again to resume from the cache", err=True)


def _count(n: int | None) -> str:
    return "?" if n is None else f"{n:,}"
