"""What a running emulator knows, apart from its sockets: the world, OAuth, faults and counters."""

from __future__ import annotations

from collections import Counter
from typing import Any

from music_minion.emulator.faults import FaultInjector, FaultSpec, TokenBucket
from music_minion.emulator.oauth import OAuthServer, credentials_for_seed
from music_minion.emulator.serialize import Serializer
from music_minion.emulator.taste_world import generate_taste
from music_minion.emulator.world import World, generate, resolve_size

DEFAULT_REDIRECT_URI = "http://127.0.0.1:8765/callback"


class EmulatorState:
    """The state the handlers and the request pipeline share; `serve_at` names the two hosts."""

    def __init__(
        self,
        *,
        seed: int = 1,
        size: str = "tiny",
        faults: str | FaultSpec | None = None,
        rate: float | None = None,
        auto_approve: bool = True,
        redirect_uri: str | None = None,
        token_ttl_s: float = 3599,
        world: World | None = None,
        cc_cap: int = 50,
        taste: dict[str, Any] | None = None,
        **size_overrides: int,
    ) -> None:
        self.seed = seed
        if world is None and taste is not None:
            world = generate_taste(seed, resolve_size(size, **size_overrides), taste)
        self.world = world or generate(seed, size, **size_overrides)
        self.client_id, self.client_secret = credentials_for_seed(seed)
        self.redirect_uri = redirect_uri or DEFAULT_REDIRECT_URI
        self.oauth = OAuthServer(
            client_id=self.client_id,
            client_secret=self.client_secret,
            redirect_uri=self.redirect_uri,
            user_urn=self.world.me_urn,
            auto_approve=auto_approve,
            token_ttl_s=token_ttl_s,
            cc_cap=cc_cap,
        )
        self.set_faults(faults)
        self.set_rate(rate)
        self.counts: Counter[tuple[str, str, int]] = Counter()
        self.fault_counts: Counter[str] = Counter()
        self.api_base = self.auth_base = ""
        self.serializer: Serializer | None = None

    def serve_at(self, api_base: str, auth_base: str) -> None:
        """Record where the two hosts listen (answers carry absolute URLs of the API host)."""
        self.api_base, self.auth_base = api_base, auth_base
        self.serializer = Serializer(self.world, api_base)

    @property
    def ser(self) -> Serializer:
        """The serializer of a started emulator."""
        if self.serializer is None:
            raise RuntimeError("the emulator has not been started")
        return self.serializer

    def info(self) -> dict[str, Any]:
        """What a client needs to connect (includes the client secret: never log this)."""
        return {
            "api_base": self.api_base,
            "auth_base": self.auth_base,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uri": self.redirect_uri,
            "user_urn": self.world.me_urn,
        }

    def set_faults(self, spec: str | FaultSpec | None) -> None:
        self.faults = FaultInjector(spec if isinstance(spec, FaultSpec) else FaultSpec.parse(spec))

    def set_rate(self, rate: float | None) -> None:
        self.bucket = TokenBucket(rate) if rate else None

    def stats(self) -> dict[str, Any]:
        """Requests by endpoint and status, faults served, OAuth counters, the world's version."""
        by_endpoint: dict[str, dict[str, int]] = {}
        by_status: Counter[str] = Counter()
        for (method, path, status), n in sorted(self.counts.items()):
            by_endpoint.setdefault(f"{method} {path}", {})[str(status)] = n
            by_status[str(status)] += n
        return {
            "total": sum(self.counts.values()),
            "requests": [
                {"method": m, "path": p, "status": s, "count": n}
                for (m, p, s), n in sorted(self.counts.items())
            ],
            "by_endpoint": by_endpoint,
            "by_status": dict(by_status),
            "faults": dict(self.fault_counts),
            "oauth": dict(self.oauth.counts),
            "world_version": self.world.version,
        }

    def reset_stats(self) -> None:
        self.counts.clear()
        self.fault_counts.clear()
