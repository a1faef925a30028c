"""The crontab backend: one marked line per config, in the user's crontab (or a crontab file)."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

from music_minion.automation.plan import Plan
from music_minion.errors import MinionError, UsageError
from music_minion.files import write_atomic


def expression(plan: Plan) -> str:
    """The five cron fields of `plan`'s interval (a fixed minute from its tag spreads homes)."""
    m = plan.minutes
    minute = zlib.crc32(plan.tag.encode()) % 60
    if m < 60 and 60 % m == 0:
        return f"*/{m} * * * *"
    if m % 60 == 0 and 24 % (m // 60) == 0:
        hours = m // 60
        return f"{minute} {'*' if hours == 1 else f'*/{hours}'} * * *"
    if m == 1440:
        return f"{minute} 4 * * *"
    if m == 7 * 1440:
        return f"{minute} 4 * * 0"
    raise UsageError(
        f"cron cannot run every {m} minutes evenly",
        "use an interval that divides an hour or a day (e.g. 15m, 2h, 6h, 1d) or 7d",
    )


def line(plan: Plan) -> str:
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in plan.env)
    return f"{expression(plan)} {env + ' ' if env else ''}{plan.command()} # {plan.tag} every {plan.minutes}m"


@dataclass(frozen=True)
class CronTab:
    """A crontab: the user's (through `crontab`), or a file when one is given."""

    file: Path | None = None

    @property
    def where(self) -> str:
        return str(self.file) if self.file else "the user crontab (crontab -l)"

    @staticmethod
    def available() -> bool:
        return shutil.which("crontab") is not None

    def read(self) -> str:
        if self.file is not None:
            return self.file.read_text("utf-8") if self.file.exists() else ""
        p = subprocess.run(["crontab", "-l"], capture_output=True, text=True, check=False)
        return p.stdout if p.returncode == 0 else ""  # "no crontab for user" is empty

    def write(self, text: str) -> None:
        if self.file is not None:
            write_atomic(self.file, text)
            return
        p = subprocess.run(
            ["crontab", "-"], input=text, capture_output=True, text=True, check=False
        )
        if p.returncode != 0:
            raise MinionError(
                "crontab refused the new table", p.stderr.strip()[:200] or "see its output"
            )

    def find(self, tag: str) -> str | None:
        """The marked line of `tag`, if installed."""
        return next((ln for ln in self.read().splitlines() if _is_ours(ln, tag)), None)

    def install(self, plan: Plan) -> tuple[str, bool]:
        """Write `plan`'s line in place of any earlier one; returns (line, changed)."""
        new = line(plan)
        kept = [ln for ln in self.read().splitlines() if not _is_ours(ln, plan.tag)]
        if self.find(plan.tag) == new:
            return new, False
        self.write("\n".join([*kept, new]) + "\n")
        return new, True

    def remove(self, tag: str) -> str | None:
        """Take out the marked line; returns it (None when there was none)."""
        old = self.find(tag)
        if old is not None:
            kept = [ln for ln in self.read().splitlines() if not _is_ours(ln, tag)]
            self.write("\n".join(kept) + "\n" if kept else "")
        return old


def _is_ours(ln: str, tag: str) -> bool:
    """Whether a crontab line is the one marked with `tag`."""
    return f" # {tag} every " in ln
