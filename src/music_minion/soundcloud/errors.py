"""SoundCloud errors, classified in one place: permanent, auth, rate_limited or transient.

`classify_status` maps an HTTP status to a kind; `error_message` reads the message out of any of
SoundCloud's error body shapes; `reset_wait_s` reads the 429 body's `reset_time`. An `ApiError` carries
the endpoint's path template (never a URL with a token or a query) and a message without secrets.
"""

from __future__ import annotations

from typing import Any, Literal

from music_minion.errors import UserError

Kind = Literal["permanent", "auth", "rate_limited", "transient"]
KINDS: tuple[Kind, ...] = ("permanent", "auth", "rate_limited", "transient")


class ApiError(Exception):
    """A failed API call after retries (or a permanent one, never retried)."""

    def __init__(self, kind: Kind, status: int | None, endpoint: str, message: str) -> None:
        super().__init__(f"{kind} error{f' {status}' if status else ''} on {endpoint}: {message}")
        self.kind: Kind = kind
        self.status = status
        self.endpoint = endpoint
        self.message = message

    @property
    def retryable(self) -> bool:
        return self.kind in ("transient", "rate_limited")


class NotLoggedIn(UserError):
    """No usable user token: the user has to log in (again)."""

    def __init__(self, what: str = "not logged in") -> None:
        super().__init__(what, "run `music-minion auth login`")


def classify_status(status: int) -> Kind:
    """The kind of an HTTP error status (the one table of the design's rules)."""
    if status == 429:
        return "rate_limited"
    if status == 401:
        return "auth"
    if status >= 500 or status in (408, 425):
        return "transient"
    return "permanent"


def error_message(body: Any, default: str = "") -> str:
    """The human message of any SoundCloud error body shape (current or deprecated), shortened."""
    msg: Any = None
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first = errors[0]
            msg = first.get("error_message") or first.get("message")
            if msg is None and isinstance(first.get("meta"), dict):
                msg = "rate limit reached"
        msg = (
            msg
            or body.get("error_description")
            or body.get("message")
            or body.get("error")
            or body.get("status")
        )
    elif isinstance(body, str):
        msg = body.strip()
    text = str(msg) if msg else default
    return text[:200]


def reset_time_text(body: Any) -> str | None:
    """The `reset_time` of SoundCloud's 429 body, when present."""
    if not isinstance(body, dict):
        return None
    errors = body.get("errors")
    if not isinstance(errors, list):
        return None
    for item in errors:
        meta = item.get("meta") if isinstance(item, dict) else None
        if isinstance(meta, dict) and isinstance(meta.get("reset_time"), str):
            return meta["reset_time"]
    return None


def reset_wait_s(body: Any, now: float) -> float | None:
    """Seconds from `now` (epoch) until the 429 body's `reset_time`; None when absent or unreadable."""
    from music_minion.timeutil import parse_timestamp

    moment = parse_timestamp(reset_time_text(body))
    if moment is None:
        return None
    return max(0.0, moment.timestamp() - now)


def retry_after_s(value: str | None) -> float | None:
    """A `Retry-After` header in seconds (delta-seconds or an HTTP date); None when absent or bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    import time

    return max(0.0, moment.timestamp() - time.time())


_HINTS: dict[str, str] = {
    "permanent": "check the URL or URN (the item may be deleted, private or blocked)",
    "auth": "run `music-minion auth login`",
    "rate_limited": "SoundCloud's rate limit was reached; try again later",
    "transient": "SoundCloud or the network failed; try again later",
}


def to_user_error(e: ApiError) -> UserError:
    """The one-line user error for an API failure that ends a command."""
    status = f" (HTTP {e.status})" if e.status else ""
    return UserError(f"SoundCloud request {e.endpoint} failed{status}: {e.message}", _HINTS[e.kind])
