"""`config set` runs the checks every command relies on: members, ranges, URL shape, rules between
keys. A refused value is one line, exit 1, and the file is left exactly as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from music_minion import config
from music_minion.errors import ConfigError


def cfg_file() -> Path:
    return Path(os.environ["MUSIC_MINION_CONFIG"])


@pytest.mark.parametrize(
    "key,value,words",
    [
        ("discovery.sources", "likes,foo", "must be one of likes, reposts, uploads, got 'foo'"),
        ("discovery.sources", "likes,likes", "names a value twice"),
        ("playlist.size", "1000", "must be at most 500"),
        ("soundcloud.page_size", "500", "must be at most 200"),
        ("library.match_auto", "50", "library.match_auto (50) is below library.match_review (80)"),
        ("library.match_review", "101", "must be at most 100"),
        ("discovery.min_interval_hours", "500", "is above discovery.max_interval_hours (168)"),
        ("soundcloud.api_base", "notaurl", "must be an http(s) URL, got 'notaurl'"),
        ("soundcloud.auth_base", "ftp://x.example", "must be an http(s) URL"),
        ("soundcloud.redirect_uri", "http://", "must be an http(s) URL"),
        ("ranking.ignored_weight", "2", "must be at most 1"),
    ],
)
def test_config_set_refuses_what_would_break_a_command(mm, home, key, value, words):
    cfg_file().parent.mkdir(parents=True, exist_ok=True)
    cfg_file().write_text("# mine\n[playlist]\nsize = 7\n")
    r = mm("config", "set", key, value)
    assert r.code == 1 and r.err.count("\n") == 1 and r.err.startswith("error: ")
    assert words in r.err
    assert cfg_file().read_text() == "# mine\n[playlist]\nsize = 7\n"


def test_good_values_and_rules_that_hold_together_are_kept(mm, home):
    assert mm("config", "set", "library.match_review", "60").code == 0
    assert mm("config", "set", "library.match_auto", "70").code == 0  # 70 ≥ 60 now
    assert mm("config", "set", "discovery.sources", "reposts,uploads").code == 0
    assert mm("config", "set", "soundcloud.api_base", "http://127.0.0.1:9/").code == 0
    cfg = config.load()
    assert (cfg.library.match_auto, cfg.library.match_review) == (70.0, 60.0)
    assert cfg.discovery.sources == ["reposts", "uploads"]


def test_a_file_that_breaks_a_rule_is_refused_on_load(home):
    cfg_file().parent.mkdir(parents=True, exist_ok=True)
    cfg_file().write_text("[library]\nmatch_auto = 50.0\n")
    with pytest.raises(ConfigError, match="is below library.match_review"):
        config.load()
    cfg_file().write_text('[soundcloud]\napi_base = "api.soundcloud.com"\n')
    config.set_config_path(None)
    with pytest.raises(ConfigError, match="must be an http"):
        config.load()
