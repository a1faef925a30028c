"""What a schedule runs and how often: the one description both backends write."""

from __future__ import annotations

import hashlib
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from music_minion.errors import UsageError

_EVERY = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")
_UNIT_MINUTES = {"m": 1, "h": 60, "d": 1440}


def parse_every(text: str) -> int:
    """`30m`, `6h`, `1d` as minutes (at least 5 minutes, at most a week)."""
    m = _EVERY.match(text)
    if m is None:
        raise UsageError(f"--every {text!r} is not a duration", "use e.g. 30m, 6h or 1d")
    minutes = int(m.group(1)) * _UNIT_MINUTES[m.group(2)]
    if not 5 <= minutes <= 7 * 1440:
        raise UsageError(f"--every {text!r} is out of range", "use between 5m and 7d")
    return minutes


@dataclass(frozen=True)
class Plan:
    """A scheduled sync: every `minutes`, with `--push` or not, for the config at `config_path`."""

    minutes: int
    push: bool
    config_path: Path
    env: tuple[tuple[str, str], ...] = ()  # settings given by environment, carried into the run

    @property
    def tag(self) -> str:
        """Marks what this config installed, so it is found again (one schedule per config)."""
        digest = hashlib.sha256(str(self.config_path).encode()).hexdigest()[:8]
        return f"music-minion-{digest}"

    def argv(self) -> list[str]:
        """The command a scheduled run executes: a sync that waits for a running one."""
        args = [sys.executable, "-m", "music_minion", "--config", str(self.config_path), "sync"]
        return [*args, "--wait", *(["--push"] if self.push else [])]

    def command(self) -> str:
        return shlex.join(self.argv())


def tag_for(config_path: Path) -> str:
    """The tag of the schedule of a config, whatever its interval."""
    return Plan(0, False, config_path).tag


def carried_env(environ: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The environment a scheduled run needs to see what this one sees (never a secret)."""
    return tuple((k, environ[k]) for k in ("MUSIC_MINION_DATA_DIR",) if environ.get(k))
