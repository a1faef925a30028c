"""A config file named by `--config` must exist (a typo never runs silently on defaults); `init` and
`config set` create it; the default location and `MUSIC_MINION_CONFIG` may be absent."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.mark.parametrize(
    "args", [("config", "show"), ("sync",), ("feed",), ("artists", "list"), ("status",)]
)
def test_a_missing_config_named_on_the_command_line_is_one_line_exit_2(mm, tmp_path, args):
    missing = tmp_path / "missing.toml"
    r = mm("--config", missing, *args)
    assert r.code == 2 and r.out == ""
    assert r.err.splitlines() == [
        f"error: config file {missing} does not exist — create it with "
        f"`music-minion --config {missing} init`, or leave out --config"
    ]
    assert not missing.exists()


def test_init_and_config_set_create_the_named_file(mm, tmp_path: Path):
    made = tmp_path / "made.toml"
    assert mm("--config", made, "init").code == 0 and made.exists()
    assert mm("--config", made, "config", "get", "playlist.size").code == 0
    setting = tmp_path / "set.toml"
    r = mm("--config", setting, "config", "set", "playlist.size", "120")
    assert r.code == 0, r.err
    assert (
        "size = 120" in setting.read_text() and mm("--config", setting, "config", "show").code == 0
    )


def test_a_config_from_the_environment_may_be_absent(mm, home: Path):
    from music_minion import config

    assert not config.config_path().exists()  # the fixture's MUSIC_MINION_CONFIG names no file yet
    r = mm("config", "get", "playlist.size", "--json")
    assert r.code == 0 and isinstance(r.json()["value"], int)


def test_config_path_names_a_missing_file_without_failing(mm, tmp_path: Path):
    missing = tmp_path / "missing.toml"
    r = mm("--config", missing, "config", "path")
    assert r.code == 0 and r.out.strip() == str(missing) and not missing.exists()
