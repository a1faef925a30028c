"""`judge`, `unjudge`, `judged` and `feed`: what the user thinks, and what to listen to next."""

from __future__ import annotations

from typing import Any

import click

from music_minion.cli.common import emit, json_option, open_db, settings, wants_json, wide_option
from music_minion.cli.format import duration
from music_minion.cli.table import fixed, footer, link, table, text
from music_minion.vocab import VERDICTS


@click.command(
    "feed",
    epilog="""\b
Examples:
  music-minion feed                       the 50 best candidates, with why each is there
  music-minion feed --limit 20 --since 7  first seen in the last week
  music-minion feed --artist some-dj --genre house
  music-minion feed --mixes               long mixes, ranked apart
  music-minion feed --wide                with each track's link
  music-minion feed --limit 0 | cut -f8   every candidate's link (piped: tab-separated)
  music-minion feed --json                with the score's components
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
@click.option("--genre", metavar="TEXT", help="Only tracks whose genre or tags contain TEXT.")
@json_option
@wide_option
def feed(
    limit: int, mixes: bool, artist: str | None, since_days: float | None, genre: str | None
) -> None:
    """Rank the tracks you have not judged and do not own yet, and say why each is there.

    Row numbers are remembered: `music-minion judge 3 liked` judges row 3.
    """
    from music_minion.discovery.feed import (
        COUNT_CAP,
        build_feed,
        count_feed,
        refresh_scores,
        remember_rows,
    )
    from music_minion.timeutil import now

    cfg, conn = settings(), open_db()
    moment = now()
    refresh_scores(conn, cfg.ranking)
    filters: dict[str, Any] = {
        "mixes": mixes,
        "artist": artist,
        "since_days": since_days,
        "genre": genre,
        "at": moment,
        "max_listens": cfg.review.max_unjudged_listens,
    }
    cap = max(COUNT_CAP, limit + 1) if limit else None
    total = count_feed(conn, cfg.ranking, cap, **filters)
    exact = cap is None or total < cap
    ranked = build_feed(conn, cfg.ranking, limit=limit or max(total, 1), **filters)
    with conn.atomic():
        remember_rows(conn, ranked)
    data = [r.as_dict(moment, cfg.ranking) for r in ranked]

    def human(rows: list[dict[str, Any]]) -> None:
        why = f"at most {cfg.ranking.per_artist_cap} per artist"
        more = f"{why}; `--limit 0` for all" if len(rows) == limit else why
        cut = footer(len(rows), total, more, "candidates", exact=exact)
        table(
            "Mixes" if mixes else "Feed",
            [
                fixed("#"),
                text("title", 3),
                text("uploader", 2),
                fixed("length"),
                fixed("score"),
                text("reason", 3),
                text("genre"),
                link(),
            ],  # fmt: skip
            [
                [
                    r["rank"],
                    r["title"],
                    r["uploader"],
                    duration(r["duration_ms"]),
                    f"{r['score']:.3f}",
                    r["reason"],
                    r["genre"],
                    r["link"],
                ]  # fmt: skip
                for r in rows
            ],
            empty="nothing to show: no unjudged candidates (run `music-minion sync`, or widen the filters)",
            notes=[cut],
        )

    emit(data, human, total=total, exact=exact)


@click.command(
    "judge",
    epilog="""\b
Examples:
  music-minion judge 3 liked                              row 3 of the last feed
  music-minion judge soundcloud:tracks:123 not_interested
  music-minion judge https://soundcloud.com/artist/track not_quite
""",
)
@click.argument("track")
@click.argument("verdict")
@json_option
def judge(track: str, verdict: str) -> None:
    """Judge a TRACK (URN, URL or feed row number): liked, not_interested or not_quite.

    A manual judgment always wins over what sync learns. With judgments.mirror_likes on, `liked`
    is also liked on SoundCloud.
    """
    from music_minion.discovery import verdicts

    cfg, conn = settings(), open_db()
    chosen = verdicts.parse_verdict(verdict)
    row = verdicts.resolve_track(conn, track)
    result = verdicts.judge_track(conn, row["id"], chosen)
    out: dict[str, Any] = {"urn": row["urn"], "title": row["title"], **result}
    if chosen == "liked" and cfg.judgments.mirror_likes:
        out["mirrored"] = _mirror_like(cfg, row["urn"])

    def human(d: dict[str, Any]) -> None:
        line = f"{d['verdict']}: {d['title'] or d['urn']}"
        if d.get("previous") and d["previous"] != d["verdict"]:
            line += f" (was {d['previous']})"
        click.echo(line)
        if "mirrored" in d:
            click.echo(
                "liked on SoundCloud too"
                if d["mirrored"] is True
                else f"warning: not liked on SoundCloud ({d['mirrored']})",
                err=d["mirrored"] is not True,
            )

    emit(out, human)


def _mirror_like(cfg: Any, urn: str) -> bool | str:
    """Like the track on SoundCloud; True, or why it failed (the local judgment stands either way)."""
    import asyncio

    from music_minion.cli.errors import line
    from music_minion.errors import MinionError
    from music_minion.soundcloud.client import SoundCloudClient

    async def go() -> None:
        async with SoundCloudClient.from_config(cfg, auth="user") as client:
            await client.like(urn)

    try:
        asyncio.run(go())
    except MinionError as e:  # failed, not logged in, app not configured: the judgment stands
        return line(e).removeprefix("error: ")
    return True


@click.command(
    "unjudge",
    epilog="""\b
Example:
  music-minion unjudge soundcloud:tracks:123
""",
)
@click.argument("track")
@json_option
def unjudge(track: str) -> None:
    """Forget the judgment of a TRACK (URN, URL or feed row number); it may show in the feed again."""
    from music_minion.discovery import verdicts

    conn = open_db()
    row = verdicts.resolve_track(conn, track)
    existed = verdicts.unjudge_track(conn, row["id"])
    emit(
        {"urn": row["urn"], "title": row["title"], "removed": existed},
        lambda d: click.echo(
            f"forgot the judgment of {d['title'] or d['urn']}"
            if d["removed"]
            else f"{d['title'] or d['urn']} was not judged"
        ),
    )


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
                (r["judged_at"] or "")[:16].replace("T", " "),
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
