"""Run Music Minion against a local emulator: point a config at it, log in over HTTP.

    with start_emulator(seed=1, size="tiny") as emu:
        configure(emu, home)                 # the config's soundcloud.* keys now name the emulator
        tokens = login_over_http(emu.info())  # the real OAuth flow, returns the token response

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


def write_config(
    info: Mapping[str, Any], path: Path, settings: Mapping[str, Any] | None = None
) -> Path:
    """Point the config file at `path` to the emulator that `info` describes (its `info()`), plus
    any other `settings` (dotted keys); returns the path."""
    values = {f"soundcloud.{key}": info[key] for key in CONNECTION_KEYS} | dict(settings or {})
    for key, value in values.items():
        config.set_value(key, str(value), path)
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
