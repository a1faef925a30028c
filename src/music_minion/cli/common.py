"""What every command module shares: the run state, JSON/table output, progress bars.

Output has one shape per medium. Tables: `cli/table.py` (fitted to a terminal, tab-separated when
piped). JSON: every command prints one object; a list is `{"items": [...], "shown": N, "total": M}`,
keys follow one vocabulary (`VOCABULARY`), absent values are null (see the README, "JSON output")."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, ProgressColumn

    from music_minion.config import Config
    from music_minion.store.session import Store

F = TypeVar("F", bound=Callable[..., Any])


class State:
    """Global options of one invocation. (A plain class: `dataclasses` and `json` are not imported
    at startup, which keeps `music-minion --help` fast.)"""

    __slots__ = ("debug", "json", "wide")

    def __init__(self, debug: bool = False, json: bool = False, wide: bool = False) -> None:
        self.debug = debug
        self.json = json
        self.wide = wide


def state() -> State:
    ctx = click.get_current_context(silent=True)  # none: called outside a command (a script)
    obj = ctx.find_root().obj if ctx is not None else None
    return obj if isinstance(obj, State) else State()


def _state_flag(attribute: str, help_text: str, *decls: str) -> Callable[[F], F]:
    """A command-level flag (`decls`: its name, then its parameter's) that sets
    `State.<attribute>` and is not passed to the command."""

    def callback(_ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        if value:
            setattr(state(), attribute, True)

    return click.option(*decls, is_flag=True, expose_value=False, callback=callback, help=help_text)


json_option = _state_flag("json", "Print data as JSON.", "--json", "as_json")
"""A command-level `--json` flag, equivalent to the global one."""

wide_option = _state_flag(
    "wide", "Show the links on a terminal too (piped output always has them).", "--wide"
)
"""A `--wide` flag for commands that print tables: show the link column on a terminal."""


def wants_json() -> bool:
    return state().json


# One name per thing in every command's JSON: the page URL, the uploader's name, an artist's name.
VOCABULARY = {"permalink_url": "link", "uploader_name": "uploader", "username": "artist"}


def print_json(data: Any, *, err: bool = False) -> None:
    import json

    click.echo(json.dumps(plain(data), indent=2, default=str, ensure_ascii=False), err=err)


def plain(data: Any) -> Any:
    """`data` for JSON: store records (named tuples) as objects keyed by field, keys in the
    shared vocabulary (a key already present wins over a renamed one)."""
    if isinstance(data, tuple) and hasattr(data, "_asdict"):
        return plain(data._asdict())
    if isinstance(data, list | tuple):
        return [plain(v) for v in data]
    if isinstance(data, dict):
        out = {VOCABULARY.get(k, k): plain(v) for k, v in data.items() if k not in VOCABULARY}
        for k, v in data.items():
            if k in VOCABULARY:
                out.setdefault(VOCABULARY[k], plain(v))
        return out
    return data


def envelope(
    items: list[Any], total: int | None = None, *, exact: bool = True, **extra: Any
) -> dict[str, Any]:
    """A list as JSON: `{"items": [...], "shown": N, "total": M, "total_exact": true, ...}`; total
    counts before any limit; when counting stopped early it is a lower bound (`total_exact` false)."""
    n = len(items) if total is None else total
    return {"items": items, "shown": len(items), "total": n, "total_exact": exact, **extra}


def emit(
    data: Any, human: Callable[[Any], None], *, total: int | None = None, exact: bool = True
) -> None:
    """Print `data` as JSON when asked (a list in the list envelope), else render it for people."""
    if wants_json():
        print_json(envelope(data, total, exact=exact) if isinstance(data, list) else data)
    else:
        human(data)


def console() -> Console:
    """A rich console on stdout (imported lazily: rich is slow to import)."""
    from rich.console import Console

    return Console(soft_wrap=False)


def err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True)


def show_progress() -> bool:
    """Progress bars go to stderr, only on a terminal and never with --json."""
    return sys.stderr.isatty() and not wants_json()


def progress(*columns_extra: str | ProgressColumn) -> Progress:
    """A rich Progress on stderr, disabled when not wanted (usable as a context manager)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        *columns_extra,
        TimeElapsedColumn(),
        console=err_console(),
        disable=not show_progress(),
        transient=False,
    )


def settings() -> Config:
    """The effective config of this invocation (`--config`, env, file, defaults)."""
    from music_minion import config

    return config.load()


def open_db(*, readonly: bool = False) -> Store:
    """This command's store session: opened on first use, closed when the command ends.

    A command asking for a read-only session after a writable one gets the writable one."""
    from music_minion.store import open_store

    root = click.get_current_context().find_root()
    sessions: dict[bool, Store] = root.meta.setdefault("music_minion.store", {})
    db = sessions.get(False) or sessions.get(readonly)
    if db is None:
        db = sessions[readonly] = open_store(settings().data_dir, readonly=readonly)
        root.call_on_close(db.close)
    return db


def run_with_client(fn: Callable[..., Any], *, auth: str = "auto") -> Any:
    """Run `await fn(client, db, cfg)` with one SoundCloud client and this command's store."""
    import asyncio

    from music_minion.soundcloud.client import SoundCloudClient

    cfg, db = settings(), open_db()

    async def go() -> Any:
        async with SoundCloudClient.from_config(cfg, auth=auth) as client:  # type: ignore[arg-type]
            return await fn(client, db, cfg)

    return asyncio.run(go())
