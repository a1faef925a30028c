"""Run Music Minion against a local emulator: point a config at it, log in over HTTP.

    with start_emulator(seed=1, size="tiny") as emu:
        configure(emu, home)                 # the config's soundcloud.* keys now name the emulator
        tokens = login_over_http(emu.info())  # the real OAuth flow, returns the token response

A folder can also hold a world to bring back (`save_world`, `load_world`: the emulator's options
and the world's state, as `demo --keep` writes them and `emulator serve --world` reads them) and a
shell file that points a shell at the folder's config and data (`write_env`).

The client side of the emulator: the emulator itself never imports this module.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from music_minion import config
from music_minion.emulator.testing import RunningEmulator
from music_minion.soundcloud.pkce import authorization_request

# Settings that make a client spend no time waiting on an emulator: tiny retry delays, a high
# request rate, and a client timeout (1.5 s) below the "timeout" fault's stall (2 s by default).
FAST_SETTINGS = {
    "soundcloud.requests_per_second": "500",
    "soundcloud.backoff_base_s": "0.01",
    "soundcloud.backoff_max_s": "0.2",
    "soundcloud.timeout_s": "1.5",
    "soundcloud.rate_limit_wait_max_s": "5",
}
CONNECTION_KEYS = ("api_base", "auth_base", "client_id", "client_secret", "redirect_uri")
WORLD_FILE = "world.json"  # a kept world: the emulator options and the state
ENV_FILE = "env.sh"  # `source` it to use the kept config and data
WORLD_OPTIONS = ("seed", "size", "taste", "auto_approve")


def write_config(
    info: Mapping[str, Any], path: Path, settings: Mapping[str, Any] | None = None
) -> Path:
    """Point the config file at `path` to the emulator that `info` describes (its `info()`), plus
    any other `settings` (dotted keys); returns the path."""
    values = {f"soundcloud.{key}": info[key] for key in CONNECTION_KEYS} | dict(settings or {})
    config.set_values({key: str(value) for key, value in values.items()}, path)
    return path


def check_replaceable(path: Path) -> None:
    """Refuse to point a config at an emulator when it holds a real app's credentials (they would
    be overwritten): a client id or secret in the file, with an API base that is not loopback."""
    from urllib.parse import urlsplit

    from music_minion.errors import UsageError

    cfg = config.load(path)
    credentials = {"soundcloud.client_id", "soundcloud.client_secret"}
    loopback = urlsplit(cfg.soundcloud.api_base).hostname in ("127.0.0.1", "localhost", "::1")
    if not loopback and any(cfg.origins.get(key) == "file" for key in credentials):
        raise UsageError(
            f"{path} holds the credentials of a SoundCloud app, which this would overwrite",
            "give --write-config another file, e.g. --write-config emulator.toml",
        )


def save_world(
    folder: Path, options: Mapping[str, Any], state: dict[str, Any] | None = None
) -> Path:
    """Record a world in `folder` for `emulator serve --world folder`: the emulator options it was
    made with (seed, size, taste model, auto-approve) and its `state` (from
    `RunningEmulator.world_data()`)."""
    from music_minion.files import write_atomic

    data = {k: options[k] for k in WORLD_OPTIONS if k in options}
    if state is not None:
        data["state"] = state
    path = folder / WORLD_FILE
    write_atomic(path, json.dumps(data, separators=(",", ":")) + "\n")
    return path


def load_world(folder: Path) -> dict[str, Any]:
    """The `Emulator` options of the world `save_world` recorded in `folder` (its `world=` when a
    state was saved); a UsageError when there is none."""
    from music_minion.emulator.snapshot import world_from_data
    from music_minion.errors import UsageError

    path = folder / WORLD_FILE
    again = "keep a new demo with `demo --keep`"
    try:
        options = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"{folder} holds no {WORLD_FILE}", "give --world a folder kept by `demo --keep`"
        ) from None
    except (OSError, ValueError) as e:
        raise UsageError(f"cannot read {path}: {e}", again) from None
    if not isinstance(options, dict) or not set(options) <= {*WORLD_OPTIONS, "state"}:
        raise UsageError(f"{path} is not a world file", again)
    if "state" in options:
        try:
            options["world"] = world_from_data(options.pop("state"))
        except ValueError as e:
            raise UsageError(f"{path} holds a broken world: {e}", again) from None
    return options


def write_env(folder: Path, config_path: Path, data_dir: Path) -> Path:
    """Write `folder/env.sh`: `source` it and the commands use this config and data (and a token
    file in the data dir instead of the OS keyring). Returns its path."""
    import shlex

    from music_minion.files import write_atomic

    exports = {
        config.ENV_CONFIG: str(config_path),
        config.ENV_DATA_DIR: str(data_dir),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    lines = [
        "# Use this folder's config and data: `source` this file.",
        "# Its tokens go to a private file in the data dir, not to your keyring.",
    ]
    lines += [f"export {key}={shlex.quote(value)}" for key, value in exports.items()]
    path = folder / ENV_FILE
    write_atomic(path, "\n".join(lines) + "\n")
    return path


def configure(
    emu: RunningEmulator, home_dir: str | Path | None = None, *, fast: bool = True
) -> Path:
    """Write soundcloud.* keys pointing at `emu` into the config file; returns its path.

    The file is `$MUSIC_MINION_CONFIG`, else `<home_dir>/config/config.toml`. With `fast`, the
    `FAST_SETTINGS` are written too.
    """
    env = os.environ.get(config.ENV_CONFIG)
    path = Path(env) if env else Path(home_dir or ".") / "config" / "config.toml"
    return write_config(emu.info(), path, FAST_SETTINGS if fast else None)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def login_over_http(info: Mapping[str, Any]) -> dict[str, Any]:
    """The authorization-code + PKCE flow against the emulator that `info` describes (auto-approve
    on); returns the token response."""
    request = authorization_request(info["auth_base"], info["client_id"], info["redirect_uri"])
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(request.url, timeout=10)
        raise RuntimeError("authorize did not redirect (is auto-approve off?)")
    except urllib.error.HTTPError as e:
        if e.code != 302:
            raise
        location = e.headers["Location"]
    params = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    if params.get("state") != [request.state]:
        raise RuntimeError("authorize returned a different state")
    form = urllib.parse.urlencode(
        {
            "grant_type": "authorization_code",
            "client_id": info["client_id"],
            "client_secret": info["client_secret"],
            "redirect_uri": info["redirect_uri"],
            "code_verifier": request.verifier,
            "code": params["code"][0],
        }
    ).encode()
    with urllib.request.urlopen(
        urllib.request.Request(f"{info['auth_base']}/oauth/token", data=form), timeout=10
    ) as r:
        return cast(dict[str, Any], json.loads(r.read()))
