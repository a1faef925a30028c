"""Lists fit the terminal they are on: one line per row at 80 and 160 columns, links never split,
plain tab-separated lines when piped, a footer when cut, a hint when empty."""

from __future__ import annotations

import re
import sqlite3

import pytest

from tests.discovery.builder import Builder, ago
from tests.helpers import screen, terminal

LONG = "An Extremely Long Title Of A Track That Goes On (Extended Club Remix By Somebody)"


@pytest.fixture
def feed_of_30(store: sqlite3.Connection) -> Builder:
    """Ten watched artists with long names; 30 tracks with long titles, each picked by several."""
    b = Builder(store)
    names = [f"Curator Number {i} With A Long Name" for i in range(10)]
    artists = [b.artist(n) for n in names]
    for n in range(1, 31):
        t = b.track(n, title=f"{LONG} {n}", uploader=f"Uploader{n}", genre="deep house")
        for k in range(1 + n % 4):
            b.prov(t, artists[(n + k) % 10], ("repost", "like")[k % 2], ago(days=1 + n / 10))
    return b


@pytest.mark.parametrize("width", [80, 160])
def test_each_feed_row_is_one_line_of_the_terminal(mm, feed_of_30, monkeypatch, width):
    terminal(monkeypatch, width)
    r = mm("feed", "--limit", "20")
    assert r.code == 0, r.err
    lines = screen(r.out)
    assert all(len(x) <= width for x in lines), max(lines, key=len)
    rows = [x for x in lines if re.match(r"\s*\d+ ", x)]
    assert len(rows) == 20
    assert all("Uploader" in x and "…" in x for x in rows)  # the long title is cut, not wrapped
    assert "https://" not in r.out
    assert "showing 20 of 30 candidates — at most 3 per artist; `--limit 0` for all" in r.out
    hidden = "genre, link" if width == 80 else "link"  # the genre gives way first at 80
    assert f"not shown: {hidden} — `--wide`, or pipe the output" in r.out
    assert all(re.search(r" \d+(\.\d+)?k? ", x) for x in rows)  # a score of a few characters
    if width == 160:
        assert all("deep house" in x and re.search(r"\d+ reposts?", x) for x in rows)


def test_wide_shows_every_link_whole_on_one_line(mm, feed_of_30, monkeypatch):
    links = [d["link"] for d in mm("feed", "--limit", "0", "--json").json()["items"]]
    terminal(monkeypatch, 80)
    r = mm("feed", "--limit", "0", "--wide")
    assert r.code == 0, r.err
    lines = screen(r.out)
    assert len(links) > 20 and all(len(x) <= 80 for x in lines)
    for link in links:
        assert sum(bool(re.search(rf"{re.escape(link)}(\s|$)", x)) for x in lines) == 1, link
    rows = [x for x in lines if re.match(r"\s*\d+ ", x)]
    assert len(rows) == len(links) and all("Uploader" in x for x in rows)  # the row keeps its text
    # the per-artist cap, not the limit, leaves the rest out: no `--limit 0` hint
    assert f"showing {len(links)} of 30 candidates — at most 3 per artist" in r.out
    assert "--limit 0" not in r.out


def test_piped_feed_is_tab_separated_with_full_values(mm, feed_of_30):
    r = mm("feed", "--limit", "5")
    lines = r.out.splitlines()
    assert lines[0].split("\t") == [
        "#", "title", "uploader", "length", "score", "reason", "genre", "link"
    ]  # fmt: skip
    rows = [x.split("\t") for x in lines[1:]]
    assert len(rows) == 5 and all(len(x) == 8 for x in rows)
    assert all(x[1].startswith(LONG) and x[7].startswith("https://soundcloud.com/") for x in rows)
    assert re.fullmatch(r"\d+ (reposts?|likes?)(, \d+ likes?)? · .+", rows[0][5]), rows[0][5]
    assert "─" not in r.out and "│" not in r.out
    assert "showing 5 of 30 candidates" in r.err  # what is not data goes to stderr


