"""A wrong command line is one line (exit 2) that says what is wrong, guesses a mistyped name and
points at the help; a negative number is read as a value, not as an option."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "args,words",
    [
        (["fed"], "No such command 'fed'; did you mean `feed`? — see `music-minion --help`"),
        (["artist"], "did you mean `artists`?"),
        (["libary"], "did you mean `library`?"),
        (["feed", "--limt", "3"], "Did you mean '--limit'? — see `music-minion feed --help`"),
        (["judge"], "Missing argument 'ROW|TRACK... VERDICT' — see `music-minion judge --help`"),
        (
            ["artists", "frobnicate"],
            "No such command 'frobnicate' — see `music-minion artists --help`",
        ),
    ],
)
def test_usage_errors_are_one_line(mm, home, args, words) -> None:
    r = mm(*args)
    assert r.code == 2 and r.err.count("\n") == 1 and r.err.startswith("error: "), r.err
    assert words in r.err and "Usage:" not in r.err and "Try '" not in r.err


def test_negative_numbers_are_values(mm, home) -> None:
    r = mm("config", "set", "ranking.weight_like", "-3")
    assert r.code == 1 and "ranking.weight_like must be at least 0, got -3.0" in r.err
    r = mm("artists", "set-weight", "some-dj", "-1")
    assert r.code == 2 and "-1.0 is not in the range x>=0" in r.err


def test_sync_help_tells_the_exit_codes_as_they_are(mm, home) -> None:
    out = mm("sync", "--help").out
    assert "2 bad usage" in out and "3 partial" in out
    assert mm("sync", "--nope").code == 2
