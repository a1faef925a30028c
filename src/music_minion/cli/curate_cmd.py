"""`judge`, `unjudge`, `judged` and `feed`: what the user thinks, and what to listen to next."""

from __future__ import annotations

from typing import Any

import click

from music_minion.cli.common import emit, json_option, open_db, settings, table, wants_json
from music_minion.cli.format import duration, when
from music_minion.vocab import VERDICTS


@click.command(
    "feed",
    epilog="""\b
Examples:
  music-minion feed                       the 50 best candidates, with why each is there
  music-minion feed --limit 20 --since 7  first seen in the last week
  music-minion feed --artist some-dj --genre house
  music-minion feed --mixes               long mixes, ranked apart
  music-minion feed --json                with the score's components
""",
)
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(1, 1000),
    default=50,
    show_default=True,
    help="Rows to show.",
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
def feed(
    limit: int, mixes: bool, artist: str | None, since_days: float | None, genre: str | None
) -> None:
    """Rank the tracks you have not judged and do not own yet, and say why each is there.

    Row numbers are remembered: `music-minion judge 3 liked` judges row 3.
    """
    from music_minion.discovery.feed import build_feed, refresh_scores, remember_rows
    from music_minion.timeutil import now

    cfg, conn = settings(), open_db()
    moment = now()
    refresh_scores(conn, cfg.ranking)
    ranked = build_feed(
        conn,
        cfg.ranking,
        limit=limit,
        mixes=mixes,
        artist=artist,
        since_days=since_days,
        genre=genre,
        at=moment,
        max_listens=cfg.review.max_unjudged_listens,
    )
    with conn.atomic():
        remember_rows(conn, ranked)
    rc = cfg.ranking
    data = [r.as_dict(moment, rc) for r in ranked]
    short_whys = [
        r.why(moment, max_names=3) for r in ranked
    ]  # the table names the strongest three per kind

    def human(rows: list[dict[str, Any]]) -> None:
        if not rows:
            click.echo(
                "nothing to show: no unjudged candidates (run `music-minion sync`, or widen the filters)"
            )
            return
        table(
            "Mixes" if mixes else "Feed",
            ["#", "title", "uploader", "length", "score", "why", "link"],
            [
                [
                    r["rank"],
                    r["title"],
                    r["uploader"],
                    duration(r["duration_ms"]),
                    f"{r['score']:.3f}",
                    why,
                    r["link"],
                ]
                for r, why in zip(rows, short_whys, strict=True)
            ],
        )

    emit(data, human)


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
Examples:
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
    type=click.IntRange(min=1),
    default=None,
    help="At most this many rows (newest first).",
)
@json_option
def judged(verdict: str | None, limit: int | None) -> None:
    """List judged tracks, newest judgment first, with the verdict's source."""
    from music_minion.store import judgments as store

    conn = open_db()
    rows = store.list_judged(conn, verdict, limit)
    totals = store.count_by_verdict(conn)
    if wants_json():
        emit({"counts": totals, "judgments": rows}, lambda d: None)
        return
    if not rows:
        others = sum(totals.values())
        if verdict and others:
            click.echo(f"no {verdict} judgments ({others} of other verdicts: `judged` lists them)")
        else:
            click.echo(
                "no judgments yet: `music-minion judge ROW liked` after a `music-minion feed`"
            )
        return
    table(
        "Judged (" + ", ".join(f"{k} {v}" for k, v in totals.items()) + ")",
        ["verdict", "source", "when", "title", "uploader", "link"],
        [
            [r["verdict"], r["source"], when(r["judged_at"]), r["title"], r["uploader"], r["link"]]
            for r in rows
        ],
    )
