"""The review page in a real headless Chromium: the queue loads, keys record verdicts the database
shows, undo reverts, next and previous move, the audio really plays (progressive MP3 in the audio
element, HLS-only tracks through hls.js, the widget where neither can), the drop key lands near
the emulator's known drop, and a track heard enough times without a verdict leaves."""

from __future__ import annotations

import time
import urllib.parse

import pytest

from tests.emulator.helpers import http
from tests.web.helpers import manual_verdicts


def _queue(page) -> list[str]:
    return page.evaluate("window.review.queue.map((t) => t.urn)")


def _shown(page) -> str:
    return page.evaluate("window.review.queue[window.review.pos].urn")


def _wait_title(page, urn_index: int, queue: list[str]) -> None:
    page.wait_for_function(
        "(urn) => window.review.queue[window.review.pos]?.urn === urn", arg=queue[urn_index]
    )


def test_the_page_loads_the_queue_in_feed_order(browser_page, mm):
    feed = mm("feed", "--json", "--limit", "200").json()["items"]
    assert _queue(browser_page) == [r["urn"] for r in feed]
    assert browser_page.text_content("[data-testid=title]") == feed[0]["title"]
    assert browser_page.text_content("[data-testid=counter]").startswith(f"1 of {len(feed)}")
    browser_page.keyboard.press("?")
    assert browser_page.is_visible("#help")


def test_verdict_keys_save_at_once_and_undo_reverts(browser_page, mm):
    page = browser_page
    queue = _queue(page)
    page.keyboard.press("1")
    _wait_title(page, 1, queue)
    page.keyboard.press("2")
    _wait_title(page, 2, queue)
    page.keyboard.press("3")
    _wait_title(page, 3, queue)
    assert manual_verdicts(mm) == {
        queue[0]: "liked",
        queue[1]: "not_quite",
        queue[2]: "not_interested",
    }
    page.keyboard.press("u")
    _wait_title(page, 2, queue)
    page.wait_for_function("() => window.review.undo.length === 2")
    assert queue[2] not in manual_verdicts(mm)
    assert queue[2] in [r["urn"] for r in mm("feed", "--json", "--limit", "200").json()["items"]]
    page.click("button[data-key='1']")  # each key is also a button
    _wait_title(page, 3, queue)
    assert manual_verdicts(mm)[queue[2]] == "liked"


def test_next_and_previous_move_without_a_verdict(browser_page, mm):
    page = browser_page
    queue = _queue(page)
    page.keyboard.press("j")
    _wait_title(page, 1, queue)
    page.keyboard.press("j")
    _wait_title(page, 2, queue)
    page.keyboard.press("k")
    _wait_title(page, 1, queue)
    assert manual_verdicts(mm) == {}


def test_the_audio_really_plays(browser_page):
    page = browser_page
    page.wait_for_function("() => document.getElementById('audio').readyState >= 1")
    page.evaluate(
        "document.getElementById('audio').paused || document.getElementById('audio').pause()"
    )
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => document.getElementById('audio').currentTime > 1.0", timeout=20_000
    )
    assert not page.evaluate("document.getElementById('audio').paused")


def test_the_drop_key_lands_on_the_known_drop(browser_page, page_server, synced):
    page = browser_page
    urn = _shown(page)
    page.wait_for_function(
        "(urn) => window.review.info[urn] && window.review.info[urn].drop !== null"
        " && isFinite(document.getElementById('audio').duration)",
        arg=urn,
    )
    page.keyboard.press("d")
    page.wait_for_function("() => document.getElementById('audio').currentTime > 5")
    at = page.evaluate("document.getElementById('audio').currentTime")
    truth = http(f"{synced.api_base}/_emulator/tracks/{urllib.parse.quote(urn)}/audio").json()
    assert abs(at - truth["drop_s"]) <= 2.0
    page.keyboard.press("Shift+Digit5")
    page.wait_for_function(
        "() => Math.abs(document.getElementById('audio').currentTime"
        " - document.getElementById('audio').duration / 2) < 1"
    )


@pytest.mark.parametrize(
    "review_settings",
    [{"review.min_listen_seconds": "0.5", "review.max_unjudged_listens": "2"}],
)
def test_a_track_heard_enough_without_a_verdict_leaves(browser_page, mm, review_settings):
    page = browser_page
    queue = _queue(page)
    first = queue[0]
    for _ in range(2):
        page.wait_for_function(
            "(urn) => window.review.queue[window.review.pos]?.urn === urn", arg=first
        )
        page.evaluate("document.getElementById('audio').play()")
        page.wait_for_function("() => window.review.played > 0.8", timeout=20_000)
        page.keyboard.press("j")
        page.wait_for_function(
            "(urn) => window.review.queue[window.review.pos]?.urn !== urn", arg=first
        )
        page.wait_for_function(
            "(urn) => !window.review.queue.some((t) => t.urn === urn) || window.review.queue.find((t) => t.urn === urn).listens > 0",
            arg=first,
        )
        if first in _queue(page):
            page.keyboard.press("k")
    page.wait_for_function("(urn) => !window.review.queue.some((t) => t.urn === urn)", arg=first)
    assert first not in [r["urn"] for r in mm("feed", "--json", "--limit", "200").json()["items"]]
    assert first not in manual_verdicts(mm)


