"""The retry policy shared by the API calls and the token endpoint.

Only transient failures and 429s are retried, at most `max_retries` times. The wait is capped
exponential backoff with full jitter; a 429 waits what SoundCloud asked (Retry-After, else the body's
reset_time, capped), else backs off too. A host that cannot be connected to is tried only
`connect_retries` more times, and not at all once it is taken as down for the run. A request that is
not idempotent is not retried after a failure the server may have acted on (a timeout, a dropped
connection, an unreadable success); it is after an error answer (the server did not act).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from music_minion.soundcloud.errors import ApiError, InvalidResponse, RateLimited, Unreachable

if TYPE_CHECKING:
    from music_minion.soundcloud.settings import ConfigSource

T = TypeVar("T")
# A request that cannot connect at all is retried this often (briefly) before it fails.
CONNECT_RETRIES = 2


@dataclass
class RetryPolicy:
    """When and how long to wait before retrying a failed request."""

    max_retries: int = 6
    base_s: float = 0.5
    max_s: float = 30.0
    rate_limit_wait_max_s: float = 900.0
    connect_retries: int = CONNECT_RETRIES
    rng: random.Random = field(default_factory=random.Random)

    @classmethod
    def from_config(cls, cfg: ConfigSource) -> RetryPolicy:
        return cls(
            max_retries=cfg.soundcloud.max_retries,
            base_s=cfg.soundcloud.backoff_base_s,
            max_s=cfg.soundcloud.backoff_max_s,
            rate_limit_wait_max_s=cfg.soundcloud.rate_limit_wait_max_s,
        )

    def should_retry(
        self, e: ApiError, attempt: int, *, idempotent: bool = True, host_down: bool = False
    ) -> bool:
        """Retry after `e`, with `attempt` retries already made?"""
        if not e.retryable or attempt >= self.max_retries:
            return False
        if isinstance(e, Unreachable) and (host_down or attempt >= self.connect_retries):
            return False
        return idempotent or _answered(e)

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(max, base * 2**attempt)]."""
        cap = min(self.max_s, self.base_s * (2 ** min(attempt, 30)))
        return self.rng.uniform(0.0, cap)

    def delay(self, e: ApiError, attempt: int) -> float:
        """How long to wait before retrying after `e`: a 429's asked-for wait (capped), else backoff."""
        if isinstance(e, RateLimited) and e.reset_s is not None:
            return min(e.reset_s, self.rate_limit_wait_max_s)
        return self.backoff(attempt)

    async def run(
        self,
        once: Callable[[], Awaitable[T | ApiError]],
        *,
        idempotent: bool = True,
        host_down: Callable[[], bool] | None = None,
        wait: Callable[[ApiError, float], Awaitable[None]] | None = None,
        give_up: Callable[[ApiError], None] | None = None,
    ) -> T:
        """Call `once` until it gives a value or an error not worth retrying (which is raised).

        `wait(error, seconds)` replaces the plain sleep between attempts; `give_up(error)` runs
        just before the final error is raised.
        """
        attempt = 0
        while True:
            result = await once()
            if not isinstance(result, ApiError):
                return result
            down = host_down() if host_down is not None else False
            if not self.should_retry(result, attempt, idempotent=idempotent, host_down=down):
                if give_up is not None:
                    give_up(result)
                raise result
            seconds = self.delay(result, attempt)
            await (wait(result, seconds) if wait is not None else asyncio.sleep(seconds))
            attempt += 1


def _answered(e: ApiError) -> bool:
    """Did the server answer with an error (so it did not act on the request)?"""
    return e.status is not None and not isinstance(e, InvalidResponse)


NO_RETRIES = RetryPolicy(max_retries=0)
