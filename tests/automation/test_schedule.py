"""`schedule install|status|remove` against a real crontab file and units written to a folder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from music_minion.automation.plan import Plan
from music_minion.automation.systemd import Units


def test_install_writes_one_marked_line_idempotently_and_remove_takes_only_it(home, mm) -> None:
    crontab = home / "crontab"
    crontab.write_text("MAILTO=me@example.org\n17 3 * * * backup-my-things\n")
    first = mm("schedule", "install", "--every", "2h", "--push")
    assert first.code == 0, first.err
    assert "wrote in" in first.out and str(crontab) in first.out
    lines = crontab.read_text().splitlines()
    ours = [ln for ln in lines if "music_minion" in ln]
    assert len(ours) == 1 and lines[:2] == ["MAILTO=me@example.org", "17 3 * * * backup-my-things"]
    fields = ours[0].split()
    assert fields[1] == "*/2" and "sync --wait --push" in ours[0]
    assert ours[0] in first.out  # prints exactly what it wrote

    again = mm("schedule", "install", "--every", "2h", "--push", "--json").json()
    assert again["changed"] is False and crontab.read_text().splitlines() == lines

    mm("schedule", "install", "--every", "30m")
    ours = [ln for ln in crontab.read_text().splitlines() if "music_minion" in ln]
    assert len(ours) == 1 and ours[0].startswith("*/30 * * * * ") and "--push" not in ours[0]

    st = mm("schedule", "status", "--json").json()
    assert st["installed"] and st["backend"] == "cron" and st["every_minutes"] == 30

    gone = mm("schedule", "remove", "--json").json()
    assert gone["removed"] == [str(crontab)]
    assert crontab.read_text().splitlines() == lines[:2]
    assert mm("schedule", "status", "--json").json() == {"installed": False}
    assert "nothing installed" in mm("schedule", "remove").out


def test_the_scheduled_command_carries_the_config_and_data_dir(home, mm) -> None:
    mm("schedule", "install")
    line = (home / "crontab").read_text().strip()
    assert f"--config {home / 'config' / 'config.toml'}" in line
    assert f"MUSIC_MINION_DATA_DIR={home / 'data'}" in line


@pytest.mark.parametrize(
    ("every", "message"),
    [("soon", "is not a duration"), ("2m", "out of range"), ("5h", "cron cannot run every 300")],
)
def test_bad_intervals_get_one_line(mm, every: str, message: str) -> None:
    r = mm("schedule", "install", "--every", every)
    assert r.code != 0 and message in r.err and len(r.err.strip().splitlines()) == 1


def test_refuses_clearly_without_any_scheduler(home, mm, monkeypatch) -> None:
    monkeypatch.delenv("MUSIC_MINION_CRONTAB")
    monkeypatch.setenv("PATH", str(home / "empty-path"))
    r = mm("schedule", "install")
    assert r.code == 1 and "no scheduler found" in r.err
    assert len(r.err.strip().splitlines()) == 1


def test_systemd_units_are_written_idempotently_and_verify(home: Path) -> None:
    plan = Plan(360, True, home / "config" / "config.toml")
    units = Units(home / "units")
    paths, changed = units.write(plan)
    assert changed and [p.suffix for p in paths] == [".service", ".timer"]
    assert units.write(plan)[1] is False
    service, timer = (p.read_text() for p in paths)
    assert "ExecStart=" in service and "sync --wait --push" in service
    assert "OnUnitActiveSec=360min" in timer and "WantedBy=timers.target" in timer
    assert units.find(plan.tag) == paths[1]
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    runtime = home / "run"
    runtime.mkdir(mode=0o700)
    p = subprocess.run(
        ["systemd-analyze", "verify", "--user", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin", "XDG_RUNTIME_DIR": str(runtime)},
    )
    if "Failed to initialize manager" in p.stderr:
        pytest.skip("systemd-analyze cannot start a user manager here")
    assert p.returncode == 0, p.stderr
    assert units.delete(plan.tag) == paths and units.find(plan.tag) is None