def test_an_unstreamable_track_plays_in_soundclouds_widget(browser_page, synced):
    page = browser_page
    queue = _queue(page)
    # the third track: the first shown prefetched only the second
    synced.call(setattr, synced.world.tracks[queue[2]], "access", "blocked")
    page.keyboard.press("j")
    _wait_title(page, 1, queue)
    page.keyboard.press("j")
    _wait_title(page, 2, queue)
    page.wait_for_selector("#widget iframe[src^='https://w.soundcloud.com/player/']")
    assert page.is_hidden("#audio")


def _full_track_ahead(page, synced, hls_only: bool) -> int:
    """The position of the first full-stream track past the prefetched second one, its streams
    made `hls_only` (or not) before the page asks for them."""
    queue = _queue(page)
    tracks = synced.world.tracks
    at = next(i for i in range(2, len(queue)) if tracks[queue[i]].access == "playable")
    synced.call(setattr, tracks[queue[at]], "hls_only", hls_only)
    return at


def _go_to(page, at: int) -> None:
    queue = _queue(page)
    for i in range(1, at + 1):
        page.keyboard.press("j")
        _wait_title(page, i, queue)


def _watch(page) -> list[tuple[str, int, str]]:
    """(path, status, content type) of the page's answers from now on; CSP violations are
    gathered in `window.__csp`."""
    seen: list[tuple[str, int, str]] = []
    page.on(
        "response",
        lambda r: seen.append(
            (urllib.parse.urlsplit(r.url).path, r.status, r.headers.get("content-type", ""))
        ),
    )
    page.evaluate(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI))"
    )
    return seen


PLAYING = "() => document.getElementById('audio').currentTime > 1.5 && !document.getElementById('audio').paused"


def test_a_progressive_track_plays_its_mp3_in_the_audio_element(browser_page, synced):
    page = browser_page
    at = _full_track_ahead(page, synced, hls_only=False)
    seen = _watch(page)
    _go_to(page, at)
    page.wait_for_function("() => window.review.player === 'audio'")
    page.wait_for_function(PLAYING, timeout=20_000)
    urn = urllib.parse.quote(_shown(page), safe="")
    assert page.evaluate("document.getElementById('audio').src").endswith(f"/api/audio/{urn}")
    served = [(s, t) for p, s, t in seen if p == f"/api/audio/{urn}"]
    assert served and all(s in (200, 206) and t == "audio/mpeg" for s, t in served)
    assert not any(p.startswith("/api/hls/") for p, _, _ in seen)
    assert page.evaluate("window.__csp") == []


def test_an_hls_only_track_plays_through_hls_js(browser_page, synced):
    page = browser_page
    at = _full_track_ahead(page, synced, hls_only=True)
    seen = _watch(page)
    _go_to(page, at)
    page.wait_for_function("() => window.review.player === 'hls' && window.review.hls !== null")
    page.wait_for_function(PLAYING, timeout=20_000)
    assert page.evaluate("document.getElementById('audio').src").startswith("blob:")
    urn = urllib.parse.quote(_shown(page), safe="")
    prefix = f"/api/hls/{urn}/"
    listing = [(s, t) for p, s, t in seen if p == prefix + "index.m3u8"]
    parts = [(s, t) for p, s, t in seen if p.startswith(prefix) and p[len(prefix) :].isdigit()]
    assert listing == [(200, "application/vnd.apple.mpegurl")]
    assert parts and all(x == (200, "audio/mpeg") for x in parts)
    assert not any(p == f"/api/audio/{urn}" for p, _, _ in seen)
    assert page.evaluate("window.__csp") == []
    page.keyboard.press("Shift+Digit5")  # seeking loads the part it lands in
    page.wait_for_function(
        "() => Math.abs(document.getElementById('audio').currentTime"
        " - document.getElementById('audio').duration / 2) < 1.5"
    )


def test_the_next_hls_only_track_has_its_first_part_fetched_before_it_is_shown(
    browser_page, synced
):
    page = browser_page
    at = _full_track_ahead(page, synced, hls_only=True)
    seen = _watch(page)
    _go_to(page, at - 1)  # the track before: the page prefetches the next one
    urn = urllib.parse.quote(_queue(page)[at], safe="")
    deadline = time.monotonic() + 10
    while (f"/api/hls/{urn}/0", 200, "audio/mpeg") not in seen and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert (f"/api/hls/{urn}/0", 200, "audio/mpeg") in seen, seen
    assert _shown(page) != _queue(page)[at]


def test_without_media_source_an_hls_only_track_uses_the_widget(browser_page, synced):
    page = browser_page
    at = _full_track_ahead(page, synced, hls_only=True)
    page.evaluate("for (const k of ['MediaSource', 'ManagedMediaSource']) window[k] = undefined")
    _go_to(page, at)
    page.wait_for_selector("#widget iframe[src^='https://w.soundcloud.com/player/']")
    assert page.is_hidden("#audio")
    assert page.evaluate("window.review.player") == "widget"
    assert page.evaluate("window.Hls.isSupported()") is False  # hls.js loaded, and declined
