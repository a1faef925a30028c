"""A scan of real audio files (beets' test resources, read in place): every format mutagen reads is
listed, a file without an extension is recognised by content, and every file ends up recorded with
a status and, when not ok, a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from music_minion.library.formats import AUDIO_EXTENSIONS, audio_suffix, looks_like_audio
from music_minion.library.scan import scan
from music_minion.store import connect
from tests.library.helpers import rows_by_name
from tests.realworld import audio_files, realworld_root

FILES = audio_files("beets")
ROOT = realworld_root() / "audio" / "beets"
pytestmark = pytest.mark.skipif(not FILES, reason="the real-world audio files are not available")
FULL = ["mp3", "m4a", "alac.m4a", "flac", "ogg", "opus", "aiff", "wma", "wv", "ape", "mpc", "dsf"]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    conn = connect(tmp_path_factory.mktemp("store") / "mm.db")
    summary = scan(conn, [ROOT], workers=1)
    rows = {name: dict(row) for name, row in rows_by_name(conn).items()}
    conn.close()
    return summary, rows


def test_every_file_is_listed(scanned):
    summary, rows = scanned
    assert set(rows) == {p.name for p in FILES}
    assert summary["files"] == len(FILES) and summary["error_count"] == 0


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_each_file_has_a_status_and_a_reason_when_not_ok(scanned, path: Path):
    row = scanned[1][path.name]
    assert row["status"] in ("ok", "unreadable")
    if row["status"] != "ok":
        assert row["reason"]
    if row["duration_ms"] is not None:
        assert 0 < row["duration_ms"] <= 24 * 3600 * 1000


@pytest.mark.parametrize("kind", FULL)
def test_full_files_of_every_format_give_their_tags(scanned, kind):
    row = scanned[1][f"full.{kind}"]
    assert (row["status"], row["title"], row["artist"]) == ("ok", "full", "the artist")
    assert row["duration_ms"]


def test_files_without_an_extension_are_told_by_content(scanned):
    rows = scanned[1]
    assert (rows["no_ext"]["status"], rows["no_ext"]["format"]) == ("ok", "mp3")
    assert rows["no_ext_not_music"]["status"] == "unreadable"
    assert rows["no_ext_not_music"]["reason"] == "empty file"


def test_a_duration_no_file_can_have_is_unknown_with_a_reason(scanned):
    old = scanned[1]["oldape.ape"]  # the header claims 40,780,800 s
    assert old["status"] == "ok" and old["duration_ms"] is None
    assert old["reason"].startswith("duration unknown")


def test_formats_by_extension_and_by_content(tmp_path):
    for ext in ("wma", "wv", "ape", "mpc", "dsf", "dff", "tak", "ofr", "tta", "spx", "ac3", "m4b"):
        assert f".{ext}" in AUDIO_EXTENSIONS
    assert audio_suffix("Song.WMA") == ".wma" and audio_suffix("cover.jpg") is None
    assert audio_suffix("no_ext") == "" and audio_suffix("Artist - Song feat. Someone") == ""
    text = tmp_path / "README"
    text.write_text("not audio")
    assert looks_like_audio(str(ROOT / "no_ext")) and not looks_like_audio(str(text))
