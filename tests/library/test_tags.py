"""Tag reading from real audio files of every format, and broken files that must never be fatal."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from music_minion.library.samples import SAMPLE_FORMATS, audio_bytes, write_sample
from music_minion.library.tags import read_tags, track_page_url

FULL = {
    "title": "Hoppípolla (Original Mix)",
    "artist": "Sigur Rós",
    "album": "Takk...",
    "bpm": 128,
    "key": "8A",
    "year": 2005,
    "urn": "soundcloud:tracks:123456",
}


@pytest.mark.parametrize("fmt", SAMPLE_FORMATS)
def test_every_format_round_trips_its_tags(tmp_path, fmt):
    path = write_sample(tmp_path / f"song.{fmt}", seconds=0.5, **FULL)
    tags = read_tags(path)
    assert tags.error is None and tags.note is None
    assert (tags.title, tags.artist, tags.album) == (FULL["title"], FULL["artist"], FULL["album"])
    assert (tags.bpm, tags.key, tags.year, tags.sc_urn) == (
        128.0,
        "8A",
        2005,
        "soundcloud:tracks:123456",
    )
    assert abs(tags.duration_ms - 500) <= 30


@pytest.mark.parametrize("fmt", ["mp3", "flac", "m4a"])
def test_soundcloud_page_url_in_a_comment_or_url_tag(tmp_path, fmt):
    path = write_sample(
        tmp_path / f"a.{fmt}",
        title="T",
        artist="A",
        comment="grabbed from https://SoundCloud.com/Some-Artist/Cool_Track?si=abc ok",
    )
    tags = read_tags(path)
    assert tags.sc_urn is None and tags.sc_url == "https://soundcloud.com/some-artist/cool_track"
    path = write_sample(
        tmp_path / f"b.{fmt}", title="T", artist="A", url="https://api.soundcloud.com/tracks/987"
    )
    assert read_tags(path).sc_urn == "soundcloud:tracks:987"


def test_page_url_parsing_ignores_sets_and_profiles():
    assert track_page_url("https://soundcloud.com/artist/sets/my-playlist") is None
    assert track_page_url("see soundcloud.com/artist") is None
    assert track_page_url("https://m.soundcloud.com/a-b/c.d") == "https://soundcloud.com/a-b/c.d"


def test_bad_tag_values_become_none(tmp_path):
    path = write_sample(
        tmp_path / "x.flac", title="T", artist="A", bpm="fast", year="someday", urn="not a urn"
    )
    tags = read_tags(path)
    assert (tags.bpm, tags.year, tags.sc_urn, tags.error) == (None, None, None, None)
    path = write_sample(tmp_path / "y.flac", title="T", artist="A", bpm="127,5", year="2019-04-01")
    assert (read_tags(path).bpm, read_tags(path).year) == (127.5, 2019)


@pytest.mark.parametrize("fmt", SAMPLE_FORMATS)
def test_tagless_file_takes_artist_and_title_from_its_name(tmp_path, fmt):
    path = write_sample(tmp_path / f"07 - Daft Punk - One More Time.{fmt}")
    tags = read_tags(path)
    assert tags.error is None and tags.duration_ms
    assert (tags.artist, tags.title) == ("Daft Punk", "One More Time")
    assert "file name" in tags.note
    plain = read_tags(write_sample(tmp_path / f"untitled.{fmt}"))
    assert (plain.artist, plain.title, plain.error) == (None, "untitled", None)


@pytest.mark.parametrize("fmt", SAMPLE_FORMATS)
def test_truncated_files_are_reported_not_raised(tmp_path, fmt):
    data = audio_bytes(fmt, 0.2)
    path = tmp_path / f"cut.{fmt}"
    path.write_bytes(data[:40])
    tags = read_tags(path)
    assert tags.error and tags.error.startswith("unreadable")


def test_random_bytes_empty_and_missing_files(tmp_path):
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(os.urandom(20_000))
    assert read_tags(junk).error.startswith("unreadable")
    renamed = tmp_path / "really_flac.mp3"  # a misnamed file is still read
    renamed.write_bytes(
        (tmp_path / write_sample(tmp_path / "f.flac", title="T", artist="A").name).read_bytes()
    )
    assert read_tags(renamed).format == "flac"
    empty = tmp_path / "empty.flac"
    empty.touch()
    assert read_tags(empty).error == "empty file"
    assert read_tags(tmp_path / "missing.ogg").error.startswith("cannot open")


@pytest.mark.parametrize("fmt", ["wav", "aiff"])
def test_pcm_file_cut_in_half_is_truncated(tmp_path, fmt):
    data = audio_bytes(fmt, 1.0)
    path = tmp_path / f"half.{fmt}"
    path.write_bytes(data[: len(data) // 2])
    assert "truncated" in read_tags(path).error


_CLEAN = {}


@settings(max_examples=80, deadline=None)
@given(fmt=st.sampled_from(SAMPLE_FORMATS), data=st.data())
def test_corrupted_bytes_never_raise(fmt, data):
    """Flip bytes anywhere in a real tagged file (headers, tag blocks, audio): a result, never an exception."""
    import tempfile
    from pathlib import Path

    if fmt not in _CLEAN:
        with tempfile.TemporaryDirectory() as tmp:
            _CLEAN[fmt] = write_sample(
                Path(tmp) / f"c.{fmt}", title="T", artist="A", urn="soundcloud:tracks:1"
            ).read_bytes()
    raw = bytearray(_CLEAN[fmt])
    for pos in data.draw(st.lists(st.integers(0, len(raw) - 1), min_size=1, max_size=8)):
        raw[pos] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(raw)))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"x.{fmt}"
        path.write_bytes(bytes(raw[:cut]))
        tags = read_tags(path)
    assert (tags.error is None) or tags.error.startswith(("unreadable", "not a recognised"))
