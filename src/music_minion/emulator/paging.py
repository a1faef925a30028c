"""SoundCloud-style pagination: `limit`, `linked_partitioning`, opaque cursors in `next_href`.

A cursor records how many items remained *after* the page (counted from the oldest end), so new
items prepended to a newest-first list between two page fetches neither repeat nor hide items.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class BadParam(ValueError):
    """A query parameter the API would refuse with 400."""


def encode_cursor(remaining: int) -> str:
    raw = f"{remaining}:{zlib.crc32(str(remaining).encode()) & 0xFFFF:04x}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        remaining_s, check = raw.split(":")
        remaining = int(remaining_s)
    except (ValueError, UnicodeDecodeError):
        raise BadParam("invalid cursor") from None
    if remaining < 0 or check != f"{zlib.crc32(remaining_s.encode()) & 0xFFFF:04x}":
        raise BadParam("invalid cursor")
    return remaining


def truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


@dataclass
class PageRequest:
    """The paging part of one list request."""

    limit: int
    linked: bool
    cursor: str | None
    offset: int

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> PageRequest:
        raw_limit = query.get("limit")
        try:
            limit = DEFAULT_LIMIT if raw_limit in (None, "") else int(raw_limit)
        except ValueError:
            raise BadParam("limit must be an integer") from None
        if not 1 <= limit <= MAX_LIMIT:
            raise BadParam(f"limit must be between 1 and {MAX_LIMIT}")
        try:
            offset = int(query.get("offset") or 0)
        except ValueError:
            raise BadParam("offset must be an integer") from None
        if offset < 0:
            raise BadParam("offset must not be negative")
        cursor = query.get("cursor") or None
        if cursor is not None:
            decode_cursor(cursor)
        return cls(limit, truthy(query.get("linked_partitioning")), cursor, offset)

    def start(self, total: int) -> int:
        """Index of the first item of this page in a list of `total` items."""
        if self.cursor is not None:
            return max(0, total - decode_cursor(self.cursor))
        return min(self.offset, total)


def next_href(api_base: str, path: str, query: Mapping[str, str], remaining: int) -> str:
    """The absolute URL of the page after one that leaves `remaining` items (same query)."""
    params = [(k, v) for k, v in query.items() if k not in ("cursor", "offset")]
    params.append(("cursor", encode_cursor(remaining)))
    return f"{api_base}{path}?{urlencode(params)}"


def same_href(api_base: str, path: str, query: Mapping[str, str]) -> str:
    """The URL of the page just served (what a repeating `next_href` points at)."""
    params = list(query.items())
    return f"{api_base}{path}?{urlencode(params)}" if params else f"{api_base}{path}"
