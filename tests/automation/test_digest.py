"""The digest: written after each sync (Atom + HTML), and on demand in three formats."""

from __future__ import annotations

from html.parser import HTMLParser

import feedparser

from tests.discovery.helpers import watch_all

VOID = {"meta", "br", "link", "img", "hr", "input"}


class _Balanced(HTMLParser):
    """Checks that every opened element is closed in order (well formed)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, f"</{tag}> closes nothing open"


def _well_formed(text: str) -> None:
    p = _Balanced()
    p.feed(text)
    p.close()
    assert p.stack == [] and text.startswith("<!DOCTYPE html>")


def test_a_sync_writes_a_feed_and_a_page_then_nothing_new(logged_in, home, mm) -> None:
    watch_all(logged_in)
    r = mm("sync", "--json").json()
    assert r["digest"]["picks"] > 0, r["digest"]
    feed = feedparser.parse((home / "data" / "digest.xml").read_text())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Music Minion digest" and "curators checked" in feed.feed.subtitle
    assert len(feed.entries) == r["digest"]["picks"]
    e = feed.entries[0]
    assert e.link.startswith("http") and e.summary and e.id and e.updated_parsed
    page = (home / "data" / "digest.html").read_text()
    _well_formed(page)
    assert e.link in page
    again = mm("sync", "--all", "--json").json()  # right away: nothing new since that digest
    assert again["digest"]["picks"] == 0, again["digest"]
    empty = feedparser.parse((home / "data" / "digest.xml").read_text())
    assert empty.entries == [] and "Nothing new" in empty.feed.subtitle


def test_a_digest_with_nothing_new_says_so() -> None:
    from music_minion.discovery.digest import Digest
    from music_minion.discovery.digest_render import atom, markdown, page

    figures = {"curators_checked": 4, "new_picks": 0, "liked": 0, "dismissed": 0}
    d = Digest("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", [], figures)
    empty = feedparser.parse(atom(d))
    assert not empty.bozo and empty.entries == [] and "Nothing new" in empty.feed.subtitle
    from music_minion.timeutil import for_people

    since = for_people("2026-01-01T00:00:00Z")  # read as every command shows a moment
    assert f"Nothing new since {since}." in markdown(d) and "T00:00:00Z" not in markdown(d)
    _well_formed(page(d))
    assert f"Nothing new since {since}." in page(d)


def test_digest_on_demand_in_each_format(logged_in, home, mm) -> None:
    watch_all(logged_in)
    mm("sync", "--json")
    md = mm("digest")
    assert md.code == 0 and md.out.startswith("# Music Minion digest") and "](http" in md.out
    atom = mm("digest", "--format", "atom", "--since", "2")
    assert not feedparser.parse(atom.out).bozo
    out = home / "out" / "d.html"
    assert mm("digest", "--format", "html", "--output", str(out)).code == 0
    _well_formed(out.read_text())


def test_an_unwritable_digest_folder_gives_one_line(logged_in, home, mm) -> None:
    blocker = home / "not-a-dir"
    blocker.write_text("a file where a folder should be")
    r = mm("digest", "--output", str(blocker / "d.md"))
    assert r.code == 1 and r.err.startswith("error: cannot write")
    assert len(r.err.strip().splitlines()) == 1
    assert mm("config", "set", "paths.digest_feed", str(blocker / "feed.xml")).code == 0
    watch_all(logged_in)
    s = mm("sync", "--json")
    assert s.code == 0 and s.json()["digest"] == {"error": "MinionError"}
