"""Fixtures for the emulator's own tests: a plain HTTP client (urllib) and a logged-in token."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import pytest


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


@pytest.fixture(scope="module")
def emu():
    """A tiny emulator shared by a module's read-only tests (tests that mutate start their own)."""
    from music_minion.emulator.testing import start_emulator

    with start_emulator(seed=3, size="tiny") as e:
        yield e


@pytest.fixture(scope="module")
def token(emu) -> str:
    from music_minion.emulator.testing import login_for_tests

    return login_for_tests(emu)["access_token"]


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
