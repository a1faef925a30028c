"""What one sync run carries from step to step: its options, its context, its totals, its summary.

The steps themselves are in `discovery/sync.py` (and `pipeline.py`, which composes them); the
concurrent fetch/merge engine is `discovery/fetch_merge.py`.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from music_minion.config import Config
    from music_minion.soundcloud.client import SoundCloudClient
    from music_minion.store.session import Store

Progress = Callable[[dict[str, Any]], None]


@dataclass
class SyncOptions:
    """The flags of one sync."""

    artists: tuple[str, ...] = ()
    everyone: bool = False
    full: bool = False
    dry_run: bool = False
    push: bool = False
    learn: bool = True


@dataclass
class Totals:
    """What the run has done so far (the merge writer and the steps add to it)."""

    artists_done: int = 0
    artists_failed: int = 0
    sources_done: int = 0
    tracks_new: int = 0
    provenance_new: int = 0
    gone: int = 0
    revived: int = 0
    tracks_deleted: int = 0
    full_walks: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    failed_artists: list[str] = field(default_factory=list)  # names, in the order they failed
    failure_reasons: Counter[str] = field(default_factory=Counter)  # why walks failed, for people


@dataclass
class RunContext:
    """Everything a step may use: settings, options, the client, the store and a reader."""

    cfg: Config
    opts: SyncOptions
    client: SoundCloudClient
    db: Store
    reader: Store
    sources: list[str]
    progress: Progress | None = None
    totals: Totals = field(default_factory=Totals)
    planned: list[sqlite3.Row] = field(default_factory=list)
    full_due: set[tuple[int, str]] = field(default_factory=set)
    requests_before: int = 0
    results: dict[str, Any] = field(default_factory=dict)
    durations_s: dict[str, float] = field(default_factory=dict)


def error_kind(e: BaseException) -> str:
    """The class of an error as recorded in a run's `errors` (an API error's kind, else its type)."""
    kind = getattr(e, "kind", None)
    return kind if isinstance(kind, str) else type(e).__name__


@dataclass
class SyncSummary:
    """The result of one run, rendered by the CLI (`as_dict` is the `--json` shape)."""

    run_id: int
    interrupted_before: int
    sources: list[str]
    status: str = "failed"
    artists_planned: int = 0
    totals: Totals = field(default_factory=Totals)
    results: dict[str, Any] = field(default_factory=dict)
    durations_s: dict[str, float] = field(default_factory=dict)
    client: dict[str, Any] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return int(self.client.get("requests", 0))

    def as_dict(self) -> dict[str, Any]:
        t = self.totals
        return {
            "run_id": self.run_id,
            "interrupted_before": self.interrupted_before,
            "sources": self.sources,
            **self.results,
            "durations_s": self.durations_s,
            "artists_planned": self.artists_planned,
            "status": self.status,
            "artists_done": t.artists_done,
            "artists_failed": t.artists_failed,
            "failed_artists": t.failed_artists,
            "failure_reasons": dict(t.failure_reasons.most_common()),
            "sources_done": t.sources_done,
            "tracks_new": t.tracks_new,
            "provenance_new": t.provenance_new,
            "provenance_gone": t.gone,
            "provenance_back": t.revived,
            "tracks_deleted": t.tracks_deleted,
            "full_walks": t.full_walks,
            "errors": dict(t.errors),
            "requests": self.requests,
            "client": self.client,
        }

    def recorded(self) -> dict[str, Any]:
        """The part of the summary kept in the run's `sync_runs` row."""
        d = self.as_dict()
        keys: tuple[str, ...] = (
            "client",
            "errors",
            "durations_s",
            "resolution",
            "library",
            "learn",
            "push",
            "digest",
        )
        keys += ("ranking", "provenance_gone", "tracks_deleted", "artists_failed", "full_walks")
        keys += ("failed_artists",)
        return {k: d[k] for k in keys if k in d}
