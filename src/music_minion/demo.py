"""`music-minion demo`: the whole product, end to end, against the built-in emulator.

Starts the emulator with a seeded world on free loopback ports, writes a fresh config and data dir
pointing at it, then runs the real commands one after another as a user would (each in its own
process, output shown as it happens): log in (a stand-in browser approves), import followings,
sync, feed, push the discovery playlist, scan and match a small generated audio library, export to
Parquet; then two simulated weeks on the world's taste model (a simulated listener hears the pushed
playlist, the next sync learns its likes and dismissals and pushes again: the playlist's expected
precision before and after), and a closing summary. With `keep`, the folder also gets `env.sh`
(source it to use the kept config and data) and `world.json` (the world as the demo left it, for
`emulator serve --world`).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from music_minion.errors import MinionError

if TYPE_CHECKING:
    from music_minion.emulator.testing import RunningEmulator


@dataclass
class DemoResult:
    """What the demo did, for the summary and for tests."""

    home: Path
    kept: bool
    steps: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    weeks: list[dict[str, Any]] = field(default_factory=list)


def make_library(folder: Path, owned: list[dict[str, Any]]) -> int:
    """Write a small audio library: files for the `owned` tracks (dicts with title, artist, urn,
    duration_ms; the first carries its SoundCloud URN in a tag, the rest must match by artist, title
    and duration), a remix of one of them that must not match, an unrelated file and a broken one.
    M4A files here are tiny containers that declare the track's duration, so no audio is encoded."""
    from music_minion.library.samples import audio_bytes, write_sample

    folder.mkdir(parents=True, exist_ok=True)
    for i, track in enumerate(owned):
        seconds = (track.get("duration_ms") or 200_000) / 1000
        tags = {
            "title": track["title"],
            "artist": track["artist"],
            "urn": track["urn"] if i == 0 else None,
        }
        name = f"{i:02d} {track['artist']} - {track['title']}.m4a".replace("/", "_")
        write_sample(folder / name, "m4a", audio=audio_bytes("m4a", seconds), **tags)
    if owned:
        last = owned[-1]
        write_sample(
            folder / "remix.m4a",
            "m4a",
            audio=audio_bytes("m4a", 301),
            title=f"{last['title']} (Bootleg Remix)",
            artist=last["artist"],
        )
    write_sample(
        folder / "unrelated.wav",
        "wav",
        audio=audio_bytes("wav", 0.25),
        title="Field Recording 7",
        artist="Nobody Known",
    )
    (folder / "broken.mp3").write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x10not really audio")
    return len(owned) + 3


class Demo:
    """Runs the demo's steps; each step is a real `music-minion` command in its own process."""

    def __init__(self, env: dict[str, str], console: Any, *, to_stderr: bool) -> None:
        self.env = env
        self.steps: list[dict[str, Any]] = []
        self._console = console
        self._stdout = sys.stderr if to_stderr else None

    def run(
        self, title: str, *args: str, capture: bool = False
    ) -> subprocess.CompletedProcess[str]:
        """Run `music-minion ARGS` as a user would, showing the command; `capture` keeps stdout
        (for --json steps) and leaves the showing to the caller, which says what it does."""
        self._console.rule(f"[bold cyan]{title}")
        if not capture:
            self._console.print(f"[dim]$ music-minion {shlex.join(args)}[/dim]", soft_wrap=True)
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "music_minion", *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if capture else self._stdout,
            text=True,
        )
        self.steps.append(
            {
                "title": title,
                "args": list(args),
                "code": proc.returncode,
                "seconds": round(time.perf_counter() - started, 2),
            }
        )
        if proc.returncode != 0:
            raise MinionError(
                f"demo step '{title}' failed (exit {proc.returncode})",
                "rerun with --keep DIR and inspect it",
            )
        return proc


def _home(keep: Path | None) -> Path:
    """The demo's folder: the one to keep (new or empty), else a throwaway one."""
    if keep and keep.exists() and any(keep.iterdir()):
        raise MinionError(f"{keep} is not empty", "give --keep a new or empty folder")
    home = (
        keep.expanduser().resolve() if keep else Path(tempfile.mkdtemp(prefix="music-minion-demo-"))
    )
    home.mkdir(parents=True, exist_ok=True)
    return home


