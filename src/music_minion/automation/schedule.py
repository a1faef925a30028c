"""Install, find and remove the schedule of a config: a systemd user timer where a user manager
answers, else a crontab line. `MUSIC_MINION_CRONTAB` names a crontab file to use instead of the
user's crontab (and chooses cron)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from music_minion.automation.cron import CronTab
from music_minion.automation.plan import Plan, tag_for
from music_minion.automation.systemd import Units, systemctl, units_dir
from music_minion.errors import MinionError

ENV_CRONTAB = "MUSIC_MINION_CRONTAB"


def _crontab() -> CronTab | None:
    file = os.environ.get(ENV_CRONTAB)
    if file:
        return CronTab(Path(file))
    return CronTab() if CronTab.available() else None


def backend() -> str:
    """`systemd` or `cron`; one clear line when neither is there."""
    if not os.environ.get(ENV_CRONTAB) and Units.available():
        return "systemd"
    if _crontab() is not None:
        return "cron"
    raise MinionError(
        "no scheduler found: neither a systemd user manager nor crontab is available",
        "install cron, or run `music-minion sync --wait --push` from your own scheduler",
    )


def install(plan: Plan) -> dict[str, Any]:
    """Write the schedule (replacing this config's earlier one); says what and where."""
    if backend() == "systemd":
        paths, changed = Units(units_dir()).write(plan)
        systemctl("daemon-reload")
        systemctl("enable", "--now", paths[1].name)
        return {"backend": "systemd", "where": [str(p) for p in paths], "changed": changed,
                "wrote": [p.read_text("utf-8") for p in paths]}  # fmt: skip
    cron = _crontab()
    assert cron is not None  # backend() checked
    wrote, changed = cron.install(plan)
    return {"backend": "cron", "where": [cron.where], "changed": changed, "wrote": [wrote]}


def status(config_path: Path) -> dict[str, Any]:
    """Whether this config's schedule is installed, where, and how often it runs."""
    tag = tag_for(config_path)
    timer = Units(units_dir()).find(tag)
    if timer is not None:
        return {"installed": True, "backend": "systemd", "where": str(timer),
                "every_minutes": _minutes(timer.read_text("utf-8"), "OnUnitActiveSec=", "min")}  # fmt: skip
    cron = _crontab()
    found = cron.find(tag) if cron is not None else None
    if cron is not None and found is not None:
        return {"installed": True, "backend": "cron", "where": cron.where,
                "every_minutes": _minutes(found, " every ", "m"), "line": found}  # fmt: skip
    return {"installed": False}


def remove(config_path: Path) -> dict[str, Any]:
    """Take this config's schedule out of wherever it is; says what was removed."""
    tag = tag_for(config_path)
    removed: list[str] = []
    units = Units(units_dir())
    if units.find(tag) is not None:
        if Units.available():
            systemctl("disable", "--now", f"{tag}.timer")
        removed += [str(p) for p in units.delete(tag)]
    cron = _crontab()
    if cron is not None and cron.remove(tag) is not None:
        removed.append(cron.where)
    return {"removed": removed}


def _minutes(text: str, before: str, after: str) -> int | None:
    """The interval written after `before` and ending in `after` (e.g. "every 360m")."""
    start = text.rfind(before)
    if start < 0:
        return None
    value = text[start + len(before) :].split(after, 1)[0].strip()
    return int(value) if value.isdigit() else None
