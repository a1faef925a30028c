"""One status → error class table, every error body shape, the retry policy's decisions and delays,
and the one line a failed API call shows."""

from __future__ import annotations

import random
import time

import pytest

from music_minion.cli.errors import line
from music_minion.errors import MinionError
from music_minion.soundcloud.errors import (
    ApiError,
    AuthFailed,
    Forbidden,
    InvalidResponse,
    NotFound,
    RateLimited,
    Rejected,
    SoundCloudError,
    Transient,
    Unreachable,
    api_error,
    error_message,
    rate_limit_reset_s,
    reset_wait_s,
    retry_after_s,
)
from music_minion.soundcloud.retry import RetryPolicy


@pytest.mark.parametrize(
    "status,kind,cls",
    [
        (400, "permanent", Rejected),
        (403, "permanent", Forbidden),
        (404, "permanent", NotFound),
        (410, "permanent", NotFound),
        (422, "permanent", Rejected),
        (401, "auth", AuthFailed),
        (429, "rate_limited", RateLimited),
        (408, "transient", Transient),
        (425, "transient", Transient),
        (500, "transient", Transient),
        (502, "transient", Transient),
        (503, "transient", Transient),
        (504, "transient", Transient),
        (None, "transient", Transient),
    ],
)
def test_classification(status, kind, cls):
    e = api_error(status, "/me", "x")
    assert type(e) is cls and e.kind == kind and e.status == status
    assert isinstance(e, SoundCloudError) and isinstance(e, MinionError)


@pytest.mark.parametrize(
    "body,message",
    [
        ({"code": 404, "message": "404 - Not Found", "link": "x"}, "404 - Not Found"),
        ({"errors": [{"error_message": "invalid track"}]}, "invalid track"),
        ({"error": "Rate Limit Exceeded"}, "Rate Limit Exceeded"),
        ({"status": "401 - Unauthorized"}, "401 - Unauthorized"),
        ({"errors": [{"meta": {"reset_time": "2015/06/01 09:49:40 +0000"}}]}, "rate limit reached"),
        ("Please slow down.", "Please slow down."),
        ({}, "fallback"),
        (None, "fallback"),
    ],
)
def test_error_message_from_every_body_shape(body, message):
    assert error_message(body, "fallback") == message


def rate_body(seconds_from_now: float) -> dict:
    reset = time.strftime("%Y/%m/%d %H:%M:%S +0000", time.gmtime(time.time() + seconds_from_now))
    return {
        "errors": [
            {"meta": {"rate_limit": {"group": "api"}, "remaining_requests": 0, "reset_time": reset}}
        ]
    }


def test_reset_time_and_retry_after_parsing():
    assert 8 <= reset_wait_s(rate_body(10), time.time()) <= 11
    assert reset_wait_s(rate_body(-100), time.time()) == 0.0
    assert reset_wait_s({"error": "x"}, time.time()) is None
    assert retry_after_s("3") == 3.0
    assert retry_after_s(None) is None and retry_after_s("soon") is None
    http_date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 20))
    assert 18 <= retry_after_s(http_date) <= 21


def test_full_jitter_backoff_is_capped_and_spread():
    p = RetryPolicy(max_retries=6, base_s=0.5, max_s=4.0, rng=random.Random(3))
    for attempt in range(10):
        cap = min(4.0, 0.5 * 2**attempt)
        delays = [p.backoff(attempt) for _ in range(200)]
        assert all(0 <= d <= cap for d in delays)
        assert max(delays) > cap * 0.8 and min(delays) < cap * 0.2  # full jitter, not fixed


def test_should_retry_only_transient_and_rate_limited_up_to_max():
    p = RetryPolicy(max_retries=2)
    transient, limited = Transient(503, "/me", "x"), RateLimited(429, "/me", "x")
    assert p.should_retry(transient, 0) and p.should_retry(limited, 1)
    assert not p.should_retry(transient, 2)
    assert not p.should_retry(NotFound(404, "/me", "x"), 0)
    assert not p.should_retry(AuthFailed(401, "/me", "x"), 0)


def test_unreachable_is_retried_briefly_and_never_once_the_host_is_down():
    p = RetryPolicy(max_retries=6, connect_retries=2)
    e = Unreachable(None, "/me", "cannot connect")
    assert p.should_retry(e, 0) and p.should_retry(e, 1)
    assert not p.should_retry(e, 2)
    assert not p.should_retry(e, 0, host_down=True)


def test_a_request_that_is_not_idempotent_is_retried_only_after_an_error_answer():
    p = RetryPolicy(max_retries=6)
    assert p.should_retry(Transient(503, "/playlists", "x"), 0, idempotent=False)
    assert p.should_retry(RateLimited(429, "/playlists", "x"), 0, idempotent=False)
    for unanswered in (
        Transient(None, "/playlists", "timed out"),
        Unreachable(None, "/playlists", "cannot connect"),
        InvalidResponse(201, "/playlists", "unreadable response"),
    ):
        assert not p.should_retry(unanswered, 0, idempotent=False)
        assert p.should_retry(unanswered, 0, idempotent=True)


def test_rate_limit_wait_prefers_retry_after_then_reset_time_capped_then_backoff():
    p = RetryPolicy(base_s=0.01, max_s=0.02, rate_limit_wait_max_s=60, rng=random.Random(1))

    def wait(attempt, retry_after, body):
        reset_s = rate_limit_reset_s(retry_after, body, time.time())
        return p.delay(RateLimited(429, "/me", "x", reset_s=reset_s), attempt)

    assert wait(0, "7", rate_body(30)) == 7.0
    assert 28 <= wait(0, None, rate_body(30)) <= 31
    assert wait(0, None, rate_body(3600)) == 60  # capped
    assert wait(3, None, {"error": "Rate Limit Exceeded"}) <= 0.02
    assert wait(3, None, "Please slow down.") <= 0.02
    assert p.delay(Transient(503, "/me", "x"), 3) <= 0.02  # not a 429: backoff


def test_api_error_text_and_its_one_line():
    e = NotFound(404, "/tracks/{urn}", "not found")
    assert isinstance(e, ApiError) and not e.retryable
    assert str(e) == "permanent 404 on /tracks/{urn}: not found"
    assert Transient(None, "/me", "timed out").retryable
    assert line(e) == (
        "error: SoundCloud request /tracks/{urn} failed (HTTP 404): not found"
        " — check the URL or URN (the item may be deleted, private or blocked)"
    )
    assert line(Transient(None, "/me", "timed out")) == (
        "error: SoundCloud request /me failed: timed out"
        " — SoundCloud or the network failed; try again later"
    )
    assert line(AuthFailed(401, "/me", "x")).endswith("— run `music-minion auth login`")
    assert line(RateLimited(429, "/me", "x")).endswith("rate limit was reached; try again later")
    assert line(Rejected(None, "/playlists", "too long", hint="lower playlist.size")).endswith(
        "failed: too long — lower playlist.size"
    )
