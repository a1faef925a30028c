"""`feed --new`: only the tracks first seen since the last feed was shown."""

from __future__ import annotations

from tests.discovery.builder import ago


def test_feed_new_shows_what_arrived_since_the_last_look(mm, filled, store, monkeypatch):
    from datetime import timedelta

    from music_minion.discovery.feed import last_viewed, mark_viewed

    monkeypatch.setenv("COLUMNS", "250")
    r = mm("feed", "--new")
    assert r.code == 0, r.err
    assert r.out.splitlines()[0] == "3 new: no feed was shown before, so everything counts as new"
    first = last_viewed(store)
    assert first is not None
    seen = first - timedelta(hours=2)  # as if that look was two hours ago
    mark_viewed(store, seen)
    t5 = filled.track(5, title="Fresh One", uploader="Up Five")
    filled.prov(t5, 1, "repost", ago(hours=1))
    r = mm("feed", "--new")
    assert r.code == 0, r.err
    assert r.out.splitlines()[0] == f"1 new since {seen:%Y-%m-%d %H:%M}"
    assert "Fresh One" in r.out and "Three Friends" not in r.out
    assert last_viewed(store) >= seen
    r = mm("feed", "--new")
    assert r.out.splitlines()[0].startswith("0 new since ") and "Fresh One" not in r.out
    # a plain feed shows everything, and counts as a look too
    assert len(mm("feed", "--json").json()) == 4
    assert mm("feed", "--new", "--json").json() == []
    t6 = filled.track(6, title="Fresher", uploader="Up Six")
    filled.prov(t6, 2, "like", ago())
    assert [d["title"] for d in mm("feed", "--new", "--json").json()] == ["Fresher"]
    assert mm("judge", "1", "liked").code == 0  # the rows of a --new feed are remembered too
    assert "Fresher" in mm("judged").out


def test_feed_new_and_since_do_not_combine(mm, filled):
    r = mm("feed", "--new", "--since", "3")
    assert r.code == 2 and "--new and --since cannot be combined" in r.err
