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


def score(value: float) -> str:
    """A feed score in at most five characters: `0.031`, `881`, `41.6k`, `15.3M`."""
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.3g}"


def track_label(title: str | None, uploader: str | None) -> str:
    """A track as people name it: "Title — Uploader"."""
    return " — ".join(p for p in (title or "(untitled)", uploader) if p)


def track_line(ref: Mapping[str, str | None] | None, urn: str) -> str:
    """`Title — Uploader` of a track, or its URN when its title is not known."""
    if ref is None or not ref.get("title"):
        return urn
    return f"{ref['title']} — {ref.get('uploader') or '?'}"
