"""The only code that speaks SoundCloud HTTP: OAuth login, token storage, the async API client, models.

Names are imported lazily (aiohttp is heavy), so `import music_minion.soundcloud` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "User": "models",
    "Track": "models",
    "Playlist": "models",
    "Outcome": "models",
    "BatchResult": "models",
    "BatchSummary": "models",
    "SoundCloudError": "errors",
    "ApiError": "errors",
    "NotFound": "errors",
    "Forbidden": "errors",
    "Rejected": "errors",
    "AuthFailed": "errors",
    "RateLimited": "errors",
    "Transient": "errors",
    "Unreachable": "errors",
    "InvalidResponse": "errors",
    "NotLoggedIn": "errors",
    "LoginFailed": "errors",
    "Misconfigured": "errors",
    "TokenStore": "tokens",
    "Token": "tokens",
    "SoundCloudClient": "client",
    "ClientStats": "stats",
    "RetryPolicy": "retry",
    "login": "login",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(name)
    return getattr(importlib.import_module(f"music_minion.soundcloud.{module}"), name)
