"""Settings: declared in `schema`, flattened and checked in `keys`, read and written in `loading`."""

from music_minion.config.keys import SECTION_DOCS, SETTINGS, Setting, check_value, parse_value
from music_minion.config.loading import (
    APP_NAME,
    ENV_CONFIG,
    Config,
    config_path,
    default_toml,
    load,
    set_config_path,
    set_value,
    set_values,
)
from music_minion.config.schema import ENV_DATA_DIR

__all__ = [
    "APP_NAME",
    "ENV_CONFIG",
    "ENV_DATA_DIR",
    "SECTION_DOCS",
    "SETTINGS",
    "Config",
    "Setting",
    "check_value",
    "config_path",
    "default_toml",
    "load",
    "parse_value",
    "set_config_path",
    "set_value",
    "set_values",
]
