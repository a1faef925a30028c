"""`demo`: the whole pipeline offline against the built-in emulator."""

from __future__ import annotations

from pathlib import Path

import click

from music_minion.cli.common import print_json, wants_json
from music_minion.cli.helptext import examples


@click.command(
    "demo",
    epilog=examples(
        "music-minion demo", "music-minion demo --keep ./demo-data", "music-minion demo --review"
    ),
)
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the data in this (new or empty) folder, with an env.sh to source and the world "
    "(`emulator serve --world DIR` brings it back).",
)
@click.option(
    "--seed", type=int, default=7, show_default=True, help="Seed of the emulator's world."
)
@click.option(
    "--size",
    type=click.Choice(["tiny", "small", "medium"]),
    default="small",
    show_default=True,
    help="Size of the world.",
)
@click.option(
    "--review",
    is_flag=True,
    help="Then keep the demo world running and open the review page on it (Ctrl-C stops).",
)
def demo(keep: Path | None, seed: int, size: str, review: bool) -> None:
    """Run the whole discovery pipeline against a local SoundCloud emulator (no network).

    \b
    Logs in, watches the artists "you" follow, syncs, ranks the feed, pushes the playlist, scans and
    matches a generated audio library, exports to Parquet and prints a summary. Takes well under a
    minute.
    """
    from music_minion.demo import run_demo

    result = run_demo(keep=keep, seed=seed, size=size, to_stderr=wants_json(), review=review)
    if wants_json():
        print_json(
            {
                "home": str(result.home),
                "kept": result.kept,
                "steps": result.steps,
                "summary": result.summary,
                "weeks": result.weeks,
            }
        )
