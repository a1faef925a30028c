"""`judge`, `unjudge`, `judged` and `feed`: what the user thinks, and what to listen to next."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import click

from music_minion.cli.common import (
    emit,
    json_option,
    open_db,
    settings,
    wants_json,
    wide_option,
)
from music_minion.cli.format import duration, score
from music_minion.cli.table import fixed, footer, link, table, text
from music_minion.errors import UsageError
from music_minion.timeutil import for_people as when
from music_minion.vocab import VERDICTS


@click.command(
    "feed",
    epilog="""\b
Examples:
  music-minion feed                       the 50 best candidates, with why each is there
  music-minion feed --limit 20 --since 7  first seen in the last week
  music-minion feed --artist some-dj --genre house
  music-minion feed --mixes               long mixes, ranked apart
  music-minion feed --new                 only what was first seen since the last feed
  music-minion feed --wide                with each track's link
  music-minion feed --limit 0 | cut -f8   every candidate's link (piped: tab-separated)
  music-minion feed --json                with the score's components
  music-minion feed --retired             tracks retired for being pushed or heard, never judged
""",
)
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(0),
    default=50,
    show_default=True,
    help="Rows to show (0: every candidate).",
)
@click.option(
    "--mixes", is_flag=True, help="Show mixes (longer than ranking.mix_minutes) instead of tracks."
)
@click.option(
    "--artist",
    metavar="ARTIST",
    help="Only tracks this watched artist surfaced or uploaded (URN, URL, name).",
)
@click.option(
    "--since",
    "since_days",
    type=click.FloatRange(min=0),
    metavar="DAYS",
    help="Only tracks first seen in the last DAYS days.",
)
@click.option(
    "--new", "only_new", is_flag=True, help="Only tracks first seen since the last feed was shown."
)
@click.option("--genre", metavar="TEXT", help="Only tracks whose genre or tags contain TEXT.")
@click.option(
    "--retired",
    is_flag=True,
    help="List retired tracks (pushed or heard without a verdict) with why, instead.",
)
@json_option
@wide_option
def feed(
    limit: int,
    mixes: bool,
    artist: str | None,
    since_days: float | None,
    only_new: bool,
    genre: str | None,
    retired: bool,
) -> None:
    """Rank the tracks you have not judged and do not own yet, and say why each is there.

    Row numbers are remembered: `music-minion judge 3 liked` judges row 3.
    """
    if retired:
        if mixes or artist or since_days is not None or genre or only_new:
            raise UsageError("--retired takes no other filter than --limit", "drop the others")
        from music_minion.cli.retired_cmd import show_retired

        show_retired(limit)
        return
    from music_minion.discovery.feed import (
        COUNT_CAP,
        count_feed,
        feed_filter,
        last_viewed,
        mark_viewed,
        rank_feed,
        refresh_scores,
        remember_rows,
    )
    from music_minion.discovery.retired import RetireRules
    from music_minion.timeutil import now

    if only_new and since_days is not None:
        raise click.UsageError("--new and --since cannot be combined: choose one bound")
    cfg, conn = settings(), open_db()
    moment = now()
    viewed = last_viewed(conn) if only_new else None
    refresh_scores(conn, cfg.ranking)
    rules = RetireRules.of(cfg.ranking, cfg.review)
    f = feed_filter(conn, cfg.ranking, mixes=mixes, artist=artist, since_days=since_days,
                    seen_since=viewed, genre=genre, rules=rules, at=moment)  # fmt: skip
    cap = max(COUNT_CAP, limit + 1) if limit else None
    total = count_feed(conn, f, cap)
    exact = cap is None or total < cap
    ranked = rank_feed(conn, cfg.ranking, f, limit=limit or max(total, 1), at=moment)
    with conn.atomic():
        remember_rows(conn, [r.row.urn for r in ranked])
        mark_viewed(conn, moment)
    data = [r.as_dict(moment, cfg.ranking) for r in ranked]

    def human(rows: list[dict[str, Any]]) -> None:
        if only_new:
            click.echo(_new_line(len(rows), limit, viewed))
        why = f"at most {cfg.ranking.per_artist_cap} per artist"
        more = f"{why}; `--limit 0` for all" if len(rows) == limit else why
        empty = (
            None
            if only_new
            else "nothing to show: no unjudged candidates (run `music-minion sync`, or widen the filters)"
        )
        _feed_table(
            "Mixes" if mixes else "Feed",
            rows,
            empty,
            footer(len(rows), total, more, "candidates", exact=exact),
        )

    emit(data, human, total=total, exact=exact)


def _feed_table(
    title: str, rows: list[dict[str, Any]], empty: str | None, note: str | None
) -> None:
    """The feed's rows: title, uploader, length, score, the short reason, genre, link."""
    table(
        title,
        [
            fixed("#"),
            text("title", 3, min_width=20),
            text("uploader", 2, min_width=12),
            fixed("length"),
            fixed("score"),
            text("reason", 3, min_width=16),
            text("genre", min_width=10, drop=1),
            link(),
        ],  # fmt: skip
        [
            [
                r["rank"],
                r["title"],
                r["uploader"],
                duration(r["duration_ms"]),
                score(r["score"]),
                r["reason"],
                r["genre"],
                r["link"],
            ]  # fmt: skip
            for r in rows
        ],
        empty=empty,
        notes=[note],
    )


