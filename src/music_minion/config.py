"""TOML configuration: typed settings with defaults, env overrides, dot-path get/set, cached load.

The file lives in the platform's user config dir (platformdirs), overridden by `--config` or
`MUSIC_MINION_CONFIG`. Every key the program knows is declared once in `SETTINGS`; unknown keys and
wrongly typed values are user errors. `config set` edits the file with tomlkit so the user's comments
and layout survive.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from music_minion.errors import UserError

APP_NAME = "music-minion"
ENV_CONFIG = "MUSIC_MINION_CONFIG"
ENV_DATA_DIR = "MUSIC_MINION_DATA_DIR"


@dataclass(frozen=True)
class Setting:
    """One config key: its type, default, help text and validation."""

    key: str
    type: type
    default: Any
    doc: str
    secret: bool = False
    env: str | None = None
    choices: tuple[str, ...] | None = None
    minimum: float | None = None

    @property
    def section(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.key.split(".", 1)[1]


def _s(key: str, type_: type, default: Any, doc: str, **kw: Any) -> Setting:
    return Setting(key, type_, default, doc, **kw)


SECTION_DOCS = {
    "soundcloud": "SoundCloud API and OAuth: hosts, app credentials, limits",
    "discovery": "Watching artists: which sources, how often, how deep",
    "judgments": "Where judgments are learned from",
    "ranking": "How the feed is scored",
    "playlist": "The discovery playlist pushed to SoundCloud",
    "library": "Local audio files and matching them to SoundCloud tracks",
    "paths": "Where data lives",
}

SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in [
        # soundcloud
        _s("soundcloud.api_base", str, "https://api.soundcloud.com", "API base URL"),
        _s(
            "soundcloud.auth_base",
            str,
            "https://secure.soundcloud.com",
            "OAuth base URL (authorize, token, sign-out)",
        ),
        _s(
            "soundcloud.client_id",
            str,
            "",
            "Your app's client id (env SOUNDCLOUD_CLIENT_ID)",
            env="SOUNDCLOUD_CLIENT_ID",
        ),
        _s(
            "soundcloud.client_secret",
            str,
            "",
            "Your app's client secret (env SOUNDCLOUD_CLIENT_SECRET)",
            secret=True,
            env="SOUNDCLOUD_CLIENT_SECRET",
        ),
        _s(
            "soundcloud.redirect_uri",
            str,
            "http://127.0.0.1:8765/callback",
            "Loopback redirect URI registered with your app",
        ),
        _s("soundcloud.max_concurrency", int, 8, "Requests in flight at once", minimum=1),
        _s(
            "soundcloud.requests_per_second",
            float,
            8.0,
            "Request-rate limit shared by the whole process",
            minimum=0.01,
        ),
        _s(
            "soundcloud.max_retries",
            int,
            6,
            "Retries of a transient or rate-limited request",
            minimum=0,
        ),
        _s("soundcloud.timeout_s", float, 30.0, "Per-request timeout in seconds", minimum=0.01),
        _s(
            "soundcloud.backoff_base_s",
            float,
            0.5,
            "First retry delay in seconds (doubles each retry, with jitter)",
            minimum=0,
        ),
        _s("soundcloud.backoff_max_s", float, 30.0, "Longest delay between two retries", minimum=0),
        _s(
            "soundcloud.rate_limit_wait_max_s",
            float,
            900.0,
            "Longest wait for a 429's reset_time",
            minimum=0,
        ),
        _s("soundcloud.page_size", int, 200, "Items per page (1..200)", minimum=1),
        _s(
            "soundcloud.login_timeout_s",
            float,
            300.0,
            "How long `auth login` waits for the browser",
            minimum=1,
        ),
        # discovery
        _s(
            "discovery.sources",
            list,
            ["likes", "reposts", "uploads"],
            "Which artist sources sync walks",
        ),
        _s(
            "discovery.min_interval_hours",
            float,
            6.0,
            "Check interval after new activity",
            minimum=0,
        ),
        _s(
            "discovery.max_interval_hours",
            float,
            168.0,
            "Longest check interval for a quiet artist",
            minimum=0,
        ),
        _s(
            "discovery.max_pages",
            int,
            5,
            "Page cap per (artist, source) in an incremental sync",
            minimum=1,
        ),
        _s(
            "discovery.full_max_pages",
            int,
            100,
            "Page cap per (artist, source) with --full",
            minimum=1,
        ),
        # judgments
        _s("judgments.learn_likes", bool, True, "My SoundCloud likes become `liked` judgments"),
        _s(
            "judgments.not_interested_playlist",
            str,
            "",
            "URN or URL of a playlist whose tracks are `not_interested`",
        ),
        _s(
            "judgments.not_quite_playlist",
            str,
            "",
            "URN or URL of a playlist whose tracks are `not_quite`",
        ),
        _s(
            "judgments.mirror_likes",
            bool,
            False,
            "Also like on SoundCloud what you judge `liked` here",
        ),
        # ranking
        _s("ranking.weight_repost", float, 1.0, "Weight of a repost", minimum=0),
        _s("ranking.weight_like", float, 0.8, "Weight of a like", minimum=0),
        _s("ranking.weight_upload", float, 0.6, "Weight of an upload", minimum=0),
        _s(
            "ranking.half_life_days",
            float,
            14.0,
            "Age (from first seen) at which support counts half",
            minimum=0.01,
        ),
        _s(
            "ranking.mix_minutes",
            float,
            10.0,
            "Tracks longer than this are mixes, ranked apart",
            minimum=0,
        ),
        _s(
            "ranking.per_artist_cap",
            int,
            3,
            "Most tracks one artist may put in a feed/playlist",
            minimum=1,
        ),
        _s(
            "ranking.max_ignored_pushes",
            int,
            2,
            "Drop a track pushed this many times without a judgment",
            minimum=1,
        ),
        _s(
            "ranking.hit_rate_prior",
            float,
            4.0,
            "Smoothing: pseudo-judgments a new artist starts with",
            minimum=0,
        ),
        _s(
            "ranking.position_hours",
            float,
            2.0,
            "Age added per newer item ahead of a track in an artist's list when first seen (a backfill is not news)",
            minimum=0,
        ),
        # playlist
        _s("playlist.title", str, "Music Minion Discoveries", "Title of the discovery playlist"),
        _s("playlist.size", int, 100, "Tracks pushed (SoundCloud's cap is 500)", minimum=1),
        _s(
            "playlist.sharing",
            str,
            "private",
            "Sharing of the discovery playlist",
            choices=("private", "public"),
        ),
        # library
        _s("library.paths", list, [], "Folders scanned by `library scan`"),
        _s(
            "library.match_auto",
            float,
            92.0,
            "Score (0-100) at or above which a file matches automatically",
            minimum=0,
        ),
        _s(
            "library.match_review",
            float,
            80.0,
            "Score at or above which a match goes to review",
            minimum=0,
        ),
        _s(
            "library.duration_tolerance_s",
            float,
            4.0,
            "Largest duration difference of a match",
            minimum=0,
        ),
        _s(
            "library.scan_workers",
            int,
            0,
            "Processes reading tags on a big scan (0: one per core, at most 4)",
            minimum=0,
        ),
        _s(
            "library.match_after_scan",
            bool,
            True,
            "Run `library match` after a scan that found new or changed files",
        ),
        # paths
        _s(
            "paths.data_dir",
            str,
            "",
            f"Data folder (empty: the platform's user data dir; env {ENV_DATA_DIR})",
        ),
    ]
}

_override_path: Path | None = None
_cache: dict[Path, Config] = {}


def set_config_path(path: str | Path | None) -> None:
    """Use this config file for the rest of the process (the CLI's `--config`)."""
    global _override_path
    _override_path = Path(path).expanduser() if path else None
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


class Config:
    """Validated settings; `get("section.key")` or `cfg["section.key"]`."""

    def __init__(self, path: Path, values: dict[str, Any]) -> None:
        self.path = path
        self._values = values

    def get(self, key: str) -> Any:
        if key not in SETTINGS:
            raise UserError(
                f"unknown config key {key!r}", "see `music-minion config show` for the keys"
            )
        setting = SETTINGS[key]
        if setting.env and os.environ.get(setting.env):
            return os.environ[setting.env]
        if key == "paths.data_dir" and os.environ.get(ENV_DATA_DIR):
            return os.environ[ENV_DATA_DIR]
        return self._values.get(key, setting.default)

    __getitem__ = get

    @property
    def data_dir(self) -> Path:
        """The data folder: configured, or the platform's user data dir."""
        configured = self.get("paths.data_dir")
        if configured:
            return Path(configured).expanduser()
        from platformdirs import user_data_path

        return user_data_path(APP_NAME, appauthor=False)

    def items(self, *, mask_secrets: bool = True) -> list[tuple[str, Any]]:
        """Every key with its effective value; secrets shown as `***` when set."""
        out = []
        for key, setting in SETTINGS.items():
            value = self.get(key)
            if setting.secret and mask_secrets and value:
                value = "***"
            out.append((key, value))
        return out


def load(path: Path | None = None) -> Config:
    """Load and validate the config (cached per process). A missing file means all defaults."""
    path = path or config_path()
    cached = _cache.get(path)
    if cached is not None:
        return cached
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        data: dict[str, Any] = {}
    except IsADirectoryError:
        raise UserError(f"config path {path} is a directory", "point --config at a file") from None
    except OSError as e:
        raise UserError(
            f"cannot read config {path}: {e.strerror}", "check the file's permissions"
        ) from None
    else:
        try:
            data = tomllib.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise UserError(f"config {path} is not UTF-8 text", "fix or remove the file") from None
        except tomllib.TOMLDecodeError as e:
            raise UserError(
                f"config {path} is not valid TOML: {e}", "fix the file at that line"
            ) from None
    cfg = Config(path, _validate(data, path))
    _cache[path] = cfg
    return cfg


def _validate(data: dict[str, Any], path: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for section, body in data.items():
        if section not in SECTION_DOCS:
            raise UserError(
                f"unknown section [{section}] in {path}",
                f"known sections: {', '.join(SECTION_DOCS)}",
            )
        if not isinstance(body, dict):
            raise UserError(
                f"[{section}] in {path} must be a table", "write it as a [section] header"
            )
        for name, value in body.items():
            key = f"{section}.{name}"
            if key not in SETTINGS:
                raise UserError(
                    f"unknown config key {key!r} in {path}",
                    "remove it or check its spelling (`music-minion config show` lists the keys)",
                )
            values[key] = check_value(SETTINGS[key], value)
    return values


def check_value(setting: Setting, value: Any) -> Any:
    """Validate a parsed value against its setting; returns the value in the setting's type."""
    t = setting.type
    ok = (
        (t is bool and isinstance(value, bool))
        or (t is int and isinstance(value, int) and not isinstance(value, bool))
        or (t is float and isinstance(value, int | float) and not isinstance(value, bool))
        or (t is str and isinstance(value, str))
        or (t is list and isinstance(value, list) and all(isinstance(v, str) for v in value))
    )
    if not ok:
        kind = {
            bool: "true or false",
            int: "an integer",
            float: "a number",
            str: "a string",
            list: "a list of strings",
        }[t]
        raise UserError(
            f"{setting.key} must be {kind}, got {value!r}",
            f"e.g. `music-minion config set {setting.key} {_example(setting)}`",
        )
    if t is float:
        value = float(value)
    if setting.minimum is not None and value < setting.minimum:
        raise UserError(
            f"{setting.key} must be at least {setting.minimum:g}, got {value!r}",
            "use a larger value",
        )
    if setting.choices and value not in setting.choices:
        raise UserError(
            f"{setting.key} must be one of {', '.join(setting.choices)}, got {value!r}",
            "pick one of those",
        )
    return value


def _example(setting: Setting) -> str:
    if setting.type is list:
        return '\'["a", "b"]\''
    return str(setting.default).lower() if setting.type is bool else str(setting.default or "VALUE")


def parse_value(key: str, raw: str) -> Any:
    """Parse a command-line string into the key's type (`config set`)."""
    if key not in SETTINGS:
        raise UserError(
            f"unknown config key {key!r}", "see `music-minion config show` for the keys"
        )
    setting = SETTINGS[key]
    t = setting.type
    value: Any = raw
    try:
        if t is bool:
            lowered = raw.strip().lower()
            if lowered in ("true", "yes", "on", "1"):
                value = True
            elif lowered in ("false", "no", "off", "0"):
                value = False
        elif t is int:
            value = int(raw)
        elif t is float:
            value = float(raw)
        elif t is list:
            stripped = raw.strip()
            if stripped.startswith("["):
                value = tomllib.loads(f"v = {stripped}")["v"]
            else:
                value = [p.strip() for p in stripped.split(",") if p.strip()]
    except (ValueError, tomllib.TOMLDecodeError):
        pass  # check_value reports the type error with an example
    return check_value(setting, value)


def set_value(key: str, raw: str, path: Path | None = None) -> Any:
    """Set `key` in the config file, keeping the user's comments and layout. Returns the value."""
    import tomlkit

    path = path or config_path()
    value = parse_value(key, raw)
    load(path)  # refuse to edit a file that is already broken
    doc = tomlkit.parse(path.read_text("utf-8")) if path.exists() else tomlkit.document()
    setting = SETTINGS[key]
    if setting.section not in doc:
        doc[setting.section] = tomlkit.table()
    doc[setting.section][setting.name] = value  # type: ignore[index]
    write_atomic(path, tomlkit.dumps(doc))
    _cache.pop(path, None)
    return value


def write_atomic(path: Path, text: str) -> None:
    """Write a file via a temp file and rename, so a crash or full disk never leaves half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        try:
            tmp.unlink(missing_ok=True)
        except (OSError, UnboundLocalError):
            pass
        raise UserError(
            f"cannot write {path}: {e.strerror}", "check free space and permissions"
        ) from None


def default_toml() -> str:
    """A commented config holding every key at its default (written by `init`)."""
    import tomlkit

    lines = ["# Music Minion configuration. Every key is shown at its default.", ""]
    for section, doc in SECTION_DOCS.items():
        lines.append(f"# {doc}")
        lines.append(f"[{section}]")
        for setting in SETTINGS.values():
            if setting.section != section:
                continue
            lines.append(f"# {setting.doc}")
            value = tomlkit.item(setting.default).as_string()
            lines.append(f"{setting.name} = {value}")
        lines.append("")
    return "\n".join(lines)
