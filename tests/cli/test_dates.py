"""Every command shows a moment the same way, `2026-11-30 14:02` in local time; JSON keeps ISO 8601."""

from __future__ import annotations

import re
import time

import pytest

from tests.discovery.helpers import watch_all

SHOWN = re.compile(r"\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}\b")
OTHER = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}|\d{4}/\d{2}/\d{2}|(?<![\d-])\d{2}-\d{2} \d{2}:\d{2}")


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_one_format(utc):
    from music_minion.timeutil import for_people as when

    assert when("2026-11-30T14:02:09Z") == "2026-11-30 14:02"
    assert when("2026/11/30 14:02:09 +0000") == "2026-11-30 14:02"
    assert when(1_796_047_320.0) == "2026-11-30 14:02"
    assert when(None) == "" and when("") == ""


def test_commands_show_moments_in_the_one_format(logged_in, mm, utc, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    watch_all(logged_in)
    assert mm("sync").code == 0
    shown = {
        args: mm(*args).out
        for args in [
            ("sync", "history"),
            ("artists", "list"),
            ("status",),
            ("auth", "status"),
            ("undo", "--list"),  # the sync's learned judgments are a batch
        ]
    }
    for args, out in shown.items():
        assert SHOWN.search(out), (args, out)
        assert not OTHER.search(out), (args, out)
    iso = mm("sync", "history", "--json").json()["items"][0]["started_at"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", iso)
