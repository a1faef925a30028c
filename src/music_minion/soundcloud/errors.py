"""SoundCloud's typed errors, and reading SoundCloud's error bodies.

    SoundCloudError (MinionError)
    ├── ApiError: a failed API call (after retries, or one that is never retried)
    │   ├── NotFound (404/410), Forbidden (403), Rejected (any other permanent 4xx)
    │   ├── AuthFailed (401 after one refresh), RateLimited (429, with `reset_s`)
    │   └── Transient (5xx, 408, 425, timeouts)
    │       ├── Unreachable (no connection at all; the host taken as down for the run)
    │       └── InvalidResponse (a truncated or unreadable body)
    ├── NotLoggedIn: no usable user token
    ├── LoginFailed: the login flow could not finish
    └── Misconfigured: the app's client id, secret or URLs are wrong

`api_error` is the one table from an HTTP status to its class. An `ApiError` carries the endpoint's
path template (never a URL with a token or a query) and a message without secrets; its `kind`
(`permanent`, `auth`, `rate_limited`, `transient`) is what run records count errors by. Turning an
error into a line for people is `cli.errors.line`'s job; `str()` is the short form for logs and records.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from music_minion.errors import MinionError

Kind = Literal["permanent", "auth", "rate_limited", "transient"]


class SoundCloudError(MinionError):
    """Anything that went wrong talking to SoundCloud."""


class ApiError(SoundCloudError):
    """A failed API call: `status` (None when nothing was answered), `endpoint` template, `message`."""

    kind: ClassVar[Kind] = "permanent"

    def __init__(self, status: int | None, endpoint: str, message: str, *, hint: str = "") -> None:
        super().__init__(message, hint)
        self.status = status
        self.endpoint = endpoint
        self.message = message

    def __str__(self) -> str:
        status = f" {self.status}" if self.status else ""
        return f"{self.kind}{status} on {self.endpoint}: {self.message}"

    def for_people(self) -> str:
        """The failure in plain words: a host that cannot be reached says just that; any other
        names the request and SoundCloud's answer."""
        if isinstance(self, Unreachable):
            return self.message
        status = f" (HTTP {self.status})" if self.status else ""
        return f"SoundCloud request {self.endpoint} failed{status}: {self.message}"

    def in_short(self) -> str:
        """The failure in a few words that fit every item it hit: `cannot connect to HOST`,
        `HTTP 404 from SoundCloud`, `timed out`."""
        if isinstance(self, Unreachable) or not self.status:
            return self.message
        return f"HTTP {self.status} from SoundCloud"

    @property
    def retryable(self) -> bool:
        return isinstance(self, Transient | RateLimited)


class NotFound(ApiError):
    """404 or 410: the item does not exist (any more), or is private."""


class Forbidden(ApiError):
    """403: not allowed (blocked in a region, private, or not this user's)."""


class Rejected(ApiError):
    """Any other permanent refusal: the request itself is wrong."""


class AuthFailed(ApiError):
    """401 even after one token refresh."""

    kind: ClassVar[Kind] = "auth"


class RateLimited(ApiError):
    """429 after retries; `reset_s` is how long SoundCloud asked us to wait, when it said."""

    kind: ClassVar[Kind] = "rate_limited"

    def __init__(
        self,
        status: int | None,
        endpoint: str,
        message: str,
        *,
        hint: str = "",
        reset_s: float | None = None,
    ) -> None:
        super().__init__(status, endpoint, message, hint=hint)
        self.reset_s = reset_s


class Transient(ApiError):
    """A failure that may pass: a 5xx, 408 or 425 answer, a timeout, a dropped connection."""

    kind: ClassVar[Kind] = "transient"


class Unreachable(Transient):
    """The host could not be reached at all (refused, no route, DNS), or is taken as down for the run."""


class InvalidResponse(Transient):
    """The server answered, but the body could not be read (truncated, invalid JSON, wrong shape)."""


class NotLoggedIn(SoundCloudError):
    """No usable user token: the user has to log in (again)."""

    def __init__(self, what: str = "not logged in") -> None:
        super().__init__(what, "run `music-minion auth login`")


class LoginFailed(SoundCloudError):
    """The login flow could not finish (declined, wrong answer, no browser, port in use)."""


class Misconfigured(SoundCloudError):
    """The app's settings are wrong: a missing client id or secret, a refused redirect URI."""


def api_error(
    status: int | None, endpoint: str, message: str, *, reset_s: float | None = None
) -> ApiError:
    """The typed error of an HTTP status (None: nothing was answered) — the one table of the rules."""
    if status is None or status >= 500 or status in (408, 425):
        return Transient(status, endpoint, message)
    if status == 429:
        return RateLimited(status, endpoint, message, reset_s=reset_s)
    if status == 401:
        return AuthFailed(status, endpoint, message)
    if status in (404, 410):
        return NotFound(status, endpoint, message)
    if status == 403:
        return Forbidden(status, endpoint, message)
    return Rejected(status, endpoint, message)


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


OAUTH_ERRORS = frozenset(
    {
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "invalid_scope",
        "unauthorized_client",
        "unsupported_grant_type",
    }
)


def oauth_error_code(body: Any) -> str | None:
    """The OAuth error code of a token endpoint's error body, in the legacy or the modern shape."""
    if not isinstance(body, dict):
        return None
    for key in ("error", "error_code"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    message = body.get("message")
    return message if message in OAUTH_ERRORS else None


def reset_time_text(body: Any) -> str | None:
    """The `reset_time` of SoundCloud's 429 body, when present."""
    if not isinstance(body, dict):
        return None
    errors = body.get("errors")
    if not isinstance(errors, list):
        return None
    for item in errors:
        meta = item.get("meta") if isinstance(item, dict) else None
        if isinstance(meta, dict):
            reset = meta.get("reset_time")
            if isinstance(reset, str):
                return reset
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


def rate_limit_reset_s(retry_after: str | None, body: Any, now: float) -> float | None:
    """How long a 429 asks us to wait: its Retry-After header, else the body's reset_time."""
    wait = retry_after_s(retry_after)
    return reset_wait_s(body, now) if wait is None else wait


def read_error_body(raw: bytes) -> Any:
    """An error body as JSON, else as (at most 200 characters of) text; a leading BOM is ignored."""
    import msgspec

    try:
        return msgspec.json.decode(raw.removeprefix(b"\xef\xbb\xbf"))
    except msgspec.DecodeError:
        return raw[:200].decode("utf-8", "replace")


def answer_error(
    status: int,
    endpoint: str,
    raw: bytes,
    retry_after: str | None = None,
    now: float | None = None,
) -> ApiError:
    """The typed error of a failed answer: its class by status, the message of whatever body it has
    (any JSON shape, plain text, a space, nothing), and for a 429 how long to wait."""
    import time

    body = read_error_body(raw)
    message = error_message(body, f"HTTP {status}")
    reset_s = None
    if status == 429:
        reset_s = rate_limit_reset_s(retry_after, body, time.time() if now is None else now)
    return api_error(status, endpoint, message, reset_s=reset_s)
