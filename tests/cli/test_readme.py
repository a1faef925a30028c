"""The README tells the truth: the quick start, every command and every config key."""

from __future__ import annotations

import re
from pathlib import Path

from music_minion.cli.main import COMMANDS
from music_minion.config import SECTION_DOCS, SETTINGS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")


def test_quick_start_is_the_two_make_commands():
    assert "make demo" in README and "make test" in README


def test_every_command_group_is_documented():
    for name in COMMANDS:
        assert re.search(rf"music-minion {re.escape(name)}\b", README), (
            f"`{name}` missing from the README"
        )


def test_every_config_key_is_documented_in_its_section():
    for section in SECTION_DOCS:
        start = README.index(f"**[{section}]**")
        end = README.find("**[", start + 1)
        block = README[start : end if end != -1 else None]
        for setting in SETTINGS.values():
            if setting.section == section:
                assert f"| `{setting.name}` |" in block, (
                    f"{setting.key} missing from the README's [{section}] table"
                )
