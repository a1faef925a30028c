"""`why`: why a track is in the feed where it is, or exactly what keeps it out."""

from __future__ import annotations

from typing import Any

import click

from music_minion.cli.common import emit, json_option, open_db, settings
from music_minion.cli.format import score
from music_minion.cli.table import fixed, table, text
from music_minion.timeutil import for_people as when

FEED_DEFAULT_LIMIT = 50  # `feed --limit` default


@click.command(
    "why",
    epilog="""\b
Examples:
  music-minion why 3                                  row 3 of the last feed
  music-minion why soundcloud:tracks:123
  music-minion why https://soundcloud.com/artist/track --json
""",
)
@click.argument("track", metavar="ROW|TRACK")
@json_option
def why(track: str) -> None:
    """Say why TRACK is in the feed, with its rank and score, or every reason it is not.

    TRACK is a URN, a URL or a feed row number. In the feed: the whole score (supporters, kinds,
    hit rates, components). Not in it: judged, owned, retired (pushed or heard without a
    verdict), capped by the per-artist cap, a mix, muted or unwatched sources only, or not in the
    index at all."""
    from music_minion.discovery import verdicts, why
    from music_minion.discovery.feed import refresh_scores
    from music_minion.discovery.retired import RetireRules
    from music_minion.timeutil import now

    cfg, conn = settings(), open_db()
    ref, row = verdicts.find_track(conn, track)
    if row is None:
        emit(why.unknown(ref), _human)
        return
    refresh_scores(conn, cfg.ranking)
    moment = now()
    rules = RetireRules.of(cfg.ranking, cfg.review)
    found = why.explain(conn, cfg.ranking, row, at=moment, rules=rules)
    ident = {"urn": row["urn"], "title": row["title"], "uploader": row["uploader_name"]}
    emit({**ident, "link": row["permalink_url"], **why.as_dict(found, moment, cfg.ranking)}, _human)


def _human(d: dict[str, Any]) -> None:
    if d.get("title"):
        click.echo(f"{d['title']} — {d.get('uploader') or '?'}")
        click.echo(d.get("link") or d["urn"])
    else:
        click.echo(d["urn"])
    if d["rank"] is not None:
        where = "in the feed" if d["feed"] == "tracks" else "among the mixes (`feed --mixes`)"
        line = f"{where} at rank {d['rank']} (score {score(d['score'])})"
        if d["rank"] > FEED_DEFAULT_LIMIT:
            line += f": below the first {FEED_DEFAULT_LIMIT}, `feed --limit {d['rank']}` shows it"
        click.echo(line)
    if d["reasons"]:
        click.echo("not in the feed:")
        for r in d["reasons"]:
            click.echo(f"  - {r['text']}")
    if "components" in d:
        _score(d)


def _score(d: dict[str, Any]) -> None:
    c = d["components"]
    click.echo(f"why: {d['why']}")
    table(
        "Score: 2^(bits + genre bits + recency)",
        [
            text("supporter"),
            fixed("kinds"),
            fixed("counted"),
            fixed("weight"),
            fixed("hit rate"),
            fixed("bits"),
            fixed("first seen", drop=1),
        ],  # fmt: skip
        [
            [
                s["artist"],
                ", ".join(s["kinds"]),
                s["counted_kind"],
                s["artist_weight"],
                f"{s['hit_rate']:.2f}",
                f"{s['bits']:+.2f}",
                when(s["first_seen_at"]),
            ]
            for s in c["supporters"]
        ],
    )
    click.echo(
        f"bits {c['bits']:+.3f}, genre bits {c['genre_bits']:+.3f}, recency "
        f"{c['recency_half_lives']:+.3f} half-lives (half-life {c['half_life_days']} days)"
    )
