"""What one client did, counted as it goes (read by run records and benchmarks)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ClientStats:
    """Requests per endpoint template, errors by kind, retries, 429s, waits, refreshes."""

    requests: int = 0
    by_endpoint: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    rate_limited: int = 0
    wait_s: float = 0.0
    skipped_items: int = 0
    cursor_repeats: int = 0
    refreshes: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (for run records and `--json` output)."""
        return {
            "requests": self.requests,
            "by_endpoint": dict(self.by_endpoint),
            "errors": dict(self.errors),
            "retries": self.retries,
            "rate_limited": self.rate_limited,
            "wait_s": round(self.wait_s, 3),
            "skipped_items": self.skipped_items,
            "cursor_repeats": self.cursor_repeats,
            "refreshes": self.refreshes,
        }