def _new_line(n: int, limit: int, viewed: datetime | None) -> str:
    """E.g. "12 new since 2026-11-29 18:00"."""
    if viewed is None:
        return f"{n} new: no feed was shown before, so everything counts as new"
    count = f"{n}+" if limit and n >= limit else str(n)
    return f"{count} new since {when(viewed.timestamp())}"


@click.command(
    "judge",
    epilog="""\b
Examples:
  music-minion judge 3 liked                              row 3 of the last feed
  music-minion judge 3 5 7 not_interested                 several at once (one batch: `undo` reverts it)
  music-minion judge soundcloud:tracks:123 not_interested
  music-minion judge https://soundcloud.com/artist/track not_quite
""",
)
@click.argument("args", nargs=-1, required=True, metavar="ROW|TRACK... VERDICT")
@json_option
def judge(args: tuple[str, ...]) -> None:
    """Judge tracks (URNs, URLs or feed row numbers): liked, not_interested or not_quite.

    All are checked first: one unknown row or track and nothing is judged. A manual judgment always
    wins over what sync learns. With judgments.mirror_likes on, `liked` is also liked on SoundCloud.
    """
    from music_minion.discovery import verdicts

    if len(args) < 2:
        raise click.UsageError("give at least one ROW or TRACK, then a VERDICT")
    cfg, conn = settings(), open_db()
    chosen = verdicts.parse_verdict(args[-1])
    rows = _distinct(verdicts.resolve_track(conn, ref) for ref in args[:-1])
    done = verdicts.judge_tracks(conn, [r["id"] for r in rows], chosen)
    tracks = [
        {"urn": r["urn"], "title": r["title"], "previous": p}
        for r, p in zip(rows, done["previous"], strict=True)
    ]
    if chosen == "liked" and cfg.judgments.mirror_likes:
        mirrored = _mirror_likes(cfg, [t["urn"] for t in tracks])
        for t in tracks:
            t["mirrored"] = mirrored[t["urn"]]
    if len(tracks) == 1:
        emit(
            {**tracks[0], "verdict": chosen, "source": "manual", "batch": done["batch"]},
            _judged_one,
        )
        return
    out = {"verdict": chosen, "batch": done["batch"], "tracks": tracks}
    emit(out, _judged_many)


def _distinct(rows: Iterable[sqlite3.Row]) -> list[sqlite3.Row]:
    """Resolved tracks, each once, in the order given (every reference resolved before any write)."""
    return list({r["id"]: r for r in list(rows)}.values())


def _judged_one(d: dict[str, Any]) -> None:
    line = f"{d['verdict']}: {d['title'] or d['urn']}"
    if d.get("previous") and d["previous"] != d["verdict"]:
        line += f" (was {d['previous']})"
    click.echo(line)
    _mirror_note(d, named=False)


def _judged_many(d: dict[str, Any]) -> None:
    changed = sum(1 for t in d["tracks"] if t["previous"] != d["verdict"])
    click.echo(
        f"{d['verdict']}: {len(d['tracks'])} tracks ({changed} changed; batch {d['batch']}, "
        "`music-minion undo` reverts it)"
    )
    for t in d["tracks"]:
        _mirror_note(t, named=True)


