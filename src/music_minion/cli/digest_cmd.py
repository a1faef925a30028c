"""`digest [--since DAYS] [--format md|html|atom] [--output FILE]`: what is new, to read."""

from __future__ import annotations

import click

from music_minion.cli.common import open_db, settings

EPILOG = """\b
Examples:
  music-minion digest                          the last week as Markdown
  music-minion digest --since 30 --format html --output ~/digest.html
  music-minion digest --format atom > feed.xml

A sync also writes an Atom feed and an HTML page of what is new since the previous digest
(paths.digest_feed, paths.digest_page; default: the data folder).
"""


@click.command("digest", epilog=EPILOG)
@click.option("--since", "days", type=click.FloatRange(min=0), default=7.0, show_default=True,
              help="Days back.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["md", "html", "atom"]), default="md",
              show_default=True)  # fmt: skip
@click.option(
    "--output", type=click.Path(dir_okay=False), help="Write to FILE instead of printing."
)
def digest(days: float, fmt: str, output: str | None) -> None:
    """The top new candidates with why, links, and the period's figures."""
    from datetime import timedelta
    from pathlib import Path

    from music_minion.discovery.digest import build
    from music_minion.discovery.digest_render import render
    from music_minion.files import write_atomic
    from music_minion.timeutil import now

    at = now()
    text = render(build(open_db(), settings(), at - timedelta(days=days), at), fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    write_atomic(Path(output).expanduser(), text)
    click.echo(f"wrote {output}")
