"""One classification table, every error body shape, and the retry policy's delays."""

from __future__ import annotations

import random
import time

import pytest

from music_minion.soundcloud.errors import (
    ApiError,
    classify_status,
    error_message,
    reset_wait_s,
    retry_after_s,
    to_user_error,
)
from music_minion.soundcloud.retry import RetryPolicy


@pytest.mark.parametrize(
    "status,kind",
    [
        (400, "permanent"),
        (403, "permanent"),
        (404, "permanent"),
        (422, "permanent"),
        (401, "auth"),
        (429, "rate_limited"),
        (500, "transient"),
        (502, "transient"),
        (503, "transient"),
        (504, "transient"),
    ],
)
def test_classification(status, kind):
    assert classify_status(status) == kind


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
    assert p.should_retry("transient", 0) and p.should_retry("rate_limited", 1)
    assert not p.should_retry("transient", 2)
    assert not p.should_retry("permanent", 0) and not p.should_retry("auth", 0)


def test_rate_limit_wait_prefers_retry_after_then_reset_time_capped_then_backoff():
    p = RetryPolicy(base_s=0.01, max_s=0.02, rate_limit_wait_max_s=60, rng=random.Random(1))
    assert p.rate_limit_wait(0, "7", rate_body(30)) == 7.0
    assert 28 <= p.rate_limit_wait(0, None, rate_body(30)) <= 31
    assert p.rate_limit_wait(0, None, rate_body(3600)) == 60  # capped
    assert p.rate_limit_wait(3, None, {"error": "Rate Limit Exceeded"}) <= 0.02
    assert p.rate_limit_wait(3, None, "Please slow down.") <= 0.02


def test_api_error_text_and_user_error():
    e = ApiError("permanent", 404, "/tracks/{urn}", "not found")
    assert "/tracks/{urn}" in str(e) and not e.retryable
    assert ApiError("transient", None, "/me", "timed out").retryable
    ue = to_user_error(e)
    assert ue.line().startswith("error: SoundCloud request /tracks/{urn} failed (HTTP 404)")