def _mirror_note(t: dict[str, Any], *, named: bool) -> None:
    """Whether the like reached SoundCloud too (`named`: say which track)."""
    if "mirrored" not in t:
        return
    name = f" {t['title'] or t['urn']}" if named else ""
    if t["mirrored"] is True:
        click.echo(f"liked{name} on SoundCloud too")
    else:
        click.echo(f"warning: not liked{name} on SoundCloud ({t['mirrored']})", err=True)


def _mirror_likes(cfg: Any, urns: list[str]) -> dict[str, bool | str]:
    """Like the tracks on SoundCloud with one client; per URN True, or why it failed (the local
    judgments stand either way)."""
    import asyncio

    from music_minion.cli.errors import line
    from music_minion.errors import MinionError
    from music_minion.soundcloud.client import SoundCloudClient

    out: dict[str, bool | str] = {}

    async def go() -> None:
        async with SoundCloudClient.from_config(cfg, auth="user") as client:
            for urn in urns:
                try:
                    await client.like(urn)
                    out[urn] = True
                except MinionError as e:  # this one failed: the others are still tried
                    out[urn] = line(e).removeprefix("error: ")

    try:
        asyncio.run(go())
    except MinionError as e:  # not logged in, app not configured: the judgments stand
        out = {urn: out.get(urn, line(e).removeprefix("error: ")) for urn in urns}
    return out


@click.command(
    "unjudge",
    epilog="""\b
Examples:
  music-minion unjudge soundcloud:tracks:123
  music-minion unjudge 3 5 7
""",
)
@click.argument("tracks", nargs=-1, required=True, metavar="ROW|TRACK...")
@json_option
def unjudge(tracks: tuple[str, ...]) -> None:
    """Forget the judgments of TRACKS (URNs, URLs or feed row numbers); they may show in the feed
    again. All are checked first: one unknown and nothing is forgotten."""
    from music_minion.discovery import verdicts

    conn = open_db()
    rows = _distinct(verdicts.resolve_track(conn, ref) for ref in tracks)
    done = verdicts.unjudge_tracks(conn, [r["id"] for r in rows])
    items = [
        {"urn": r["urn"], "title": r["title"], "removed": removed}
        for r, removed in zip(rows, done["removed"], strict=True)
    ]
    if len(items) == 1:
        emit({**items[0], "batch": done["batch"]}, _unjudged_one)
        return
    emit({"batch": done["batch"], "tracks": items}, _unjudged_many)


def _unjudged_one(d: dict[str, Any]) -> None:
    name = d["title"] or d["urn"]
    click.echo(f"forgot the judgment of {name}" if d["removed"] else f"{name} was not judged")


def _unjudged_many(d: dict[str, Any]) -> None:
    n = sum(1 for t in d["tracks"] if t["removed"])
    line = f"forgot {n} of {len(d['tracks'])} judgments"
    click.echo(line + (f" (batch {d['batch']}, `music-minion undo` reverts it)" if n else ""))


@click.command(
    "judged",
    epilog="""\b
Examples:
  music-minion judged
  music-minion judged --verdict not_quite --json
""",
)
@click.option("--verdict", type=click.Choice(VERDICTS), help="Only this verdict.")
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(min=0),
    default=0,
    help="At most this many rows, newest first (0: all).",
)
@json_option
@wide_option
def judged(verdict: str | None, limit: int) -> None:
    """List judged tracks, newest judgment first, with the verdict's source."""
    from music_minion.cli.common import envelope, print_json
    from music_minion.store import judgments as store

    conn = open_db()
    rows = store.list_judged(conn, verdict, limit or None)
    totals = store.count_by_verdict(conn)
    every = sum(totals.values())
    total = totals.get(verdict, 0) if verdict else every
    if wants_json():
        print_json(envelope(rows, total, counts=totals))
        return
    table(
        "Judged (" + ", ".join(f"{k} {v}" for k, v in totals.items()) + ")",
        [
            fixed("verdict"),
            fixed("source"),
            fixed("when"),
            text("title", 3),
            text("uploader", 2),
            link(),
        ],  # fmt: skip
        [
            [
                r["verdict"],
                r["source"],
                when(r["judged_at"]),
                r["title"],
                r["uploader"],
                r["link"],
            ]  # fmt: skip
            for r in rows
        ],
        empty=f"no {verdict} judgments ({every} judgments in all)"
        if verdict and every
        else "no judgments yet: `music-minion judge ROW liked` after a `music-minion feed`",
        notes=[footer(len(rows), total)],
    )
