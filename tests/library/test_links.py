"""`library link` / `unlink` / `review reject` on any link, through the real CLI and a real store."""

from __future__ import annotations

import os
from pathlib import Path

from music_minion.library.match import Matcher
from music_minion.library.samples import write_sample
from music_minion.store import connect
from music_minion.store.local_files import MatchTrack
from tests.library.helpers import add_tracks
from tests.library.test_cli import setup_library


def _by_name(mm) -> dict[str, dict]:
    return {Path(r["path"]).name: r for r in mm("library", "list", "--json").json()}


def test_manual_link_wins_survives_rescan_and_rematch(mm, home, monkeypatch):
    root = setup_library(home)
    mm("library", "scan", str(root))
    broken = _by_name(mm)["Some One - No Tags.ogg"]
    assert broken["match_status"] is None

    r = mm("library", "link", str(root / "Some One - No Tags.ogg"), "soundcloud:tracks:2")
    assert r.code == 0, r.err
    assert r.out == f"linked {root / 'Some One - No Tags.ogg'} → Red Lights — Tiësto\n"
    # a strong automatic match can be replaced by hand too, by id
    strobe = _by_name(mm)["strobe.mp3"]
    assert (strobe["match_status"], strobe["match_score"]) == ("auto", 100.0)
    assert mm("library", "link", str(strobe["id"]), "soundcloud:tracks:3").code == 0

    os.utime(root / "strobe.mp3", ns=(1, 1))  # changed on disk: re-read by the next scan
    assert mm("library", "scan", str(root), "--json").json()["changed"] == 1
    assert mm("library", "match", "--all").code == 0
    rows = _by_name(mm)
    assert (rows["strobe.mp3"]["match_status"], rows["strobe.mp3"]["track_urn"]) == (
        "manual",
        "soundcloud:tracks:3",
    )
    assert rows["Some One - No Tags.ogg"]["track_title"] == "Red Lights"
    monkeypatch.setenv("COLUMNS", "250")
    human = {
        line.split("│")[1].strip(): line for line in mm("library", "list").out.splitlines()[3:-1]
    }
    assert (
        "│ manual " in human[str(strobe["id"])] and "│ Tagged — Label " in human[str(strobe["id"])]
    )
    blue = human[str(rows["blue.flac"]["id"])]
    assert (
        f"│ review {rows['blue.flac']['match_score']:g} " in blue
        and "│ Red Lights — Tiësto " in blue
    )
    assert mm("library", "stats", "--json").json()["by_match"]["manual"] == 2


def test_unlink_and_reject_undo_auto_links_for_good(mm, home):
    root = setup_library(home)
    mm("library", "scan", str(root))
    strobe = _by_name(mm)["strobe.mp3"]
    assert strobe["match_status"] == "auto"
    r = mm("library", "unlink", str(root / "strobe.mp3"))
    assert r.code == 0 and r.out == f"unlinked {root / 'strobe.mp3'} → Strobe — deadmau5\n"
    mm("library", "match", "--all")
    os.utime(root / "strobe.mp3", ns=(1, 1))
    mm("library", "scan", str(root))
    assert _by_name(mm)["strobe.mp3"]["match_status"] == "rejected"  # never linked again

    tagged = _by_name(mm)["tagged.m4a"]
    assert tagged["match_status"] == "exact"
    r = mm("library", "review", "reject", str(tagged["id"]), "--json")
    assert r.code == 0 and r.json()[0]["previous"] == "exact"
    assert mm("library", "stats", "--json").json()["owned_tracks"] == 0

    blue = _by_name(mm)["blue.flac"]
    assert blue["match_status"] == "review"
    r = mm("library", "review", "reject", str(blue["id"]))  # a proposal: rejected, not unlinked
    assert r.out == f"rejected {root / 'sub' / 'blue.flac'} → Red Lights — Tiësto\n"

    r = mm("library", "unlink", str(tagged["id"]))  # nothing linked any more
    assert r.code == 1 and r.err.startswith(f"error: file {tagged['id']} (") and "no link" in r.err
    assert len(r.err.strip().splitlines()) <= 2


def test_link_and_unlink_refuse_bad_input(mm, home):
    root = setup_library(home)
    mm("library", "scan", str(root))
    r = mm("library", "link", str(root / "nope.mp3"), "soundcloud:tracks:1")
    assert r.code == 1 and r.err.startswith("error: no library file ")
    r = mm("library", "link", "9999", "soundcloud:tracks:1")
    assert r.code == 1 and "no library file '9999'" in r.err
    r = mm("library", "link", str(root / "strobe.mp3"), "soundcloud:tracks:77")
    assert r.code == 1 and "not in the index" in r.err
    r = mm("library", "link", str(root / "strobe.mp3"), "hello")
    assert r.code == 2 and "is not a track" in r.err
    assert _by_name(mm)["strobe.mp3"]["match_status"] == "auto"  # nothing changed


def test_a_score_exactly_at_match_auto_goes_to_review(tmp_path):
    conn = connect(tmp_path / "mm.db")
    add_tracks(conn, [(1, "Strobe", "deadmau5", 1.0)])
    tracks = [
        MatchTrack(*r)
        for r in conn.execute(
            "SELECT id, urn, title, uploader_name, duration_ms, permalink_url FROM tracks"
        )
    ]
    score = Matcher(tracks, auto=100, review=80, duration_tolerance_s=4).match(
        1, "Strobe", "deadmau5", 1000
    )
    assert (score.status, score.score) == ("review", 100.0)
    above = Matcher(tracks, auto=99.9, review=80, duration_tolerance_s=4)
    assert above.match(1, "Strobe", "deadmau5", 1000).status == "auto"


def test_link_owns_the_track_in_the_feed_and_unlink_brings_it_back(logged_in, mm, home):
    from tests.discovery.helpers import watch_all

    watch_all(logged_in)
    assert mm("sync").code == 0
    urn = mm("feed", "--limit", "1", "--json").json()[0]["urn"]
    lib = home / "music"
    lib.mkdir()
    write_sample(lib / "mystery.mp3", title="Zzqx Unknown", artist="Nobody")
    mm("library", "scan", str(lib))

    def in_feed() -> bool:
        return urn in {i["urn"] for i in mm("feed", "--limit", "500", "--json").json()}

    assert mm("library", "link", str(lib / "mystery.mp3"), urn).code == 0
    assert not in_feed()
    reasons = mm("why", urn, "--json").json()["reasons"]
    assert [r["text"] for r in reasons] == [f"owned: local file {lib / 'mystery.mp3'} matched"]
    assert mm("library", "unlink", str(lib / "mystery.mp3")).code == 0
    assert in_feed()
