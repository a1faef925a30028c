"""Retry policy: capped exponential backoff with full jitter, and how long a 429 makes us wait."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

from music_minion.soundcloud.errors import Kind, reset_wait_s, retry_after_s


@dataclass
class RetryPolicy:
    """When and how long to wait before retrying a failed request."""

    max_retries: int = 6
    base_s: float = 0.5
    max_s: float = 30.0
    rate_limit_wait_max_s: float = 900.0
    rng: random.Random = field(default_factory=random.Random)

    @classmethod
    def from_config(cls, cfg: Any) -> RetryPolicy:
        return cls(
            max_retries=int(cfg.get("soundcloud.max_retries")),
            base_s=float(cfg.get("soundcloud.backoff_base_s")),
            max_s=float(cfg.get("soundcloud.backoff_max_s")),
            rate_limit_wait_max_s=float(cfg.get("soundcloud.rate_limit_wait_max_s")),
        )

    def should_retry(self, kind: Kind, attempt: int) -> bool:
        """`attempt` counts retries already made; permanent and auth errors are not retried here."""
        return kind in ("transient", "rate_limited") and attempt < self.max_retries

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(max, base * 2**attempt)]."""
        cap = min(self.max_s, self.base_s * (2 ** min(attempt, 30)))
        return self.rng.uniform(0.0, cap)

    def rate_limit_wait(
        self, attempt: int, retry_after: str | None, body: Any, now: float | None = None
    ) -> float:
        """A 429's wait: Retry-After, else the body's reset_time (capped), else backoff."""
        wait = retry_after_s(retry_after)
        if wait is None:
            wait = reset_wait_s(body, time.time() if now is None else now)
        if wait is None:
            return self.backoff(attempt)
        return min(wait, self.rate_limit_wait_max_s)
