"""Config: defaults, file values, env overrides, `config` commands and every kind of bad input."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from music_minion import config
from music_minion.errors import ConfigError, MinionError


def cfg_file(home: Path) -> Path:
    return Path(os.environ["MUSIC_MINION_CONFIG"])


def test_defaults_without_a_file(home):
    cfg = config.load()
    assert cfg.soundcloud.max_concurrency == 8
    assert cfg.playlist.sharing == "private"
    assert cfg.data_dir == home / "data"  # MUSIC_MINION_DATA_DIR from the fixture


def test_every_key_other_parts_rely_on_exists():
    for key in [
        "soundcloud.api_base",
        "soundcloud.auth_base",
        "soundcloud.client_id",
        "soundcloud.client_secret",
        "soundcloud.redirect_uri",
        "soundcloud.max_concurrency",
        "soundcloud.requests_per_second",
        "soundcloud.max_retries",
        "soundcloud.timeout_s",
        "playlist.title",
        "playlist.size",
        "playlist.sharing",
        "library.paths",
        "paths.data_dir",
    ]:
        assert key in config.SETTINGS


def test_file_values_env_overrides_and_cache(home, monkeypatch):
    path = cfg_file(home)
    path.parent.mkdir(parents=True)
    path.write_text('[soundcloud]\nclient_id = "from-file"\nmax_concurrency = 3\n')
    cfg = config.load()
    assert cfg.soundcloud.client_id == "from-file"
    assert cfg.soundcloud.max_concurrency == 3
    assert config.load() is cfg  # cached per process
    monkeypatch.setenv("SOUNDCLOUD_CLIENT_ID", "from-env")
    monkeypatch.setenv("SOUNDCLOUD_CLIENT_SECRET", "s3cret-from-env")
    cfg = config.load()  # a changed environment is a new effective config
    assert cfg.soundcloud.client_id == "from-env"
    assert cfg.get("soundcloud.client_id") == "from-env"
    assert dict(cfg.items())["soundcloud.client_secret"] == "***"


def test_int_accepted_for_float_but_bool_not_for_int(home):
    path = cfg_file(home)
    path.parent.mkdir(parents=True)
    path.write_text("[soundcloud]\nrequests_per_second = 5\n")
    assert config.load().get("soundcloud.requests_per_second") == 5.0
    path.write_text("[soundcloud]\nmax_concurrency = true\n")
    config.set_config_path(None)
    with pytest.raises(ConfigError, match="must be an integer"):
        config.load()


def test_init_writes_commented_defaults_and_refuses_to_overwrite(mm, home):
    r = mm("init")
    assert r.code == 0, r.err
    text = cfg_file(home).read_text()
    assert "# Request-rate limit" in text and "[playlist]" in text
    assert config.load(cfg_file(home)).get("playlist.size") == 100  # the written file loads cleanly
    assert (home / "data" / "music-minion.db").exists()
    cfg_file(home).write_text("# mine\n[playlist]\nsize = 7\n")
    r = mm("init")
    assert r.code == 1 and r.err.startswith("error: config") and "--force" in r.err
    assert cfg_file(home).read_text() == "# mine\n[playlist]\nsize = 7\n"
    assert mm("init", "--force").code == 0
    assert "size = 100" in cfg_file(home).read_text()


def test_config_set_keeps_comments_and_layout(mm, home):
    path = cfg_file(home)
    path.parent.mkdir(parents=True)
    original = (
        '# my settings\n\n[playlist]\n# how many\nsize = 50   # inline note\ntitle = "Mine"\n'
    )
    path.write_text(original)
    r = mm("config", "set", "playlist.size", "200")
    assert r.code == 0, r.err
    text = path.read_text()
    assert "# my settings" in text and "# how many" in text and "# inline note" in text
    assert "size = 200" in text and 'title = "Mine"' in text
    r = mm("config", "get", "playlist.size", "--json")
    assert r.json() == {"key": "playlist.size", "value": 200}
    assert mm("config", "set", "library.paths", '["/a", "/b"]').code == 0
    assert mm("config", "get", "library.paths", "--json").json()["value"] == ["/a", "/b"]
    assert mm("config", "set", "library.paths", "/x,/y").code == 0
    assert mm("--json", "config", "get", "library.paths").json()["value"] == ["/x", "/y"]


def test_config_set_wrong_type_unknown_key_bad_choice(mm, home):
    path = cfg_file(home)
    path.parent.mkdir(parents=True)
    path.write_text("[soundcloud]\nmax_concurrency = 4\n")
    before = path.read_bytes()
    r = mm("config", "set", "soundcloud.max_concurrency", "lots")
    assert r.code == 1
    assert r.err.strip().count("\n") == 0
    assert "soundcloud.max_concurrency must be an integer" in r.err
    r = mm("config", "set", "soundcloud.nope", "1")
    assert r.code == 1 and "unknown config key 'soundcloud.nope'" in r.err
    r = mm("config", "set", "playlist.sharing", "friends")
    assert r.code == 1 and "one of private, public" in r.err
    r = mm("config", "set", "soundcloud.max_concurrency", "0")
    assert r.code == 1 and "at least 1" in r.err
    assert path.read_bytes() == before


def test_broken_toml_reports_line_and_column(mm, home):
    path = cfg_file(home)
    path.parent.mkdir(parents=True)
    path.write_text('[soundcloud]\nclient_id = "ok"\nmax_concurrency = = 3\n')
    before = path.read_bytes()
    r = mm("config", "show")
    assert r.code == 1
    assert "not valid TOML" in r.err and "line 3" in r.err and "column" in r.err
    assert "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1
    assert mm("config", "set", "playlist.size", "3").code == 1
    assert path.read_bytes() == before


def test_unknown_key_and_section_in_file(mm, home):
    path = cfg_file(home)
    path.parent.mkdir(parents=True)
    path.write_text("[soundcloud]\nmax_concurency = 3\n")
    r = mm("config", "show")
    assert r.code == 1 and "unknown config key 'soundcloud.max_concurency'" in r.err
    path.write_text("[sondcloud]\n")
    r = mm("config", "show")
    assert r.code == 1 and "unknown section [sondcloud]" in r.err


def test_unreadable_config(mm, home, monkeypatch):
    path = cfg_file(home)
    path.parent.mkdir(parents=True)
    path.write_text("[playlist]\nsize = 3\n")
    path.chmod(0)
    real_read = Path.read_bytes

    def read_bytes(self):  # root ignores file modes, so refuse the read the way the OS would
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    r = mm("config", "show")
    assert r.code == 1 and "cannot read config" in r.err


def test_config_path_is_a_directory(mm, home):
    cfg_file(home).mkdir(parents=True)
    r = mm("config", "show")
    assert r.code == 1 and "is a directory" in r.err


def test_config_show_masks_secret(mm, home, monkeypatch):
    monkeypatch.setenv("SOUNDCLOUD_CLIENT_SECRET", "very-secret-value-123")
    for args in (
        ["config", "show"],
        ["config", "show", "--json"],
        ["config", "get", "soundcloud.client_secret"],
    ):
        r = mm(*args)
        assert r.code == 0
        assert "very-secret-value-123" not in r.out + r.err
    assert mm("config", "show", "--json").json()["settings"]["soundcloud.client_secret"] == "***"


def test_config_path_command_and_flag(mm, home, tmp_path):
    assert mm("config", "path").out.strip() == str(cfg_file(home))
    other = tmp_path / "other.toml"
    assert mm("--config", str(other), "config", "path").out.strip() == str(other)


def test_set_value_write_failure_leaves_file_intact(home, monkeypatch):
    path = cfg_file(home)
    path.parent.mkdir(parents=True)
    path.write_text("[playlist]\nsize = 3\n")

    def full_disk(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(MinionError, match="No space left"):
        config.set_value("playlist.size", "9")
    assert path.read_text() == "[playlist]\nsize = 3\n"
    assert not path.with_name(path.name + ".tmp").exists()
    assert not stat.S_ISDIR(path.stat().st_mode)


def test_set_values_writes_all_keys_or_none(home):
    path = cfg_file(home)
    path.parent.mkdir(parents=True)
    path.write_text("# mine\n[playlist]\nsize = 3  # small\n")
    with pytest.raises(ConfigError):
        config.set_values({"soundcloud.api_base": "http://127.0.0.1:9", "playlist.size": "many"})
    assert path.read_text() == "# mine\n[playlist]\nsize = 3  # small\n"
    values = config.set_values({"soundcloud.api_base": "http://127.0.0.1:9", "playlist.size": "7"})
    assert values == {"soundcloud.api_base": "http://127.0.0.1:9", "playlist.size": 7}
    text = path.read_text()
    assert "# mine" in text and "size = 7  # small" in text
    assert config.load().soundcloud.api_base == "http://127.0.0.1:9"
