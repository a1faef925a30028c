"""The flat view of the schema: one `Setting` per `section.key`, and the checks of a value.

`SETTINGS` and `SECTION_DOCS` are derived from `config/schema.py` once, at import; `check_value`
and `parse_value` give every wrong value one line that says what is expected, with an example.
"""

from __future__ import annotations

import tomllib
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from music_minion.config import schema
from music_minion.errors import ConfigError

_KINDS = {
    bool: "true or false",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "a list of strings",
}


@dataclass(frozen=True)
class Setting:
    """One config key: its type, default, meaning and limits (read from the schema)."""

    key: str
    type: type
    default: Any
    doc: str
    secret: bool = False
    env: str | None = None
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    url: bool = False  # an http(s) URL with a host

    @property
    def section(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.key.split(".", 1)[1]


def _setting(section: str, field: msgspec.structs.FieldInfo, hint: Any) -> Setting:
    base, meta = typing.get_args(hint)
    choices = None
    if typing.get_origin(base) is typing.Literal:
        choices, base = typing.get_args(base), str
    elif typing.get_origin(base) is list:
        (item,) = typing.get_args(base)
        if typing.get_origin(item) is typing.Literal:
            choices = typing.get_args(item)
        base = list
    default = field.default_factory() if field.default is msgspec.NODEFAULT else field.default
    extra = meta.extra or {}
    return Setting(
        f"{section}.{field.name}",
        base,
        default,
        meta.description or "",
        secret=bool(extra.get("secret")),
        env=extra.get("env"),
        choices=choices,
        minimum=meta.ge,
        maximum=meta.le,
        url=bool(extra.get("url")),
    )


def _sections() -> dict[str, type[msgspec.Struct]]:
    hints = typing.get_type_hints(schema.Settings)
    return {f.name: hints[f.name] for f in msgspec.structs.fields(schema.Settings)}


SECTIONS = _sections()
SECTION_DOCS: dict[str, str] = {name: (cls.__doc__ or "").strip() for name, cls in SECTIONS.items()}
SETTINGS: dict[str, Setting] = {
    s.key: s
    for name, cls in SECTIONS.items()
    for s in (
        _setting(name, f, typing.get_type_hints(cls, include_extras=True)[f.name])
        for f in msgspec.structs.fields(cls)
    )
}


def setting(key: str) -> Setting:
    """The declaration of `key`; an unknown key is a ConfigError."""
    try:
        return SETTINGS[key]
    except KeyError:
        guess = did_you_mean(key)
        raise ConfigError(
            f"unknown config key {key!r}",
            f"did you mean `{guess}`?" if guess else "see `music-minion config show` for the keys",
        ) from None


def did_you_mean(key: str) -> str | None:
    """The known key closest to a mistyped one (also a bare name: `page_size`)."""
    import difflib

    names = {k.split(".", 1)[1]: k for k in SETTINGS}
    close = difflib.get_close_matches(key, list(SETTINGS), n=1, cutoff=0.6)
    if not close:  # a bare or mistyped name: `page_size`, `page_siz`
        bare = difflib.get_close_matches(key.rsplit(".", 1)[-1], list(names), n=1, cutoff=0.6)
        close = [names[bare[0]]] if bare else []
    return close[0] if close else None


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
        raise ConfigError(
            f"{setting.key} must be {_KINDS[t]}, got {value!r}",
            f"e.g. `music-minion config set {setting.key} {_example(setting)}`",
        )
    if t is float:
        value = float(value)
    if setting.minimum is not None and value < setting.minimum:
        raise ConfigError(
            f"{setting.key} must be at least {setting.minimum:g}, got {value!r}",
            "use a larger value",
        )
    if setting.maximum is not None and value > setting.maximum:
        raise ConfigError(
            f"{setting.key} must be at most {setting.maximum:g}, got {value!r}",
            "use a smaller value",
        )
    if setting.choices:
        _check_members(setting, value if t is list else [value])
    if setting.url and not _is_url(value):
        raise ConfigError(
            f"{setting.key} must be an http(s) URL, got {value!r}",
            f"e.g. `music-minion config set {setting.key} {setting.default}`",
        )
    return value


def _check_members(setting: Setting, values: list[Any]) -> None:
    choices = setting.choices or ()
    unknown = [v for v in values if v not in choices]
    if unknown:
        raise ConfigError(
            f"{setting.key} must be one of {', '.join(choices)}, got {unknown[0]!r}",
            "pick one of those",
        )
    if setting.type is list and len(set(values)) != len(values):
        raise ConfigError(f"{setting.key} names a value twice: {values!r}", "name each once")


def _is_url(value: str) -> bool:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


# Rules between keys: (what must hold, what to say when it does not, what to do).
CrossRule = tuple[Callable[[dict[str, Any]], bool], Callable[[dict[str, Any]], str], str]
CROSS_RULES: tuple[CrossRule, ...] = (
    (
        lambda v: v["library.match_auto"] >= v["library.match_review"],
        lambda v: (
            f"library.match_auto ({v['library.match_auto']:g}) is below "
            f"library.match_review ({v['library.match_review']:g})"
        ),
        "the automatic threshold must be at or above the review threshold",
    ),
    (
        lambda v: v["discovery.min_interval_hours"] <= v["discovery.max_interval_hours"],
        lambda v: (
            f"discovery.min_interval_hours ({v['discovery.min_interval_hours']:g}) is above "
            f"discovery.max_interval_hours ({v['discovery.max_interval_hours']:g})"
        ),
        "the shortest check interval must not exceed the longest",
    ),
)


def check_together(values: dict[str, Any]) -> None:
    """The rules between keys, on every effective value (defaults filled in)."""
    full = {k: values.get(k, s.default) for k, s in SETTINGS.items()}
    for holds, what, hint in CROSS_RULES:
        if not holds(full):
            raise ConfigError(what(full), hint)


def _example(setting: Setting) -> str:
    if setting.type is list:
        return '\'["a", "b"]\''
    return str(setting.default).lower() if setting.type is bool else str(setting.default or "VALUE")


def parse_value(key: str, raw: str) -> Any:
    """Parse a command-line string into the key's type (`config set`)."""
    s = setting(key)
    value: Any = raw
    try:
        if s.type is bool:
            value = {"true": True, "yes": True, "on": True, "1": True}.get(
                raw.strip().lower(),
                {"false": False, "no": False, "off": False, "0": False}.get(
                    raw.strip().lower(), raw
                ),
            )
        elif s.type is int:
            value = int(raw)
        elif s.type is float:
            value = float(raw)
        elif s.type is list:
            stripped = raw.strip()
            if stripped.startswith("["):
                value = tomllib.loads(f"v = {stripped}")["v"]
            else:
                value = [p.strip() for p in stripped.split(",") if p.strip()]
    except (ValueError, tomllib.TOMLDecodeError):
        pass  # check_value reports the type error with an example
    return check_value(s, value)
