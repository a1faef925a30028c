"""`status`: one object saying whether discovery runs by itself and works, and why not.

Healthy unless: no sync ever succeeded (ok or partial), or none in the last three intervals (the
schedule's, else `discovery.min_interval_hours`); the last `FAILED_RUNS` syncs all failed; or the
login cannot be renewed (not logged in, or expired without a refresh token, or the last sync was
refused for the login).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from music_minion.automation import schedule
from music_minion.config import Config
from music_minion.discovery.retired import RetireRules, retired_tracks
from music_minion.errors import MinionError
from music_minion.store import artists, local_files, pushes, ranking, sync_runs
from music_minion.store.session import Store
from music_minion.timeutil import now, now_iso, parse_timestamp, to_iso

FAILED_RUNS = 3
MISSED_INTERVALS = 3


def login(cfg: Config) -> dict[str, Any]:
    """Who is logged in and until when; whether the login can be renewed (never a token)."""
    from music_minion.soundcloud.oauth import AppSettings
    from music_minion.soundcloud.tokens import TokenStore

    try:
        app = AppSettings.from_config(cfg)
    except MinionError as e:
        return {"logged_in": False, "can_refresh": False, "problem": e.what}
    tok = TokenStore(cfg.data_dir, app.namespace).load("user")
    if tok is None:
        return {"logged_in": False, "can_refresh": False}
    expired = tok.expires_at <= time.time()
    return {
        "logged_in": True,
        "username": tok.username,
        "user_urn": tok.user_urn,
        "access_expires_at": to_iso(datetime.fromtimestamp(tok.expires_at, UTC)),
        "can_refresh": bool(tok.refresh_token) or not expired,
    }


def last_sync(runs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The latest finished run: when, how it ended, its errors by class, its requests."""
    run = next((r for r in runs if r["status"] != "running"), None)
    if run is None:
        return None
    return {
        "started_at": run["started_at"],
        "finished_at": run["finished_at"],
        "status": run["status"],
        "errors": run["stats"].get("errors", {}),
        "requests": run["requests"],
        "tracks_new": run["tracks_new"],
        "full_walks": run["stats"].get("full_walks", 0),
    }


def gather(cfg: Config, db: Store, config_path: Path) -> dict[str, Any]:
    """Everything `status` shows, with `healthy` and the `problems` that make it not."""
    runs = sync_runs.list_recent(db, limit=50)
    sched = schedule.status(config_path)
    f = ranking.CandidateFilter(
        mix_ms=int(cfg.ranking.mix_minutes * 60_000),
        retired=frozenset(retired_tracks(db, RetireRules.of(cfg.ranking, cfg.review))),
    )
    lib = local_files.count_files(db)
    push = next(iter(pushes.list_pushes(db, 1)), None)
    data: dict[str, Any] = {
        "login": login(cfg),
        "last_sync": last_sync(runs),
        "last_ok_sync_at": next((r["started_at"] for r in runs if r["status"] in OK), None),
        "artists_watched": artists.count_watched(db),
        "artists_due": len(artists.list_due(db, now_iso())),
        "candidates": ranking.count_candidates(db, f),
        "last_push": push,
        "library": {"files": lib.present, "owned_tracks": lib.owned_tracks},
        "schedule": sched,
    }
    minutes = sched.get("every_minutes") or cfg.discovery.min_interval_hours * 60
    data["problems"] = problems(data, runs, minutes)
    data["healthy"] = not data["problems"]
    return data


OK = ("ok", "partial")


def problems(data: dict[str, Any], runs: list[dict[str, Any]], minutes: float) -> list[str]:
    """Why discovery is not healthy (empty when it is)."""
    out: list[str] = []
    auth = data["login"]
    if not auth["logged_in"]:
        out.append("not logged in")
    elif not auth["can_refresh"]:
        out.append("the login expired and cannot be renewed")
    done = [r for r in runs if r["status"] != "running"]
    if done and _refused_login(done[0]) and auth["logged_in"]:
        out.append("the last sync was refused for the login")
    last_ok = data["last_ok_sync_at"]
    when = parse_timestamp(last_ok)
    if when is None:
        out.append("no sync has succeeded yet")
    elif when < now() - timedelta(minutes=MISSED_INTERVALS * minutes):
        out.append(f"no successful sync in {MISSED_INTERVALS} intervals (last {last_ok})")
    if len(done) >= FAILED_RUNS and all(r["status"] == "failed" for r in done[:FAILED_RUNS]):
        out.append(f"the last {FAILED_RUNS} syncs failed")
    return out


def _refused_login(run: dict[str, Any]) -> bool:
    errors = run["stats"].get("errors", {})
    return run["status"] == "failed" and any(k.endswith(("NotLoggedIn", "auth")) for k in errors)