def run_demo(
    *,
    keep: Path | None = None,
    seed: int = 7,
    size: str = "small",
    to_stderr: bool = False,
    review: bool = False,
) -> DemoResult:
    """Run the whole pipeline against a fresh emulator; returns what happened. `to_stderr` sends
    the show to stderr (so `--json` keeps stdout for the result). `review`: then keep the world
    running and serve the review page on it until Ctrl-C."""
    from rich.console import Console

    from music_minion.emulator.testing import start_emulator
    from music_minion.sandbox import write_config

    console = Console(stderr=to_stderr)
    started = time.perf_counter()
    home = _home(keep)
    config_path, data_dir = home / "config.toml", home / "data"
    result = DemoResult(home=home, kept=keep is not None)
    options: dict[str, Any] = {"seed": seed, "size": size, "taste": {}, "auto_approve": True}
    try:
        with start_emulator(**options) as emu:
            playlists = _private(emu.api_base, "world")["playlists"]
            settings = {
                "soundcloud.requests_per_second": 200,
                "library.paths": json.dumps([str(home / "library")]),
                "judgments.not_interested_playlist": next(
                    u for u, title in playlists.items() if title == "Not interested"
                ),
            }
            write_config(emu.info(), config_path, settings)
            demo = Demo(_demo_env(config_path, data_dir), console, to_stderr=to_stderr)
            console.print(
                f"[bold]Music Minion demo[/bold]: a SoundCloud emulator on {emu.api_base} with a seeded world (seed {seed}, {size}); data in {home}",
                soft_wrap=True,
            )
            _run_steps(demo, console, home / "library", home / "export")
            result.weeks = _two_weeks(demo, console, emu.api_base)
            stats = emu.stats()
            if review:
                _review(demo, console)
            if keep:
                _keep(home, options, emu)
        result.steps = demo.steps
        result.summary = _summary(data_dir, stats, started)
        console.rule("[bold green]Summary")
        for key, value in result.summary.items():
            console.print(f"  {key.replace('_', ' '):<16} {value}")
        if keep:
            _say_how_to_come_back(home, to_stderr=to_stderr)
        return result
    finally:
        if not keep:
            shutil.rmtree(home, ignore_errors=True)


def _keep(home: Path, options: dict[str, Any], emu: RunningEmulator) -> None:
    """Save what brings the kept demo back: its world (options, and state as the demo leaves it)
    and a shell file pointing at its config and data."""
    from music_minion.sandbox import save_world, write_env

    save_world(home, options, emu.world_data())
    write_env(home, home / "config.toml", home / "data")


def _say_how_to_come_back(home: Path, *, to_stderr: bool) -> None:
    """How to use the kept demo, in plain lines that are never wrapped (they are pasted)."""
    import click

    from music_minion.sandbox import ENV_FILE

    lines = [
        "",
        f"The data is kept in {home}. Explore it in a shell with:",
        f"  source {shlex.quote(str(home / ENV_FILE))}",
        "  music-minion feed --limit 20 ; music-minion artists list ; music-minion sync history",
        "The emulator has stopped. To bring its world back as the demo left it, run in another shell:",
        f"  music-minion emulator serve --world {shlex.quote(str(home))}",
        "then log in again in the first one (the emulator approves at once):",
        "  music-minion auth login",
    ]
    for line in lines:
        click.echo(line, err=to_stderr)


