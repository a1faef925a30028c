"""The API's error responses, shaped like SoundCloud's (`{code, message, link}` and the 429 body)."""

from __future__ import annotations

import math
import time

from aiohttp import web

from music_minion.emulator.serialize import v1_time

API_LINK = "https://developers.soundcloud.com/docs/api/explorer/open-api"
RATE_LINK = "https://developers.soundcloud.com/docs/api/rate-limits#errors"
JSON = "application/json; charset=utf-8"
_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def json_bytes(
    body: bytes, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A response carrying already-encoded JSON with SoundCloud's media type."""
    resp = web.Response(body=body, status=status, headers=headers)
    resp.headers["Content-Type"] = JSON
    return resp


def status_text(status: int) -> str:
    """SoundCloud's `status` field: "404 - Not Found"."""
    return f"{status} - {_REASONS.get(status, 'Error')}"


def api_error(status: int, message: str = "") -> web.Response:
    """The modern error body the real API answers with: `{code, message, link, status, errors, error}`."""
    import msgspec

    text = message or status_text(status)
    body = {
        "code": status,
        "message": text,
        "link": API_LINK,
        "status": status_text(status),
        "errors": [{"error_message": text}],
        "error": None,
    }
    return json_bytes(msgspec.json.encode(body), status)


def rate_limited(
    wait_s: float,
    *,
    group: str = "api",
    max_requests: int = 0,
    window: str = "PT1S",
    retry_after: bool = False,
) -> web.Response:
    """SoundCloud's 429: the `reset_time` in the body is the signal; `Retry-After` only if asked."""
    import msgspec

    reset = math.ceil(time.time() + max(0.0, wait_s))
    body = {
        "code": 429,
        "message": "Rate Limit Exceeded",
        "link": RATE_LINK,
        "status": status_text(429),
        "error": None,
        "errors": [
            {
                "meta": {
                    "rate_limit": {
                        "group": group,
                        "max_nr_of_requests": max_requests,
                        "time_window": window,
                    },
                    "remaining_requests": 0,
                    "reset_time": v1_time(reset),
                }
            }
        ],
    }
    headers = {"Retry-After": str(max(1, math.ceil(wait_s)))} if retry_after else None
    return json_bytes(msgspec.json.encode(body), 429, headers)


class NotFound(Exception):
    """Answered with SoundCloud's 404 body."""


class Unprocessable(Exception):
    """Answered with SoundCloud's 422 body."""
