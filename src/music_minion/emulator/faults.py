"""Fault injection and the request-rate limit, decided per request from a seeded RNG.

A fault spec reads like `rate=0.2,seed=7,kinds=429,500,timeout,retry_after=mixed`: `rate` is the
fraction of API responses faulted, `kinds` (default: all) the faults drawn from, `retry_after`
(yes|no|mixed) whether 429s carry a `Retry-After` header, `latency_ms` a delay added to every API
response, `timeout_s` how long a "timeout" response stalls. Faults never change the world.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

KINDS = ("429", "500", "502", "503", "timeout", "drop", "truncate", "repeat_cursor", "empty_page")
LIST_ONLY = ("repeat_cursor", "empty_page")
RETRY_AFTER = ("yes", "no", "mixed")


class FaultSpecError(ValueError):
    """A fault spec that cannot be parsed (the message says which part)."""


@dataclass
class FaultSpec:
    rate: float = 0.0
    seed: int = 0
    kinds: tuple[str, ...] = KINDS
    retry_after: str = "mixed"
    latency_ms: float = 0.0
    timeout_s: float = 2.0
    oauth: bool = False

    @classmethod
    def parse(cls, text: str | None) -> FaultSpec:
        """Parse `key=value,...`; values of `kinds` continue over following bare words."""
        spec = cls()
        if not text or not text.strip() or text.strip().lower() in ("none", "off"):
            return spec
        kinds: list[str] | None = None
        current = None
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            if "=" in part:
                key, _, value = part.partition("=")
                key, value = key.strip().lower(), value.strip()
                current = key
                if key == "kinds":
                    kinds = [value] if value else []
                    continue
                try:
                    if key == "rate":
                        spec.rate = float(value)
                        if not 0 <= spec.rate <= 1:
                            raise FaultSpecError("rate must be between 0 and 1")
                    elif key == "seed":
                        spec.seed = int(value)
                    elif key == "retry_after":
                        if value not in RETRY_AFTER:
                            raise FaultSpecError(
                                f"retry_after must be one of {', '.join(RETRY_AFTER)}"
                            )
                        spec.retry_after = value
                    elif key == "latency_ms":
                        spec.latency_ms = max(0.0, float(value))
                    elif key == "timeout_s":
                        spec.timeout_s = max(0.0, float(value))
                    else:
                        raise FaultSpecError(f"unknown fault setting {key!r}")
                except ValueError as e:
                    if isinstance(e, FaultSpecError):
                        raise
                    raise FaultSpecError(f"{key} has a bad value {value!r}") from None
            elif current == "kinds" and kinds is not None:
                kinds.append(part)
            else:
                raise FaultSpecError(f"cannot read {part!r} (expected key=value)")
        if kinds is not None:
            kinds = [k.lower() for k in kinds]
            spec.oauth = "oauth" in kinds
            kinds = [k for k in kinds if k != "oauth"]
            bad = [k for k in kinds if k not in KINDS]
            if bad:
                raise FaultSpecError(
                    f"unknown fault kind(s) {', '.join(bad)}; known: {', '.join(KINDS)}, oauth"
                )
            spec.kinds = tuple(kinds) if kinds else KINDS
        return spec

    def describe(self) -> dict[str, Any]:
        return {
            "rate": self.rate,
            "seed": self.seed,
            "kinds": list(self.kinds),
            "retry_after": self.retry_after,
            "latency_ms": self.latency_ms,
            "timeout_s": self.timeout_s,
            "oauth": self.oauth,
        }


@dataclass
class FaultInjector:
    """Draws the fault (or None) for each request, reproducibly from the spec's seed."""

    spec: FaultSpec = field(default_factory=FaultSpec)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.spec.seed)

    def decide(self, is_list: bool) -> str | None:
        if self.spec.rate <= 0:
            return None
        if self._rng.random() >= self.spec.rate:
            return None
        kinds = (
            self.spec.kinds if is_list else tuple(k for k in self.spec.kinds if k not in LIST_ONLY)
        )
        return self._rng.choice(kinds) if kinds else None

    def send_retry_after(self) -> bool:
        mode = self.spec.retry_after
        return mode == "yes" or (mode == "mixed" and self._rng.random() < 0.5)


class TokenBucket:
    """A request-rate limit: `rate` tokens per second, bursts up to `burst`."""

    def __init__(self, rate: float, burst: float | None = None) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = float(rate)
        self.burst = float(burst if burst is not None else max(1.0, rate))
        self.tokens = self.burst
        self.stamp = time.monotonic()

    def take(self) -> float:
        """Take a token: 0.0 when allowed, else the seconds until one is available."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate
