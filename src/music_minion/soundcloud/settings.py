"""What the SoundCloud layer reads from the configuration: its typed section and the data folder."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from music_minion.config.schema import SoundCloudSettings


class ConfigSource(Protocol):
    """The part of the configuration this layer uses (`[soundcloud]` and `data_dir`)."""

    @property
    def data_dir(self) -> Path: ...

    @property
    def soundcloud(self) -> SoundCloudSettings: ...
