"""The config file: where it is, loading it into typed settings (cached), and editing one key.

The file lives in the platform's user config dir (platformdirs), overridden by `--config` or
`MUSIC_MINION_CONFIG`. Unknown keys and wrongly typed values are ConfigErrors with one line;
environment overrides (`SOUNDCLOUD_CLIENT_ID`, `MUSIC_MINION_DATA_DIR`, …) win over the file.
`set_value`/`set_values` edit the file with tomlkit so the user's comments and layout survive.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec

from music_minion.config.keys import (
    SECTION_DOCS,
    SETTINGS,
    check_together,
    check_value,
    parse_value,
    setting,
)
from music_minion.config.schema import (
    CuratorSettings,
    DiscoverySettings,
    JudgmentSettings,
    LibrarySettings,
    PathSettings,
    PlaylistSettings,
    RankingSettings,
    ReviewSettings,
    Settings,
    SoundCloudSettings,
)
from music_minion.errors import ConfigError, UsageError
from music_minion.files import write_atomic

APP_NAME = "music-minion"
ENV_CONFIG = "MUSIC_MINION_CONFIG"

_override_path: Path | None = None
_override_must_exist = False
_cache: dict[tuple[Path, tuple[str | None, ...]], Config] = {}


class Config:
    """The effective settings of one config file: `cfg.soundcloud.api_base`, typed per section."""

    def __init__(
        self, path: Path, settings: Settings, origins: dict[str, str] | None = None
    ) -> None:
        self.path = path
        self.settings = settings
        self.origins = origins or {}  # key -> "file" or "env"; the rest are defaults
        self.soundcloud: SoundCloudSettings = settings.soundcloud
        self.discovery: DiscoverySettings = settings.discovery
        self.judgments: JudgmentSettings = settings.judgments
        self.ranking: RankingSettings = settings.ranking
        self.playlist: PlaylistSettings = settings.playlist
        self.library: LibrarySettings = settings.library
        self.curators: CuratorSettings = settings.curators
        self.paths: PathSettings = settings.paths
        self.review: ReviewSettings = settings.review

    def get(self, key: str) -> Any:
        """One setting by its dot path (`config get`)."""
        s = setting(key)
        return getattr(getattr(self.settings, s.section), s.name)

    __getitem__ = get

    @property
    def data_dir(self) -> Path:
        """The data folder: configured, or the platform's user data dir."""
        if self.paths.data_dir:
            return Path(self.paths.data_dir).expanduser()
        from platformdirs import user_data_path

        return user_data_path(APP_NAME, appauthor=False)

    def items(self, *, mask_secrets: bool = True) -> list[tuple[str, Any]]:
        """Every key with its effective value; secrets shown as `***` when set."""
        out = []
        for key, s in SETTINGS.items():
            value = self.get(key)
            out.append((key, "***" if s.secret and mask_secrets and value else value))
        return out


def set_config_path(path: str | Path | None, *, must_exist: bool = False) -> None:
    """Use this config file for the rest of the process (the CLI's `--config`). With `must_exist`
    (a path typed on the command line), loading a missing file is a usage error, not defaults."""
    global _override_path, _override_must_exist
    _override_path = Path(path).expanduser() if path else None
    _override_must_exist = must_exist and _override_path is not None
    _cache.clear()


def config_path() -> Path:
    """Where the config file is: `--config`, else `$MUSIC_MINION_CONFIG`, else the platform dir."""
    if _override_path is not None:
        return _override_path
    env = os.environ.get(ENV_CONFIG)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / "config.toml"


def _env_overrides() -> dict[str, str]:
    return {s.key: os.environ[s.env] for s in SETTINGS.values() if s.env and os.environ.get(s.env)}


def load(path: Path | None = None, *, missing_ok: bool = False) -> Config:
    """Load and validate the config (cached per file and environment). No file: all defaults,
    unless it was named by `--config` (then a UsageError; `missing_ok` for what creates it)."""
    path = path or config_path()
    if _override_must_exist and path == _override_path and not missing_ok and not path.exists():
        raise UsageError(
            f"config file {path} does not exist",
            f"create it with `music-minion --config {path} init`, or leave out --config",
        )
    env = _env_overrides()
    key = (path, tuple(env.get(k) for k in sorted(SETTINGS)))
    cached = _cache.get(key)
    if cached is not None:
        return cached
    from_file = _validate(_read(path), path)
    values = {**from_file, **env}
    check_together(values)
    origins = {**dict.fromkeys(from_file, "file"), **dict.fromkeys(env, "env")}
    sections: dict[str, dict[str, Any]] = {name: {} for name in SECTION_DOCS}
    for k, v in values.items():
        section, name = k.split(".", 1)
        sections[section][name] = v
    cfg = Config(path, msgspec.convert(sections, Settings), origins)
    _cache[key] = cfg
    return cfg


def _read(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except IsADirectoryError:
        raise ConfigError(
            f"config path {path} is a directory", "point --config at a file"
        ) from None
    except OSError as e:
        raise ConfigError(
            f"cannot read config {path}: {e.strerror}", "check the file's permissions"
        ) from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"config {path} is not UTF-8 text", "fix or remove the file") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(
            f"config {path} is not valid TOML: {e}", "fix the file at that line"
        ) from None


def _validate(data: dict[str, Any], path: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for section, body in data.items():
        if section not in SECTION_DOCS:
            raise ConfigError(
                f"unknown section [{section}] in {path}",
                f"known sections: {', '.join(SECTION_DOCS)}",
            )
        if not isinstance(body, dict):
            raise ConfigError(
                f"[{section}] in {path} must be a table", "write it as a [section] header"
            )
        for name, value in body.items():
            key = f"{section}.{name}"
            if key not in SETTINGS:
                raise ConfigError(
                    f"unknown config key {key!r} in {path}",
                    "remove it or check its spelling (`music-minion config show` lists the keys)",
                )
            values[key] = check_value(SETTINGS[key], value)
    return values


def set_value(key: str, raw: str, path: Path | None = None) -> Any:
    """Set `key` in the config file, keeping the user's comments and layout. Returns the value."""
    return set_values({key: raw}, path)[key]


def set_values(raws: Mapping[str, str], path: Path | None = None) -> dict[str, Any]:
    """Set several keys in one write (all or none), keeping the user's other keys, comments and
    layout. Returns the parsed values by key."""
    import tomlkit

    path = path or config_path()
    values = {key: parse_value(key, raw) for key, raw in raws.items()}
    current = load(path, missing_ok=True)  # refuse to edit a file that is already broken
    check_together({**dict(current.items(mask_secrets=False)), **values})
    doc = tomlkit.parse(path.read_text("utf-8")) if path.exists() else tomlkit.document()
    for key, value in values.items():
        s = SETTINGS[key]
        if s.section not in doc:
            doc[s.section] = tomlkit.table()
        doc[s.section][s.name] = value
    write_atomic(path, tomlkit.dumps(doc))
    _cache.clear()
    return values


def default_toml() -> str:
    """A commented config holding every key at its default (written by `init`)."""
    import tomlkit

    lines = ["# Music Minion configuration. Every key is shown at its default.", ""]
    for section, doc in SECTION_DOCS.items():
        lines += [f"# {doc}", f"[{section}]"]
        for s in SETTINGS.values():
            if s.section == section:
                lines += [f"# {s.doc}", f"{s.name} = {tomlkit.item(s.default).as_string()}"]
        lines.append("")
    return "\n".join(lines)
