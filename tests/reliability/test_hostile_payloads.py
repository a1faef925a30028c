"""Property tests: pages from a hostile server, through the client's parsers into the store's merge.

Items may miss fields, carry nulls, wrong types, huge strings, odd Unicode (including lone UTF-16
surrogate escapes, as a cut emoji gives), duplicates and bogus URNs; whole bodies may be no page
at all. Nothing crashes: a broken body is `Malformed` (a transient error the client retries), a bad
item is skipped and counted, every good item is parsed and stored exactly once, with the position
of its first appearance.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from music_minion.soundcloud.models import Malformed, decode_one, decode_page
from tests.reliability.helpers import LONG

pytestmark = pytest.mark.slow

EXAMPLES = 1500 if LONG else 150
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PREFIX = {
    "tracks": "soundcloud:tracks:",
    "users": "soundcloud:users:",
    "playlists": "soundcloud:playlists:",
}

HUGE = ["x" * 100_000, "🎵" * 20_000, "\u202e" + "ǅ" * 5_000, "a\u0000b" * 1000]
odd_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(HUGE),
    st.just(""),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
)
json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    odd_text,
)
json_any = st.recursive(
    json_scalar,
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
    max_leaves=6,
)
FIELDS = {
    "tracks": [
        "id",
        "title",
        "user",
        "user_urn",
        "permalink_url",
        "duration",
        "genre",
        "tag_list",
        "bpm",
        "created_at",
        "access",
        "streamable",
        "playback_count",
        "favoritings_count",
        "likes_count",
        "reposts_count",
    ],
    "users": [
        "id",
        "username",
        "permalink",
        "permalink_url",
        "followers_count",
        "track_count",
        "avatar_url",
    ],
    "playlists": [
        "id",
        "title",
        "sharing",
        "track_count",
        "permalink_url",
        "user",
        "user_urn",
        "tracks",
    ],
}
DATES = st.sampled_from(
    [
        "2019/01/15 15:40:49 +0000",
        "2024-02-29T23:59:59Z",
        "2024-13-45T99:99:99Z",
        "yesterday",
        "2019/01/15 15:40:49 +0100",
        "",
    ]
)


def good_urn(kind: str) -> st.SearchStrategy[str]:
    return st.integers(1, 10**15).map(lambda n: f"{PREFIX[kind]}{n}")


def bogus_urn(kind: str) -> st.SearchStrategy[Any]:
    other = [k for k in PREFIX if k != kind]
    return st.one_of(
        st.none(),
        st.integers(),
        st.floats(allow_nan=False),
        st.booleans(),
        st.lists(st.integers(), max_size=2),
        st.just(PREFIX[kind]),
        st.just(""),
        st.integers(1, 99).map(lambda n: f"tracks:{n}"),
        st.sampled_from(other).flatmap(
            lambda k: st.integers(1, 99).map(lambda n: f"{PREFIX[k]}{n}")
        ),
        st.text(max_size=20).filter(lambda t: not t.startswith(PREFIX[kind])),
    )


@st.composite
def item(draw: Any, kind: str, good: bool) -> dict[str, Any] | Any:
    """A good item (valid URN, any other fields) or a bad one (bogus/missing URN, or not an object)."""
    if not good and draw(st.booleans()):
        return draw(
            st.one_of(json_scalar, st.lists(json_scalar, max_size=3))
        )  # not an object at all
    body = {}
    for field in draw(
        st.lists(st.sampled_from(FIELDS[kind]), unique=True, max_size=len(FIELDS[kind]))
    ):
        body[field] = (
            draw(DATES) if field == "created_at" and draw(st.booleans()) else draw(json_any)
        )
    if good:
        body["urn"] = draw(good_urn(kind))
    elif draw(st.booleans()):
        body["urn"] = draw(bogus_urn(kind))
    if not good and body.get("urn") is None:
        body.pop("id", None)  # without a URN, an id (and kind) would name one: see test_realworld
    if draw(st.booleans()):
        body["kind"] = kind[:-1]
    return body


@st.composite
def page(draw: Any, kind: str) -> tuple[list[Any], list[bool]]:
    """Items with their goodness; some good items repeated (a duplicate in one list)."""
    flags = draw(st.lists(st.booleans(), max_size=12))
    items = [draw(item(kind, good)) for good in flags]
    goods = [i for i, g in zip(items, flags, strict=True) if g]
    if goods and draw(st.booleans()):
        dup = draw(st.sampled_from(goods))
        at = draw(st.integers(0, len(items)))
        items.insert(at, dup)
        flags.insert(at, True)
    return items, flags


CUT = "<<cut emoji>>"  # becomes a lone high surrogate escape in the JSON text
TEXT_FIELD = {"tracks": "title", "users": "username", "playlists": "title"}


def encode(doc: Any) -> bytes:
    return json.dumps(doc).replace(CUT, "\\ud83c").encode()


def cut_emoji(items: list[Any], flags: list[bool], kind: str) -> None:
    """End the text field of every good item with a lone surrogate (a cut emoji)."""
    for it, good in zip(items, flags, strict=True):
        if good:
            it[TEXT_FIELD[kind]] = (
                f"{it.get(TEXT_FIELD[kind]) if isinstance(it.get(TEXT_FIELD[kind]), str) else ''}{CUT}"
            )


@SETTINGS
@given(
    st.sampled_from(list(PREFIX)).flatmap(lambda k: st.tuples(st.just(k), page(k))),
    st.booleans(),
    st.booleans(),
    st.one_of(
        st.none(), st.just("https://api.soundcloud.com/next?cursor=1"), st.integers(), st.just("")
    ),
)
@example(
    ("tracks", ([{"duration": 2**63, "urn": "soundcloud:tracks:1"}], [True])), False, False, None
)
def test_bad_items_are_skipped_and_counted_good_ones_kept(kind_page, bare, lone, next_href) -> None:
    kind, (items, flags) = kind_page
    if lone:
        cut_emoji(items, flags, kind)
    doc: Any = items if bare else {"collection": items, "next_href": next_href}
    body = encode(doc)
    try:
        result = decode_page(body, kind)
    except Malformed:
        assert not bare and not isinstance(next_href, str | type(None)), (
            "a well-formed page was refused"
        )
        return
    assert [i.urn for i in result.items] == [
        it["urn"] for it, g in zip(items, flags, strict=True) if g
    ]
    assert result.skipped == flags.count(False)
    for parsed, raw in zip(
        result.items, [it for it, g in zip(items, flags, strict=True) if g], strict=True
    ):
        for field in ("title", "username", "genre", "permalink_url"):
            if hasattr(parsed, field) and field in raw:
                want = raw[field].replace(CUT, "\ufffd") if isinstance(raw[field], str) else None
                assert getattr(parsed, field) == want, field
        if kind == "tracks" and "duration" in raw:
            d = raw["duration"]
            if isinstance(d, int) and not isinstance(d, bool):  # past 64 bits: unknown
                assert parsed.duration_ms == (d if -(2**63) <= d < 2**63 else None)
            if isinstance(d, list | dict | type(None)):
                assert parsed.duration_ms is None


@SETTINGS
@given(
    st.one_of(json_any, st.binary(max_size=40), st.text(max_size=40).map(str.encode)),
    st.sampled_from(list(PREFIX)),
)
def test_a_body_that_is_no_page_is_malformed_never_a_crash(doc, kind) -> None:
    body = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    try:
        result = decode_page(body, kind)
    except Malformed:
        return
    assert result.skipped >= 0 and all(i.urn.startswith(PREFIX[kind]) for i in result.items)


def test_a_cut_emoji_in_one_title_does_not_sink_the_page() -> None:
    body = (
        b'{"collection": [{"urn": "soundcloud:tracks:1", "title": "Good \\ud83c"}, {"urn": "soundcloud:tracks:2",'
        b' "title": "ok \\ud83c\\udfb5"}], "next_href": null}'
    )
    result = decode_page(body, "tracks")
    assert [t.urn for t in result.items] == ["soundcloud:tracks:1", "soundcloud:tracks:2"]
    assert result.items[0].title == "Good \ufffd" and result.items[1].title == "ok 🎵"
    assert result.skipped == 0
    one = decode_one(b'{"urn": "soundcloud:users:3", "username": "\\udfb5DJ"}', "users")
    assert one.username == "\ufffdDJ"
    with pytest.raises(Malformed):
        decode_one(
            b'{"urn": "soundcloud:users:3", "username": "\\ud83c', "users"
        )  # cut short as well


_db_dir = tempfile.TemporaryDirectory(prefix="mm-hostile-")


def _fresh_db(n: list[int] = [0]) -> sqlite3.Connection:  # noqa: B006 - a counter across examples
    from music_minion.store import artists as artists_store
    from music_minion.store import connect

    n[0] += 1
    conn = connect(Path(_db_dir.name) / f"db{n[0]}.sqlite")
    artists_store.upsert_resolved(
        conn, artists_store.Resolved("soundcloud:users:1", "scout", "scout", None)
    )
    return conn


@SETTINGS
@given(page("tracks"), st.sampled_from(["like", "repost", "upload"]))
def test_merge_stores_each_good_track_once_at_its_first_position(items_flags, kind) -> None:
    from music_minion.discovery.sources import track_row
    from music_minion.store import provenance as prov

    items, _ = items_flags
    parsed = decode_page(json.dumps({"collection": items}).encode(), "tracks").items
    rows = [track_row(t) for t in parsed]
    conn = _fresh_db()
    try:
        artist_id = conn.execute("SELECT id FROM artists").fetchone()[0]
        res = prov.merge_source(conn, artist_id, kind, rows, "2026-01-01T00:00:00Z")
        again = prov.merge_source(
            conn, artist_id, kind, list(reversed(rows)), "2026-01-02T00:00:00Z"
        )
        first: dict[str, int] = {}
        for t in parsed:
            first.setdefault(t.urn, len(first))
        stored = {
            r[0]: (r[1], r[2])
            for r in conn.execute(
                "SELECT t.urn, p.position, p.first_seen_at FROM provenance p JOIN tracks t ON t.id = p.track_id"
            )
        }
        assert stored == {u: (i, "2026-01-01T00:00:00Z") for u, i in first.items()}
        assert res.provenance_new == len(first) and again.provenance_new == 0
        # Within one walk the first occurrence of a URN is the one merged; the second (reversed)
        # walk updates what it knows and never erases a value with a missing one.
        first_walk = {t.urn: t for t in reversed(parsed)}
        second_walk = {t.urn: t for t in parsed}
        for urn, title, duration in conn.execute("SELECT urn, title, duration_ms FROM tracks"):
            a, b = first_walk[urn], second_walk[urn]
            want = (
                b.title if b.title is not None else a.title,
                b.duration_ms if b.duration_ms is not None else a.duration_ms,
            )
            assert (title, duration) == want
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_numbers_sqlite_cannot_hold_become_none_and_the_track_is_stored() -> None:
    from music_minion.discovery.sources import track_row
    from music_minion.store import provenance as prov

    body = json.dumps(
        {
            "collection": [
                {
                    "urn": "soundcloud:tracks:1",
                    "playback_count": 2**64,
                    "duration": 9.223372036854776e18,
                    "title": "big",
                },
                {
                    "urn": "soundcloud:tracks:2",
                    "likes_count": "99999999999999999999",
                    "id": -(2**63) - 1,
                    "duration": 1000,
                },
            ]
        }
    ).encode()
    tracks = decode_page(body, "tracks").items
    assert [(t.playback_count, t.duration_ms, t.likes_count, t.id) for t in tracks] == [
        (None, None, None, None),
        (None, 1000, None, None),
    ]
    conn = _fresh_db()
    try:
        artist_id = conn.execute("SELECT id FROM artists").fetchone()[0]
        res = prov.merge_source(
            conn, artist_id, "like", [track_row(t) for t in tracks], "2026-01-01T00:00:00Z"
        )
        assert res.provenance_new == 2
    finally:
        conn.close()
