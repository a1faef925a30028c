"""Folder scans into a real SQLite store: first scan, incremental rescans, gone files, broken files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from music_minion.library import scan as scan_mod
from music_minion.library.samples import write_sample
from music_minion.library.scan import scan
from music_minion.store.local_files import FileMatch, save_matches
from tests.library.helpers import rows_by_name


def make_music(root: Path) -> None:
    (root / "Artist" / "Album").mkdir(parents=True)
    write_sample(
        root / "Artist" / "Album" / "one.mp3",
        title="One",
        artist="Artist",
        album="Album",
        bpm=124,
        key="5A",
        year=2021,
    )
    write_sample(
        root / "Artist" / "two.flac", title="Two", artist="Artist", urn="soundcloud:tracks:42"
    )
    write_sample(root / "three.m4a", title="Three", artist="Other", seconds=3.5)
    write_sample(root / "Someone - Untagged Song.ogg")
    (root / "broken.wav").write_bytes(os.urandom(3000))
    (root / "cover.jpg").write_bytes(b"\xff\xd8 not audio")
    (root / "._one.mp3").write_bytes(b"AppleDouble junk")
    (root / ".hidden").mkdir()
    write_sample(root / ".hidden" / "secret.mp3", title="Hidden", artist="X")


def test_first_scan_records_tags_reasons_and_skips_junk(tmp_path, db):
    root = tmp_path / "music"
    make_music(root)
    summary = scan(db, [root])
    assert (
        summary["files"],
        summary["new"],
        summary["read"],
        summary["unreadable"],
        summary["tagless"],
    ) == (5, 5, 5, 1, 1)
    rows = rows_by_name(db)
    assert set(rows) == {
        "one.mp3",
        "two.flac",
        "three.m4a",
        "Someone - Untagged Song.ogg",
        "broken.wav",
    }
    one = rows["one.mp3"]
    assert (
        one["title"],
        one["artist"],
        one["album"],
        one["bpm"],
        one["musical_key"],
        one["year"],
        one["format"],
    ) == ("One", "Artist", "Album", 124.0, "5A", 2021, "mp3")
    assert (
        one["path"] == str(root / "Artist" / "Album" / "one.mp3")
        and one["status"] == "ok"
        and one["reason"] is None
    )
    assert rows["two.flac"]["sc_urn"] == "soundcloud:tracks:42"
    assert rows["three.m4a"]["duration_ms"] == 3500
    assert rows["broken.wav"]["status"] == "unreadable" and rows["broken.wav"]["reason"].startswith(
        "unreadable"
    )
    untagged = rows["Someone - Untagged Song.ogg"]
    assert (untagged["artist"], untagged["title"], untagged["status"]) == (
        "Someone",
        "Untagged Song",
        "ok",
    )
    assert "file name" in untagged["reason"]


def test_unchanged_files_are_not_reopened(tmp_path, db):
    root = tmp_path / "music"
    make_music(root)
    scan(db, [root])
    # Replace a file's bytes with junk of the same size and put the old mtime back: a rescan that
    # reopened it would now record it unreadable.
    one = root / "Artist" / "Album" / "one.mp3"
    st = one.stat()
    one.write_bytes(os.urandom(st.st_size))
    os.utime(one, ns=(st.st_atime_ns, st.st_mtime_ns))
    summary = scan(db, [root])
    assert (summary["read"], summary["unchanged"], summary["new"], summary["gone"]) == (0, 5, 0, 0)
    assert rows_by_name(db)["one.mp3"]["title"] == "One"
    os.utime(one, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    summary = scan(db, [root])
    assert (summary["read"], summary["changed"]) == (1, 1)
    assert rows_by_name(db)["one.mp3"]["status"] == "unreadable"


def test_changed_file_is_reread_and_loses_only_automatic_matches(tmp_path, db, tracks):
    root = tmp_path / "music"
    root.mkdir()
    a = write_sample(root / "a.flac", title="Old", artist="X")
    b = write_sample(root / "b.flac", title="Kept", artist="Y")
    scan(db, [root])
    tracks(db, [(1, "Old", "X", None), (2, "Kept", "Y", None)])
    ids = {Path(r["path"]).name: r["id"] for r in db.execute("SELECT id, path FROM local_files")}
    save_matches(
        db,
        [FileMatch(ids["a.flac"], 1, "auto", 99.0), FileMatch(ids["b.flac"], 2, "review", 85.0)],
        "2026-01-01T00:00:00Z",
    )
    db.execute("UPDATE local_files SET match_status = 'accepted' WHERE id = ?", (ids["b.flac"],))
    write_sample(a, title="New Title", artist="X", seconds=0.3)
    write_sample(b, title="Kept Retagged", artist="Y", seconds=0.3)
    assert scan(db, [root])["changed"] == 2
    rows = rows_by_name(db)
    assert (
        rows["a.flac"]["title"],
        rows["a.flac"]["track_id"],
        rows["a.flac"]["match_status"],
    ) == ("New Title", None, None)
    assert (
        rows["b.flac"]["title"],
        rows["b.flac"]["track_id"],
        rows["b.flac"]["match_status"],
    ) == ("Kept Retagged", 2, "accepted")


def test_removed_files_are_marked_gone_and_come_back(tmp_path, db):
    root = tmp_path / "music"
    make_music(root)
    scan(db, [root])
    moved = tmp_path / "moved.m4a"
    (root / "three.m4a").rename(moved)
    summary = scan(db, [root])
    assert summary["gone"] == 1
    row = rows_by_name(db)["three.m4a"]
    assert row["status"] == "gone" and row["gone_at"] and row["title"] == "Three"
    assert scan(db, [root])["gone"] == 0  # already gone: not counted again
    moved.rename(root / "three.m4a")
    summary = scan(db, [root])
    assert summary["read"] == 1
    row = rows_by_name(db)["three.m4a"]
    assert row["status"] == "ok" and row["gone_at"] is None


def test_missing_root_keeps_its_files_and_other_roots_are_independent(tmp_path, db):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    write_sample(a / "x.mp3", title="X", artist="A")
    write_sample(b / "y.mp3", title="Y", artist="B")
    assert scan(db, [a, b])["files"] == 2
    (b / "y.mp3").rename(tmp_path / "y.mp3")
    b.rmdir()  # an unplugged drive
    summary = scan(db, [a, b])
    assert summary["missing_roots"] == [str(b)] and summary["gone"] == 0
    assert rows_by_name(db)["y.mp3"]["status"] == "ok"
    summary = scan(db, [a])  # scanning only `a` never touches files under `b`
    assert summary["gone"] == 0 and rows_by_name(db)["y.mp3"]["status"] == "ok"


def test_overlapping_roots_count_each_file_once(tmp_path, db):
    root = tmp_path / "music"
    make_music(root)
    summary = scan(db, [root, root / "Artist", root])
    assert summary["files"] == 5
    assert db.execute("SELECT count(*) FROM local_files").fetchone()[0] == 5


def test_process_pool_reads_the_same_tags_in_order(tmp_path, db, monkeypatch):
    root = tmp_path / "music"
    root.mkdir()
    for i in range(9):
        write_sample(root / f"{i}.flac", title=f"Song {i}", artist=f"Artist {i}")
    (root / "bad.flac").write_bytes(b"fLaC" + os.urandom(100))
    monkeypatch.setattr(scan_mod, "BATCH", 3)
    seen = []
    summary = scan(db, [root], workers=2, progress=lambda done, total: seen.append((done, total)))
    assert summary["workers"] == 2 and summary["read"] == 10 and summary["unreadable"] == 1
    assert seen[0] == (0, 10) and seen[-1] == (10, 10) and len(seen) == 5
    for name, row in rows_by_name(db).items():
        if name != "bad.flac":
            assert row["title"] == f"Song {name[0]}" and row["artist"] == f"Artist {name[0]}"


@pytest.mark.parametrize("count", [150])
def test_walk_scales_and_rescan_reads_no_unchanged_file(tmp_path, db, count, monkeypatch):
    """A rescan tells unchanged files by size and time alone: not one tag is read again
    (the rescan's speed is the scan benchmark's `scan_rescan_unchanged_s`)."""
    from benchmarks.bench_scan import make_library

    make_library(tmp_path / "lib", count)
    first = scan(db, [tmp_path / "lib"])
    assert first["read"] == count and first["unreadable"] == 0
    tag_reads: list[str] = []
    monkeypatch.setattr(scan_mod, "read_tags", tag_reads.append)
    second = scan(db, [tmp_path / "lib"])
    assert second["unchanged"] == count and second["read"] == 0 and second["new"] == 0
    assert tag_reads == []


def test_undecodable_file_name_is_reported_not_fatal(tmp_path, db):
    root = tmp_path / "music"
    root.mkdir()
    good = write_sample(root / "ok.flac", title="T", artist="A")
    bad = os.path.join(os.fsencode(root), b"caf\xe9.flac")
    with open(bad, "wb") as f:
        f.write(good.read_bytes())
    summary = scan(db, [root])
    assert summary["files"] == 1 and summary["error_count"] == 1
    assert "not valid UTF-8" in summary["errors"][0]


def test_folder_that_cannot_be_listed_is_reported_and_its_files_kept(tmp_path, db):
    import shutil

    from music_minion.library.scan import walk_audio

    root = tmp_path / "music"
    (root / "sub").mkdir(parents=True)
    write_sample(root / "a.flac", title="A", artist="X")
    write_sample(root / "sub" / "b.flac", title="B", artist="X")
    scan(db, [root])
    errors, failed = [], []
    walk = walk_audio(root, errors, failed)
    assert next(walk)[0] == str(root / "a.flac")
    shutil.rmtree(root / "sub")  # vanishes between listing its parent and listing it
    assert list(walk) == [] and failed == [str(root / "sub")] and "No such file" in errors[0]
    # scan() leaves rows under a failed folder alone; `_under` is the test it applies.
    assert scan_mod._under(str(root / "sub" / "b.flac"), failed)
    assert not scan_mod._under(str(root / "a.flac"), failed)
    assert not scan_mod._under(str(root / "subway.flac"), failed)
