"""Every command with --json speaks one envelope and one vocabulary; errors are JSON on stderr."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest

from tests.discovery.helpers import watch_all

# Arguments for the commands that need some (against the seeded home below). A new command with
# --json and required arguments fails the walk until it is given some here.
ARGS: dict[str, list[str]] = {
    "artists add": ["{artist}"],
    "artists import": ["{artists_file}"],
    "artists mute": ["{artist}", "--likes"],
    "artists unmute": ["{artist}", "--likes"],
    "artists set-weight": ["{artist}", "2"],
    "artists remove": ["{artist}"],
    "config get": ["playlist.size"],
    "config set": ["playlist.size", "50"],
    "export": ["json", "{tmp}/export"],
    "judge": ["1", "liked"],
    "unjudge": ["1"],
    "library scan": ["{tmp}/music"],
    "library search": ["track"],
    "library review accept": ["1"],
    "library review reject": ["2"],
    "library link": ["3", "{track}"],
    "library unlink": ["3"],
    "open": ["1", "--print"],
    "why": ["1"],
    "restore": ["--all"],
    "playlist push": ["--dry-run"],
    "schedule install": ["--every", "6h"],
}
# Commands that cannot run to an end in a test: they serve until interrupted or need a person.
NOT_RUN = {"emulator serve": "serves until Ctrl-C", "auth login": "waits for a browser"}
# Fails by design in a home that exists already.
FAILS = {"init"}
# Run in this order where it matters (the rest alphabetically, between them).
FIRST = ["feed"]
LAST = ["artists remove", "auth logout", "schedule remove"]
FORBIDDEN_KEYS = {"permalink_url", "uploader_name", "username"}
ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
BOOLEAN_KEYS = {"watched", "logged_in", "mix", "dry_run", "ok", "exists", "healthy", "was_logged_in",
                "can_refresh", "access_expired", "installed"}  # fmt: skip


def json_commands() -> Iterator[str]:
    """The path of every command that has its own --json option, from the command tree."""
    from music_minion.cli.main import cli

    def walk(cmd: click.Command, path: list[str], ctx: click.Context) -> Iterator[str]:
        if path and any(p.name == "as_json" for p in cmd.params):
            yield " ".join(path)
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                assert sub is not None
                yield from walk(sub, [*path, name], ctx)

    yield from walk(cli, [], click.Context(cli))


def ordered(paths: list[str]) -> list[str]:
    rest = sorted(p for p in paths if p not in FIRST and p not in LAST)
    return [p for p in FIRST if p in paths] + rest + [p for p in LAST if p in paths]


def check(value: Any, where: str) -> None:
    """The vocabulary, everywhere in `value`: no old key names, booleans as true/false."""
    if isinstance(value, dict):
        for k, v in value.items():
            assert k not in FORBIDDEN_KEYS, f"{where}: key {k!r}"
            if k in BOOLEAN_KEYS and isinstance(v, int):  # a flag (not a list of what was removed)
                assert isinstance(v, bool), f"{where}: {k}={v!r} is not true/false"
            if k.endswith("_at") and isinstance(v, str):
                assert ISO_UTC.fullmatch(v), f"{where}: {k}={v!r} is not ISO 8601 UTC"
            check(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            check(v, f"{where}[{i}]")


@pytest.fixture
def seeded(logged_in, mm, home: Path) -> dict[str, str]:
    """A logged-in home watching the tiny world, synced, with three library files proposed as
    matches: every list has rows."""
    from music_minion import config
    from music_minion.store import open_store

    watch_all(logged_in)
    assert mm("sync", "--json").code == 0
    conn = open_store(config.load().data_dir)
    try:
        ids = [r[0] for r in conn.execute("SELECT id FROM tracks ORDER BY id LIMIT 3")]
        for n, tid in enumerate(ids, 1):
            conn.execute(
                "INSERT INTO local_files (id, path, size, mtime_ns, scanned_at, track_id, "
                "match_status, match_score, status, title, artist) "
                "VALUES (?, ?, 1, 1, '2026-01-01T00:00:00Z', ?, 'review', 0.8, 'ok', 'track', 'x')",
                (n, f"/music/{n}.mp3", tid),
            )
        artist = conn.execute("SELECT urn FROM artists ORDER BY id LIMIT 1").fetchone()[0]
        track = conn.execute("SELECT urn FROM tracks ORDER BY id DESC LIMIT 1").fetchone()[0]
    finally:
        conn.close()
    (home / "music").mkdir()
    (home / "artists.txt").write_text(artist + "\n")
    return {"artist": artist, "track": track, "artists_file": str(home / "artists.txt"),
            "tmp": str(home)}  # fmt: skip


def test_every_json_command_uses_the_envelope_and_the_vocabulary(seeded, mm) -> None:
    paths = list(json_commands())
    assert {"feed", "artists list", "auth status", "library list", "sync history"} <= set(paths)
    ran = 0
    for path in ordered(paths):
        if path in NOT_RUN:
            continue
        args = [a.format(**seeded) for a in ARGS.get(path, [])]
        r = mm(*path.split(), *args, "--json")
        if path in FAILS:  # an error is one JSON object on stderr, stdout stays empty
            assert r.code == 1 and r.out == "", path
            assert set(json.loads(r.err)["error"]) == {"kind", "message", "hint"}, path
            continue
        assert r.code == 0, f"{path}: {r.err}"
        data = json.loads(r.out)
        assert isinstance(data, dict), f"{path}: a bare {type(data).__name__}"
        if "items" in data:
            assert isinstance(data["items"], list) and data["shown"] == len(data["items"]), path
            assert isinstance(data["total"], int) and data["total"] >= data["shown"], path
        check(data, path)
        ran += 1
    assert ran == len(paths) - len(NOT_RUN) - len(FAILS)


def test_lists_have_rows_in_the_seeded_home(seeded, mm) -> None:
    for path in ("feed", "artists list", "sync history", "library list"):
        data = mm(*path.split(), "--json").json()
        assert data["items"] and data["total"] >= len(data["items"]), path
    feed = mm("feed", "--json").json()["items"][0]
    assert feed["link"].startswith("http") and feed["uploader"]
    artist = mm("artists", "list", "--json").json()["items"][0]
    assert artist["artist"] and artist["watched"] is True and artist["link"]


def test_logged_out_auth_status_keeps_every_key(mm, emulator) -> None:
    d = mm("auth", "status", "--json").json()
    assert d["logged_in"] is False
    for key in ("user", "user_urn", "access_expires_at", "access_expired"):
        assert key in d and d[key] is None, key


@pytest.mark.parametrize(
    "args,code,kind",
    [
        (("config", "get", "no.such"), 1, "config"),
        (("feed", "--limit", "-1"), 2, "usage"),
        (("frobnicate",), 2, "usage"),
        (("judge", "1", "liked"), 1, "error"),
    ],
)
def test_errors_under_json_are_json_on_stderr(mm, home, args, code, kind) -> None:
    r = mm("--json", *args)
    assert r.code == code and r.out == ""
    err = json.loads(r.err)["error"]
    assert err["kind"] == kind and err["message"] and not err["message"].startswith("error:")
    plain = mm(*args)  # without --json: the same words as one line
    assert plain.code == code and plain.err.startswith(f"error: {err['message']}")
