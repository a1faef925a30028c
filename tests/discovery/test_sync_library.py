"""Sync links local files to the tracks it discovers, so owned music never reaches the feed."""

from __future__ import annotations

from music_minion.library.samples import audio_bytes, write_sample
from tests.discovery.helpers import home_db, watch_all


def test_sync_matches_files_scanned_before_their_tracks_were_known(logged_in, mm, home) -> None:
    emu = logged_in
    watch_all(emu)
    artist = emu.world.artist_urns[0]
    urn = next(
        u for u in emu.world.list_for("reposts", artist) if emu.world.tracks[u].access != "blocked"
    )
    track = emu.world.tracks[urn]
    uploader = emu.world.users[track.user_urn].username
    lib = home / "music"
    lib.mkdir()
    write_sample(
        lib / "owned.m4a",
        "m4a",
        audio=audio_bytes("m4a", track.duration_ms / 1000),
        title=track.title,
        artist=uploader,
    )
    scan = mm("library", "scan", str(lib), "--json")
    assert scan.code == 0, scan.err
    conn = home_db()
    assert (
        conn.execute("SELECT track_id FROM local_files").fetchone()[0] is None
    )  # nothing to match yet
    conn.close()

    r = mm("sync", "--json")
    assert r.code == 0, r.err
    summary = r.json()
    assert summary["library"]["auto"] + summary["library"]["exact"] == 1
    conn = home_db()
    linked = conn.execute(
        "SELECT t.urn, f.match_status FROM local_files f JOIN tracks t ON t.id = f.track_id"
    ).fetchall()
    conn.close()
    assert [tuple(x) for x in linked] == [(urn, "auto")]
    feed = mm("feed", "--limit", "500", "--json").json()["items"]
    assert feed and urn not in {item["urn"] for item in feed}

    again = mm("sync", "--all", "--json").json()
    assert "library" not in again  # no new tracks: the library is not re-matched


def test_human_summary_reports_learning_and_linking(logged_in, mm, home) -> None:
    watch_all(logged_in)
    first = mm("sync")
    assert first.code == 0, first.err
    likes = len(logged_in.world.list_for("likes", logged_in.user_urn))
    assert f"learned: {likes} new likes of mine; judgments " in first.out
    again = mm("sync", "--all")
    assert "learned: 0 new likes of mine; judgments 0 added, 0 changed, 0 removed" in again.out
