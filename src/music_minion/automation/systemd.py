"""The systemd backend: a user service (one sync, waiting for a running one) and its timer."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from music_minion.automation.plan import Plan
from music_minion.errors import MinionError
from music_minion.files import write_atomic

HEADER = (
    "# Written by `music-minion schedule install`; `music-minion schedule remove` deletes it.\n"
)


def units_dir() -> Path:
    """Where systemd looks for this user's units."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def service_text(plan: Plan) -> str:
    env = "".join(f"Environment={shlex.quote(f'{k}={v}')}\n" for k, v in plan.env)
    return (
        f"{HEADER}[Unit]\nDescription=Music Minion sync ({plan.tag})\n"
        "After=network-online.target\n\n"
        f"[Service]\nType=oneshot\n{env}ExecStart={plan.command()}\n"
    )


def timer_text(plan: Plan) -> str:
    return (
        f"{HEADER}[Unit]\nDescription=Music Minion sync every {plan.minutes} minutes ({plan.tag})\n\n"
        f"[Timer]\nOnBootSec=5min\nOnUnitActiveSec={plan.minutes}min\nRandomizedDelaySec=60\n\n"
        "[Install]\nWantedBy=timers.target\n"
    )


@dataclass(frozen=True)
class Units:
    """The service and timer files of one config's schedule in a units folder."""

    folder: Path

    @staticmethod
    def available() -> bool:
        """Whether a systemd user manager answers (not just whether systemctl exists)."""
        if shutil.which("systemctl") is None:
            return False
        p = subprocess.run(
            ["systemctl", "--user", "show-environment"], capture_output=True, check=False
        )
        return p.returncode == 0

    def paths(self, tag: str) -> tuple[Path, Path]:
        return self.folder / f"{tag}.service", self.folder / f"{tag}.timer"

    def write(self, plan: Plan) -> tuple[list[Path], bool]:
        """Write both units; returns their paths and whether anything changed."""
        changed = False
        paths = self.paths(plan.tag)
        for path, text in zip(paths, (service_text(plan), timer_text(plan)), strict=True):
            if not path.exists() or path.read_text("utf-8") != text:
                write_atomic(path, text)
                changed = True
        return list(paths), changed

    def find(self, tag: str) -> Path | None:
        timer = self.paths(tag)[1]
        return timer if timer.exists() else None

    def delete(self, tag: str) -> list[Path]:
        gone = [p for p in self.paths(tag) if p.exists()]
        for p in gone:
            p.unlink()
        return gone


def systemctl(*args: str) -> None:
    """Run `systemctl --user ARGS`; one clear line when it fails."""
    p = subprocess.run(["systemctl", "--user", *args], capture_output=True, text=True, check=False)
    if p.returncode != 0:
        raise MinionError(
            f"systemctl --user {' '.join(args)} failed", p.stderr.strip()[:200] or "see its output"
        )
