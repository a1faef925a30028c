"""`review`: the feed as a local web page to listen and judge at keyboard speed.

The command lives beside the page it serves (cli/ and web/ are one layer and never import each
other); `cli/main.py` lists it by name like every other command.
"""

from __future__ import annotations

import click


@click.command(
    "review",
    epilog="""\b
Examples:
  music-minion review                     the whole feed, in rank order
  music-minion review --since 7 --genre house
  music-minion review --port 8800 --no-browser
Keys: Space play/pause, <- -> 10 s, Shift+0-9 jump, D the drop, 1 liked,
2 not quite, 3 not interested, J next, K previous, U undo, O open, ? help.
""",
)
@click.option("--mixes", is_flag=True, help="Review mixes instead of tracks.")
@click.option("--artist", metavar="ARTIST", help="Only tracks this watched artist surfaced.")
@click.option(
    "--since",
    "since_days",
    type=click.FloatRange(min=0),
    metavar="DAYS",
    help="Only tracks first seen in the last DAYS days.",
)
@click.option("--genre", metavar="TEXT", help="Only tracks whose genre or tags contain TEXT.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Port on 127.0.0.1 (default review.port; 0: any free port).",
)
@click.option("--no-browser", is_flag=True, help="Print the URL, do not open a browser.")
def review(
    mixes: bool,
    artist: str | None,
    since_days: float | None,
    genre: str | None,
    port: int | None,
    no_browser: bool,
) -> None:
    """Serve the feed as a page on 127.0.0.1: play each track, judge it with one key, move on.

    Audio and waveforms are fetched by this process with your token (the page never sees it);
    verdicts follow the same rules as `judge`. The printed URL carries this run's secret: open
    it in your browser (it is opened for you unless --no-browser). Ctrl-C stops the server.
    """
    from contextlib import closing

    from music_minion import config
    from music_minion.discovery.listening import QueueFilters
    from music_minion.store import artists as artists_store
    from music_minion.store import open_store
    from music_minion.web.server import serve

    cfg = config.load()
    filters = QueueFilters(mixes=mixes, artist=artist, since_days=since_days, genre=genre)
    with closing(
        open_store(cfg.data_dir)
    ) as db:  # a mistake in --artist is told now, not in the page
        if artist:
            artists_store.get_by_ref(db, artist)

    def ready(url: str) -> None:
        click.echo(f"review page: {url}")
        click.echo("Ctrl-C stops it.")
        if not no_browser:
            import webbrowser

            webbrowser.open(url)

    serve(cfg, filters, cfg.review.port if port is None else port, ready)
    click.echo("stopped.")