def test_the_compact_reason_counts_kinds_and_names_the_strongest(mm, store):
    b = Builder(store)
    ids = [b.artist(n) for n in ("Bex", "Elif", "Fay", "Gus", "Hal", "Ivo")]
    t = b.track(1, title="Shared")
    for aid in ids[:3]:
        b.prov(t, aid, "repost", ago(days=1))
    for aid in ids:
        b.prov(t, aid, "like", ago(days=1))
    row = mm("feed", "--json").json()["items"][0]
    assert row["reason"].startswith("3 reposts, 6 likes · ")
    assert row["reason"].endswith(" +4") and row["reason"].count(",") == 2


def test_config_show_never_cuts_a_key(mm, monkeypatch):
    from music_minion.config import SETTINGS

    terminal(monkeypatch, 80)
    r = mm("config", "show")
    lines = screen(r.out)
    assert all(len(x) <= 80 for x in lines)
    shown = "\n".join(lines)
    for key in SETTINGS:
        assert re.search(rf"(^|\s){re.escape(key)}\s", shown, re.M), key


def test_a_cut_list_says_so_and_limit_0_shows_all(mm, store):
    b = Builder(store)
    for n in range(1, 8):
        b.local_file(b.track(n))
    r = mm("library", "list", "--limit", "3")
    assert len(r.out.splitlines()) == 4 and "showing 3 of 7 — `--limit 0` for all" in r.err
    r = mm("library", "list", "--limit", "0")
    assert len(r.out.splitlines()) == 8 and "showing" not in r.err
    data = mm("library", "list", "--limit", "3", "--json").json()
    assert (data["shown"], data["total"], len(data["items"])) == (3, 7, 3)


def test_empty_lists_say_what_to_do_on_a_terminal(mm, monkeypatch):
    terminal(monkeypatch, 80)
    assert "no artists watched yet" in mm("artists", "list").out
    assert "no sync has run yet: `music-minion sync`" in mm("sync", "history").out


def test_a_verdict_with_no_judgments_counts_the_others(mm, store):
    b = Builder(store)
    for n in range(1, 4):
        b.judgment(b.track(n), "liked")
    r = mm("judged", "--verdict", "not_quite")
    assert r.code == 0 and r.out == ""
    assert "no not_quite judgments (3 judgments in all)" in r.err


def test_playlist_history_and_undo_list_say_when_cut(mm, store):
    b = Builder(store)
    t = b.track(1)
    for _ in range(3):
        b.push([t])
    r = mm("playlist", "show", "--history", "2")
    assert r.code == 0 and "showing 2 of 3 — `--history N` for more" in r.err
    assert mm("playlist", "show", "--json").json()["pushes_total"] == 3
    for n in range(2, 25):
        b.track(n)
        assert mm("judge", f"soundcloud:tracks:{n}", "liked").code == 0  # one batch each
    r = mm("undo", "--list")
    assert len(r.out.splitlines()) == 21 and "showing 20 of 23" in r.err
    assert mm("undo", "--list", "--json").json()["total"] == 23


def test_narrow_terminal_hides_the_least_useful_columns_before_cutting_names(
    mm, store, monkeypatch
):
    from tests.discovery.builder import Builder

    b = Builder(store)
    for name in ("Basement Pulse", "Velvet Atlas 15", "Hugo Assembly"):
        b.artist(name)
    terminal(monkeypatch, 80)
    r = mm("artists", "list")
    lines = screen(r.out)
    assert all(len(x) <= 80 for x in lines), max(lines, key=len)
    for name in ("Basement Pulse", "Velvet Atlas 15", "Hugo Assembly"):
        assert any(x.startswith(name) for x in lines), r.out  # whole, not "…"
    assert "not shown: activity" in r.out or "activity" not in r.out
    terminal(monkeypatch, 200)
    assert "activity" in mm("artists", "list").out


def test_scores_read_in_a_few_characters() -> None:
    from music_minion.cli.format import score

    assert [score(v) for v in (0.0312, 881.2, 41580.2, 15322301.0, 1.5e10)] == [
        "0.0312",
        "881",
        "41.6k",
        "15.3M",
        "15G",
    ]
