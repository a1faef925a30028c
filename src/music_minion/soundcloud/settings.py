"""What the SoundCloud layer reads from the configuration: a `get(key)` and a data folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol


class ConfigSource(Protocol):
    """The part of the configuration this layer uses (`soundcloud.*` keys and `data_dir`)."""

    @property
    def data_dir(self) -> Path: ...

    def get(self, key: str) -> Any: ...
