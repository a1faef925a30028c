"""`music-minion library ...` through the real entry point, on real files and a real store."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from music_minion.library.samples import write_sample
from music_minion.store import connect
from tests.library.helpers import add_tracks


def setup_library(home: Path) -> Path:
    root = home / "music"
    (root / "sub").mkdir(parents=True)
    write_sample(
        root / "strobe.mp3",
        title="Strobe (Original Mix)",
        artist="deadmau5",
        album="For Lack",
        seconds=1.0,
    )
    write_sample(root / "sub" / "blue.flac", title="Blue Lights", artist="Tiësto", seconds=1.0)
    write_sample(
        root / "sub" / "tagged.m4a", title="x", artist="y", urn="soundcloud:tracks:3", seconds=1.0
    )
    write_sample(root / "Some One - No Tags.ogg")
    (root / "broken.mp3").write_bytes(b"\x00garbage" * 200)
    conn = connect(home / "data" / "music-minion.db")
    add_tracks(
        conn,
        [
            (1, "Strobe", "deadmau5", 1.0),
            (2, "Red Lights", "Tiësto", 1.0),
            (3, "Tagged", "Label", 1.0),
        ],
    )
    conn.close()
    return root


def test_scan_json_summary_then_list_search_stats(mm, home):
    root = setup_library(home)
    r = mm("library", "scan", str(root), "--json")
    assert r.code == 0, r.err
    s = r.json()
    assert (s["files"], s["new"], s["unreadable"], s["tagless"], s["gone"]) == (5, 5, 1, 1, 0)
    assert (s["match"]["exact"], s["match"]["auto"], s["match"]["review"]) == (1, 1, 1)
    again = mm("library", "scan", str(root), "--json").json()
    assert (again["unchanged"], again["read"]) == (5, 0) and "match" not in again

    rows = mm("library", "list", "--limit", "0", "--json").json()
    assert len(mm("library", "list", "--limit", "2", "--offset", "1", "--json").json()) == 2
    assert [r["title"] for r in rows if r["status"] == "ok"] == [
        "Strobe (Original Mix)",
        "No Tags",
        "Blue Lights",
        "x",
    ]
    assert {r["path"].split("/")[-1]: r["match_status"] for r in rows}["tagged.m4a"] == "exact"
    matched = mm("library", "list", "--match", "matched", "--json").json()
    assert sorted(r["track_urn"] for r in matched) == ["soundcloud:tracks:1", "soundcloud:tracks:3"]
    assert [
        r["reason"][:10] for r in mm("library", "list", "--status", "unreadable", "--json").json()
    ] == ["unreadable"]

    hits = mm("library", "search", "TIESTO", "--json").json()  # case and accents folded
    assert [h["title"] for h in hits] == ["Blue Lights"]
    hits = mm("library", "search", "Blue", "lights", "--json").json()
    assert [h["title"] for h in hits] == ["Blue Lights"]
    assert mm("library", "search", "for", "lack", "--json").json()[0]["album"] == "For Lack"
    assert mm("library", "search", "100%", "--json").json() == []

    stats = mm("library", "stats", "--json").json()
    assert (stats["files"], stats["present"], stats["unreadable"], stats["owned_tracks"]) == (
        5,
        4,
        1,
        2,
    )
    assert stats["by_format"] == {"mp3": 1, "flac": 1, "mp4": 1, "ogg": 1}
    human = mm("library", "stats")
    assert human.code == 0 and "owned SoundCloud tracks: 2" in human.out


def test_review_accept_reject_and_errors(mm, home):
    root = setup_library(home)
    mm("library", "scan", str(root))
    pending = mm("library", "review", "--json").json()
    assert [(p["title"], p["track_title"]) for p in pending] == [("Blue Lights", "Red Lights")]
    file_id = pending[0]["id"]
    r = mm("library", "review", "accept", "999")
    assert r.code == 1 and r.err.startswith("error: no local file with id 999")
    r = mm("library", "review", "accept", str(file_id), "--json")
    assert r.code == 0 and r.json() == [
        {
            "id": file_id,
            "path": str(root / "sub" / "blue.flac"),
            "track_id": 2,
            "track_urn": "soundcloud:tracks:2",
            "track_title": "Red Lights",
            "track_uploader": "Tiësto",
            "match_status": "accepted",
            "previous": "review",
        }
    ]
    assert mm("library", "review", "--json").json() == []
    assert "nothing to review" in mm("library", "review").out
    r = mm("library", "review", "reject", str(file_id))
    assert r.code == 0 and r.out == f"unlinked {root / 'sub' / 'blue.flac'} → Red Lights — Tiësto\n"
    assert mm("library", "stats", "--json").json()["owned_tracks"] == 2


def test_interactive_review_reads_decisions_from_stdin(mm, home, monkeypatch):
    root = setup_library(home)
    write_sample(root / "sub" / "red2.flac", title="Red Lites", artist="Tiesto", seconds=1.0)
    mm("library", "scan", str(root))
    assert len(mm("library", "review", "--json").json()) == 2
    monkeypatch.setattr(sys, "stdin", io.StringIO("a\nq\n"))
    r = mm("library", "review", "-i")
    assert r.code == 0 and "1 accepted, 0 rejected, 0 skipped" in r.out
    assert len(mm("library", "review", "--json").json()) == 1


def test_match_command_and_thresholds_from_config(mm, home):
    root = setup_library(home)
    assert mm("config", "set", "library.match_after_scan", "false").code == 0
    mm("library", "scan", str(root))
    assert mm("library", "list", "--match", "matched", "--json").json() == []
    r = mm("config", "set", "library.match_review", "95")  # above match_auto (92): refused
    assert r.code == 1 and "library.match_auto (92) is below library.match_review (95)" in r.err
    mm("config", "set", "library.match_review", "80")
    result = mm("library", "match", "--json").json()
    assert (result["exact"], result["auto"], result["review"], result["unmatched"]) == (1, 1, 1, 1)
    assert "0 exact" in mm("library", "match").out  # nothing left open but the unmatched file


def test_scan_errors_are_one_line(mm, home):
    r = mm("library", "scan")
    assert r.code == 1 and r.err.count("\n") == 1 and "no library folders configured" in r.err
    r = mm("library", "scan", str(home / "nope"))
    assert r.code == 1 and "no such folder" in r.err
    f = home / "file.mp3"
    f.write_bytes(b"x")
    assert "is not a folder" in mm("library", "scan", str(f)).err
    mm("config", "set", "library.paths", str(home / "unplugged"))
    r = mm("library", "scan")
    assert r.code == 1 and "none of the library folders exist" in r.err
    r = mm("library", "search", " ")
    assert r.code == 1 and "empty search query" in r.err


def test_scan_uses_configured_paths_and_reports_missing_ones(mm, home):
    root = setup_library(home)
    mm("config", "set", "library.paths", f"{root},{home / 'unplugged'}")
    r = mm("library", "scan")
    assert r.code == 0 and "5 files: 5 new" in r.out and "does not exist" in r.err
