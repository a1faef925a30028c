"""Empty lists say what to do; a filter that hides everything says how much it hid."""

from __future__ import annotations


def test_empty_lists_give_a_hint(mm, home) -> None:
    # piped (as here): stdout stays empty for scripts, the hint goes to stderr
    for args, hint in [
        (("artists", "list"), "no artists watched yet: `music-minion artists add URL`"),
        (("library", "list"), "no files listed: `music-minion library scan FOLDER`"),
        (("sync", "history"), "no sync has run yet: `music-minion sync`"),
        (("judged",), "no judgments yet"),
    ]:
        r = mm(*args)
        assert r.code == 0 and r.out == "" and hint in r.err, args


def test_judge_a_row_before_any_feed(mm, home) -> None:
    r = mm("judge", "1", "liked")
    assert r.code == 1 and "no feed has been shown yet, so there is no row 1" in r.err
    assert "run `music-minion feed` first" in r.err


def test_a_dry_run_push_of_an_empty_feed_warns(logged_in, mm) -> None:
    r = mm("playlist", "push", "--dry-run")
    assert r.code == 0 and "warning: the feed has nothing for Music Minion Discoveries" in r.err
