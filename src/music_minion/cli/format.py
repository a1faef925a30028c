"""How values read in tables: one formatter per kind of value."""

from __future__ import annotations

from collections.abc import Mapping


def duration(ms: int | None) -> str:
    """`m:ss`, or `h:mm:ss` from an hour up; `?` when unknown."""
    if ms is None:
        return "?"
    seconds = int(ms) // 1000
    if seconds >= 3600:
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return f"{seconds // 60}:{seconds % 60:02d}"


WHEN_FORMAT = "%Y-%m-%d %H:%M"


def when(ts: str | float | None) -> str:
    """A moment for people, the same in every command: `2026-11-30 14:02` in local time; "" when
    unknown. Takes the store's ISO 8601 text or epoch seconds (JSON output keeps ISO 8601)."""
    from datetime import UTC, datetime

    from music_minion.timeutil import parse_timestamp

    if ts is None or ts == "":
        return ""
    moment = datetime.fromtimestamp(ts, UTC) if isinstance(ts, int | float) else parse_timestamp(ts)
    return moment.astimezone().strftime(WHEN_FORMAT) if moment else str(ts)


def track_line(ref: Mapping[str, str | None] | None, urn: str) -> str:
    """`Title — Uploader` of a track, or its URN when its title is not known."""
    if ref is None or not ref.get("title"):
        return urn
    return f"{ref['title']} — {ref.get('uploader') or '?'}"
