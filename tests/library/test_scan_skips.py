"""A scan says what it left out and why, counted by reason, on real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from music_minion.library.samples import write_sample
from music_minion.library.scan import scan
from music_minion.store import connect
from tests.realworld import audio_files, realworld_root


def _skips_folder(root: Path) -> Path:
    """One audio file and one file of every reason a scan leaves a file out."""
    root.mkdir(parents=True)
    write_sample(root / "good.mp3", title="Good", artist="Band", seconds=1.0)
    (root / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0 not audio")
    (root / "notes.TXT").write_text("liner notes")
    (root / "README").write_text("no extension, not audio")
    damaged = bytearray(
        write_sample(root / "x.mp3", title="T", artist="A", seconds=1.0).read_bytes()
    )
    damaged[3] = 9  # an ID3 version no reader knows: the tag block is unreadable
    (root / "x.mp3").rename(root / "damaged tags.mp3")
    (root / "damaged tags.mp3").write_bytes(bytes(damaged))
    (root / "garbage.flac").write_bytes(b"\x00garbage" * 200)
    return root


def test_scan_counts_skipped_files_by_reason(tmp_path):
    root = _skips_folder(tmp_path / "music")
    conn = connect(tmp_path / "mm.db")
    summary = scan(conn, [root], workers=1)
    assert summary["skipped"] == {
        "unsupported .jpg": 1,
        "unsupported .txt": 1,
        "no extension": 1,
        "unreadable tags": 1,
        "unreadable file": 1,
    }
    assert summary["skipped_count"] == 5 and summary["files"] == 3  # two unreadable, kept
    reasons = dict(conn.execute("SELECT path, reason FROM local_files WHERE status = 'unreadable'"))
    assert reasons[str(root / "damaged tags.mp3")] == "unreadable tags: ID3v2.9 not supported"
    again = scan(conn, [root], workers=1)  # unchanged audio is not reopened, the others are told
    assert again["skipped"] == {"unsupported .jpg": 1, "unsupported .txt": 1, "no extension": 1}


def test_scan_command_prints_the_skips_in_one_line(mm, home):
    root = _skips_folder(home / "music")
    r = mm("library", "scan", str(root))
    assert r.code == 0, r.err
    line = next(x for x in r.out.splitlines() if "skipped" in x)
    count, reasons = line.split(": ", 1)
    assert count == "5 skipped"
    assert sorted(reasons.split(", ")) == [
        "1 no extension",
        "1 unreadable file",
        "1 unreadable tags",
        "1 unsupported .jpg",
        "1 unsupported .txt",
    ]
    assert mm("library", "scan", str(root), "--json").json()["skipped_count"] == 3


REAL = audio_files("beets")


@pytest.mark.skipif(not REAL, reason="the real-world audio files are not available")
def test_real_files_skipped_are_those_recorded_unreadable(tmp_path):
    conn = connect(tmp_path / "mm.db")
    summary = scan(conn, [realworld_root() / "audio" / "beets"], workers=1)
    unreadable = conn.execute("SELECT count(*) FROM local_files WHERE status = 'unreadable'")
    assert summary["skipped_count"] == summary["unreadable"] == unreadable.fetchone()[0] > 0
    assert set(summary["skipped"]) <= {"unreadable file", "unreadable tags"}
