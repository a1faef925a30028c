"""`open`: a track's SoundCloud page in the browser."""

from __future__ import annotations

import click

from music_minion.cli.common import emit, json_option, open_db


@click.command(
    "open",
    epilog="""\b
Examples:
  music-minion open 3                         row 3 of the last feed, in the browser
  music-minion open soundcloud:tracks:123 --print
""",
)
@click.argument("track", metavar="ROW|TRACK")
@click.option("--print", "print_only", is_flag=True, help="Only print the link.")
@json_option
def open_track(track: str, print_only: bool) -> None:
    """Open the SoundCloud page of TRACK in the browser and print its link.

    TRACK is a URN, a URL or a feed row number; the browser is $BROWSER when set."""
    from music_minion.discovery import verdicts
    from music_minion.errors import MinionError

    row = verdicts.resolve_track(open_db(), track)
    url = row["permalink_url"]
    if not url:
        raise MinionError(f"track {row['urn']} has no SoundCloud link", "run `music-minion sync`")
    emit({"urn": row["urn"], "title": row["title"], "link": url}, lambda d: click.echo(d["link"]))
    if print_only:
        return
    import webbrowser

    if not webbrowser.open(url):
        raise MinionError("no browser could be opened", "open the link above yourself")