def _review(demo: Demo, console: Any) -> None:
    """`music-minion review` on the demo world, until Ctrl-C (the emulator keeps running)."""
    console.rule("[bold cyan]Review the feed in your browser")
    env = {
        k: v for k, v in demo.env.items() if k != "BROWSER"
    }  # the real browser, not the stand-in
    if "BROWSER" in os.environ:
        env["BROWSER"] = os.environ["BROWSER"]
    proc = subprocess.Popen([sys.executable, "-m", "music_minion", "review"], env=env)
    try:
        proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _demo_env(config_path: Path, data_dir: Path) -> dict[str, str]:
    """The environment of every step: this demo's config and data, no keyring, a stand-in browser."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SOUNDCLOUD_", "MUSIC_MINION_"))
    }
    env.update(
        {
            "MUSIC_MINION_CONFIG": str(config_path),
            "MUSIC_MINION_DATA_DIR": str(data_dir),
            # No keyring in a throwaway demo: tokens go to the 0600 file in the data dir.
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            # The stand-in browser: opens the authorize URL; the emulator approves at once.
            "BROWSER": f"{shlex.quote(sys.executable)} -m music_minion.emulator.browser %s",
        }
    )
    return env


def _run_steps(demo: Demo, console: Any, library_dir: Path, export_dir: Path) -> None:
    """The story: log in, watch, sync, feed, push, own a few tracks as files, match, export."""
    demo.run("Log in (OAuth 2.1 + PKCE; a stand-in browser clicks Connect)", "auth", "login")
    demo.run("Who am I", "auth", "status")
    demo.run("Watch the artists I follow", "artists", "import-followings")
    demo.run("Sync: collect what they like, repost and upload", "sync")
    demo.run("Watched artists", "artists", "list")
    demo.run("The ranked feed, with reasons", "feed", "--limit", "12")
    demo.run("Push the discovery playlist", "playlist", "push")
    demo.run("What landed on SoundCloud", "playlist", "show")
    feed = json.loads(
        demo.run(
            "Own a few tracks: audio files for the top of the feed",
            "feed",
            "--limit",
            "4",
            "--json",
            capture=True,
        ).stdout
    )
    owned = [
        {
            "title": t["title"],
            "artist": t["uploader"],
            "urn": t["urn"],
            "duration_ms": t.get("duration_ms"),
        }
        for t in feed["items"]  # `feed --json`: the ranked tracks in the list envelope
    ]
    files = make_library(library_dir, owned)
    console.print(
        f"As if you had bought them, the demo wrote audio files of the top {len(owned)} feed "
        f"tracks to {library_dir} (one tagged with its SoundCloud id, the others to be matched by "
        f"artist, title and length), plus a remix that must not match, an unrelated recording "
        f"and a broken file: {files} files.",
        soft_wrap=True,
    )
    demo.run("Scan the local library", "library", "scan", "--no-match")
    demo.run("Match files to SoundCloud tracks", "library", "match")
    demo.run("The library, with what each file matched", "library", "list")
    demo.run("The feed without what I already own", "feed", "--limit", "5")
    demo.run("Export the index to Parquet", "export", "parquet", str(export_dir), "--what", "all")


def _private(api_base: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """A call to the emulator's private endpoints (the taste world's truth and time)."""
    import urllib.request

    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{api_base}/_emulator/{path}", data=data)
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=60) as r:  # noqa: S310 - the local emulator
        return json.loads(r.read())


def _two_weeks(demo: Demo, console: Any, api_base: str) -> list[dict[str, Any]]:
    """Two simulated weeks: the listener hears the pushed playlist (likes, dismisses into "Not
    interested"); a week later the sync learns that and pushes again. One short table: the
    playlist's expected precision (mean true like probability) before and after."""
    from rich.table import Table

    from music_minion.config.schema import PlaylistSettings

    title = PlaylistSettings().title
    weeks: list[dict[str, Any]] = []
    for week in (1, 2):
        if week == 2:
            _private(api_base, "taste/advance", {"weeks": 1})
            demo.run(
                "A week later: sync learns the likes and dismissals, pushes again",
                "sync",
                "--all",
                "--push",
            )
        playlists = _private(api_base, "world")["playlists"]
        urn = next(u for u, t in playlists.items() if t == title)
        heard = _private(api_base, "taste/listen", {"playlist": urn})
        weeks.append(
            {
                "week": week,
                "pushed": heard["heard"],
                "expected_precision": heard["expected_precision"],
                "liked": heard["liked"],
                "dismissed": heard["dismissed"],
            }
        )
    table = Table(
        title="Two simulated weeks: a listener hears the discovery playlist",
        caption="Week 2 ranks what is left after week 1's best were heard, so the two weeks are\n"
        "not a before/after of the ranking: `make bench` compares it with simple rules\n"
        "on the same weeks (README, Benchmarks).",
    )
    for column in ("week", "tracks", "expected precision", "liked", "dismissed"):
        table.add_column(column, justify="right")
    for w, when in zip(weeks, ("no judgments yet", "week 1's verdicts learned"), strict=True):
        precision = w["expected_precision"]
        table.add_row(
            f"{w['week']} ({when})",
            str(w["pushed"]),
            "—" if precision is None else f"{precision:.0%}",
            str(w["liked"]),
            str(w["dismissed"]),
        )
    console.print(table)
    return weeks


def _summary(data_dir: Path, stats: dict[str, Any], started: float) -> dict[str, Any]:
    """What the demo left in the index, and what it cost."""
    from music_minion.store import artists, connect, database_path
    from music_minion.store.db import table_counts

    with closing(connect(database_path(data_dir))) as db:
        counts = table_counts(db)
        watched = artists.count_watched(db)
    return {
        "artists_watched": watched,
        "tracks": counts.get("tracks", 0),
        "provenance_rows": counts.get("provenance", 0),
        "judgments": counts.get("judgments", 0),
        "local_files": counts.get("local_files", 0),
        "requests_made": stats.get("total", stats.get("requests", 0)),
        "seconds": round(time.perf_counter() - started, 1),
    }
