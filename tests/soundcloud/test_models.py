"""Tolerant parsing: typed fast path, lenient fallback, skipped-and-counted malformed items, dates."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from music_minion.soundcloud import models
from music_minion.soundcloud.errors import NotFound, RateLimited, Transient
from music_minion.soundcloud.models import (
    Malformed,
    Playlist,
    Track,
    User,
    decode_one,
    decode_page,
    iso_date,
)

TRACK = {
    "kind": "track",
    "id": 12,
    "urn": "soundcloud:tracks:12",
    "title": "Night Drive",
    "user": {
        "urn": "soundcloud:users:3",
        "username": "Quiet Signal",
        "kind": "user",
        "avatar_url": "x",
    },
    "permalink_url": "https://soundcloud.com/quiet/night-drive",
    "duration": 241000,
    "genre": "House",
    "tag_list": 'deep "late night"',
    "bpm": 124,
    "created_at": "2019/01/15 15:40:49 +0000",
    "access": "playable",
    "streamable": True,
    "playback_count": 10,
    "favoritings_count": 4,
    "reposts_count": 2,
    "waveform_url": "w",
    "some_future_field": {"nested": [1, 2]},
}


def enc(x) -> bytes:
    return msgspec.json.encode(x)


def test_full_track_parses_with_nested_user_and_iso_date():
    t = decode_one(enc(TRACK), "tracks")
    assert t == Track(
        urn="soundcloud:tracks:12",
        id=12,
        title="Night Drive",
        user_urn="soundcloud:users:3",
        user_name="Quiet Signal",
        permalink_url="https://soundcloud.com/quiet/night-drive",
        duration_ms=241000,
        genre="House",
        tag_list='deep "late night"',
        bpm=124.0,
        created_at="2019-01-15T15:40:49Z",
        access="playable",
        streamable=True,
        playback_count=10,
        likes_count=4,
        reposts_count=2,
    )


def test_missing_optional_fields_become_none_and_id_is_optional():
    t = decode_one(enc({"urn": "soundcloud:tracks:7"}), "tracks")
    assert t == Track(urn="soundcloud:tracks:7")
    u = decode_one(enc({"urn": "soundcloud:users:9", "username": "a"}), "users")
    assert u == User(urn="soundcloud:users:9", username="a")


def test_wrongly_typed_fields_become_none_not_fatal():
    bad = {
        **TRACK,
        "id": "twelve",
        "duration": "241000",
        "bpm": "fast",
        "streamable": "yes",
        "user": "nobody",
        "created_at": 5,
        "title": ["x"],
    }
    t = decode_one(enc(bad), "tracks")
    assert t.urn == "soundcloud:tracks:12"
    assert (t.id, t.duration_ms, t.bpm, t.streamable, t.user_urn, t.created_at, t.title) == (
        None,
        241000,
        None,
        None,
        None,
        None,
        None,
    )
    assert t.genre == "House"


@pytest.mark.parametrize(
    "when,iso",
    [
        ("2019/01/15 15:40:49 +0000", "2019-01-15T15:40:49Z"),
        ("2021-04-19T04:42:01Z", "2021-04-19T04:42:01Z"),
        ("2019/01/15 15:40:49 +0200", "2019-01-15T13:40:49Z"),
        ("2021-04-19T04:42:01.123+02:00", "2021-04-19T02:42:01Z"),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_both_date_formats_become_utc_iso(when, iso):
    assert iso_date(when) == iso


def test_page_skips_and_counts_malformed_items():
    body = enc(
        {
            "collection": [
                TRACK,
                {"urn": 5},
                {"title": "no urn"},
                "junk",
                {**TRACK, "urn": "soundcloud:tracks:13", "bpm": "x"},
            ],
            "next_href": "https://api.soundcloud.com/me/likes/tracks?cursor=abc",
        }
    )
    page = decode_page(body, "tracks")
    assert [t.urn for t in page.items] == ["soundcloud:tracks:12", "soundcloud:tracks:13"]
    assert page.skipped == 3
    assert page.next_href.endswith("cursor=abc")


def test_bare_array_and_empty_page_and_null_next():
    assert [t.urn for t in decode_page(enc([TRACK]), "tracks").items] == ["soundcloud:tracks:12"]
    page = decode_page(enc({"collection": [], "next_href": None}), "tracks")
    assert page.items == [] and page.next_href is None and page.skipped == 0


@pytest.mark.parametrize(
    "body",
    [b'{"collection": [{"urn": "soundcloud:tra', b"<html>oops</html>", b"", b'{"collection": 5}'],
)
def test_broken_pages_raise_malformed(body):
    with pytest.raises(Malformed):
        decode_page(body, "tracks")


def test_single_object_that_is_not_one_raises_malformed():
    with pytest.raises(Malformed):
        decode_one(b'{"urn": "soundcloud:tr', "tracks")
    with pytest.raises(Malformed):
        decode_one(enc({"urn": "soundcloud:users:1"}), "tracks")


def test_playlist_with_tracks_and_user_urn_from_owner():
    body = enc(
        {
            "urn": "soundcloud:playlists:9",
            "title": "P",
            "sharing": "private",
            "track_count": 2,
            "user": {"urn": "soundcloud:users:3"},
            "tracks": [TRACK, {"bad": 1}],
        }
    )
    p = decode_one(body, "playlists")
    assert isinstance(p, Playlist) and p.user_urn == "soundcloud:users:3"
    assert [t.urn for t in p.tracks] == ["soundcloud:tracks:12"]


def test_kind_of_resolved_objects():
    assert models.kind_of(enc(TRACK)) == "tracks"
    assert models.kind_of(enc({"urn": "soundcloud:users:4"})) == "users"
    assert models.kind_of(enc({"kind": "comment"})) is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
    max_leaves=8,
)
FIELDS = [
    "urn",
    "id",
    "title",
    "user",
    "duration",
    "bpm",
    "created_at",
    "streamable",
    "favoritings_count",
    "genre",
]


@settings(max_examples=80, deadline=None)
@given(
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=10),
    st.sampled_from(["tracks", "users", "playlists"]),
)
@example({"id": 1.0}, "tracks")
def test_any_item_is_parsed_or_skipped_never_raises(item, kind):
    page = decode_page(enc({"collection": [item]}), kind)
    assert len(page.items) + page.skipped == 1
    if page.items:  # named by its URN, or (older captures) by its numeric id within the page's kind
        ident = item.get("id")  # a whole float (1.0, as some JSON writers put it) is that integer
        ident = int(ident) if isinstance(ident, float) else ident
        expected = item.get("urn") or f"soundcloud:{kind}:{ident}"
        assert page.items[0].urn == expected


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 10**12),
    st.text(max_size=40),
    st.integers(0, 10**7) | st.none(),
    st.datetimes(
        min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
)
def test_well_formed_tracks_keep_their_values(n, title, duration, when):
    item = {
        "urn": f"soundcloud:tracks:{n}",
        "title": title,
        "duration": duration,
        "created_at": when.strftime("%Y/%m/%d %H:%M:%S +0000"),
    }
    t = decode_page(enc({"collection": [item]}), "tracks").items[0]
    assert (t.urn, t.title, t.duration_ms) == (item["urn"], title, duration)
    assert t.created_at == when.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_outcome_summary():
    r = models.BatchResult(
        [
            models.Outcome("a", value=1),
            models.Outcome("b", error=NotFound(404, "/resolve", "not found")),
            models.Outcome("c", error=Transient(503, "/resolve", "down")),
            models.Outcome("d", error=RateLimited(429, "/resolve", "slow down")),
        ]
    )
    assert r.summary == models.BatchSummary(resolved=1, failed_permanent=1, failed_transient=2)
    assert r.summary.as_dict() == {"resolved": 1, "failed_permanent": 1, "failed_transient": 2}
    assert r.values() == [1]
