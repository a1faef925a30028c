"""Helpers for the emulator's own tests: a plain HTTP client (urllib), paging, PKCE and login."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from music_minion.emulator.testing import RunningEmulator
from music_minion.sandbox import login_over_http
from music_minion.soundcloud.pkce import challenge_s256, make_verifier


@dataclass
class Reply:
    status: int
    headers: Any
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def http(
    url: str,
    method: str = "GET",
    *,
    token: str | None = None,
    scheme: str = "OAuth",
    json_body: Any = None,
    form: dict | None = None,
    headers: dict | None = None,
    timeout: float = 10,
) -> Reply:
    """One request with urllib, redirects not followed; HTTP errors come back as replies."""
    import urllib.parse

    hdrs = dict(headers or {})
    data = None
    if token:
        hdrs["Authorization"] = f"{scheme} {token}"
    if json_body is not None:
        data = json.dumps(json_body).encode()
        hdrs["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(url, data=data, method=method, headers=hdrs)
    try:
        with _opener.open(req, timeout=timeout) as r:
            return Reply(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Reply(e.code, e.headers, e.read())


def walk(emu, path: str, token: str, limit: int = 3, **extra: str) -> tuple[list[dict], int]:
    """Follow next_href to the end; returns (items, pages)."""
    import urllib.parse

    query = urllib.parse.urlencode({"linked_partitioning": "true", "limit": limit, **extra})
    url: str | None = f"{emu.api_base}{path}?{query}"
    items: list[dict] = []
    pages = 0
    while url:
        r = http(url, token=token)
        assert r.status == 200, (url, r.status, r.body[:200])
        body = r.json()
        items.extend(body["collection"])
        pages += 1
        url = body.get("next_href")
        assert pages < 1000
    return items, pages


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge) per RFC 7636, made by the client's PKCE code."""
    verifier = make_verifier()
    return verifier, challenge_s256(verifier)


def login(emu: RunningEmulator) -> dict[str, Any]:
    """The real authorization-code + PKCE flow over HTTP (auto-approve); the token response."""
    return login_over_http(emu.info())


def openapi_path() -> Path | None:
    """SoundCloud's OpenAPI spec: $SOUNDCLOUD_OPENAPI, or shared/soundcloud/openapi.yaml beside
    the checkout."""
    env = os.environ.get("SOUNDCLOUD_OPENAPI")
    if env and Path(env).is_file():
        return Path(env)
    beside = Path(__file__).resolve().parents[3] / "shared" / "soundcloud" / "openapi.yaml"
    return beside if beside.is_file() else None
