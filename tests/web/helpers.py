"""Helpers of the review page's tests: raw HTTP with chosen headers, and the browser."""

from __future__ import annotations

import http.client
import json
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def request(
    port: int,
    path: str,
    method: str = "GET",
    *,
    host: str | None = None,
    cookie: str | None = None,
    origin: str | None = None,
    body: Any = None,
) -> Answer:
    """One request to the page on 127.0.0.1:`port`, with exactly the headers given."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    headers = {"Host": host or f"127.0.0.1:{port}"}
    if cookie is not None:
        headers["Cookie"] = cookie
    if origin is not None:
        headers["Origin"] = origin
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=headers)
    r = conn.getresponse()
    answer = Answer(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    conn.close()
    return answer


def sign_in(url: str) -> str:
    """Trade the printed URL's key for the cookie; returns the `Cookie` header value."""
    parts = urlsplit(url)
    assert parts.port is not None
    r = request(parts.port, f"/?{parts.query}")
    assert r.status == 303, r.body
    return r.headers["set-cookie"].split(";", 1)[0]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def manual_verdicts(mm: Any) -> dict[str, str]:
    """{urn: verdict} of the manual judgments, as `judged --json` lists them."""
    r = mm("judged", "--json")
    assert r.code == 0, r.err
    return {j["urn"]: j["verdict"] for j in r.json()["items"] if j["source"] == "manual"}
