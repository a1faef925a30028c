"""Review page fixtures: a synced home served by a running page, and a headless browser on it."""

from __future__ import annotations

import pytest
from benchmarks.browser import BROWSER_ARGS, chromium_path

from tests.discovery.helpers import watch_all
from tests.web.helpers import in_ci


@pytest.fixture
def synced(logged_in, mm):
    """A logged-in home watching the tiny world's artists, after one successful sync."""
    watch_all(logged_in)
    r = mm("sync", "--json")
    assert r.code == 0, r.err
    return logged_in


@pytest.fixture
def review_settings() -> dict[str, str]:
    """Settings written before the page starts (tests override this fixture's values)."""
    return {}


@pytest.fixture
def page_server(synced, mm, review_settings):
    """The review page, on a random port, over the synced tiny world."""
    from music_minion import config
    from music_minion.web.server import in_background

    for key, value in review_settings.items():
        assert mm("config", "set", key, value).code == 0
    config.set_config_path(None)
    bg = in_background(config.load())
    yield bg
    bg.stop()


@pytest.fixture
def chromium(page_server):
    """Headless Chromium through Playwright; skipped only when no browser exists outside CI.
    Started after the page (Playwright's sync API holds the event loop of this thread while it
    runs, so the login and sync before it must be done)."""
    path = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if in_ci():
            pytest.fail("playwright is not installed (pip install -e '.[dev]')")
        pytest.skip("playwright is not installed")
    if path is None:
        if in_ci():
            pytest.fail("no Chromium found: .ci/run installs Debian's chromium package")
        pytest.skip("no Chromium found (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=BROWSER_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium, page_server):
    """A fresh browser context on the page, signed in through the printed URL, queue loaded."""
    context = chromium.new_context(viewport={"width": 1100, "height": 760})
    page = context.new_page()
    page.goto(page_server.url)
    page.wait_for_selector("body[data-complete='1']", timeout=20_000)
    yield page
    context.close()
