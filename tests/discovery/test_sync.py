"""Sync against the emulator over loopback: correctness, incrementality, schedule, faults."""

from __future__ import annotations

from tests.discovery.helpers import (
    expected_provenance,
    home_db,
    list_requests,
    snapshot,
    stored_provenance,
    watch_all,
)


def test_first_sync_stores_every_visible_pick_once(synced) -> None:
    emu, summary = synced
    assert summary["status"] == "ok", summary
    expected = expected_provenance(emu)
    assert stored_provenance() == expected
    assert summary["provenance_new"] == len(expected)
    conn = home_db()
    try:
        n_tracks = conn.execute(
            "SELECT count(*), count(DISTINCT urn) FROM tracks t WHERE EXISTS (SELECT 1 FROM provenance p WHERE p.track_id = t.id)"
        ).fetchone()
        assert n_tracks[0] == n_tracks[1] == len({t for t, *_ in expected})
        # a track picked by two artists is one track with two provenance rows
        shared = conn.execute(
            "SELECT t.urn, count(DISTINCT p.artist_id) FROM provenance p JOIN tracks t ON t.id = p.track_id "
            "GROUP BY p.track_id HAVING count(DISTINCT p.artist_id) > 1"
        ).fetchall()
        assert shared, "the tiny world should have a track picked by two artists"
        urn = shared[0][0]
        assert conn.execute("SELECT count(*) FROM tracks WHERE urn = ?", (urn,)).fetchone()[0] == 1
        # the blocked track in an artist's likes is not recorded
        blocked = {u for u, t in emu.world.tracks.items() if t.access == "blocked"}
        assert not blocked & {t for t, *_ in stored_provenance(conn)}
        runs = conn.execute(
            "SELECT status, artists_done, tracks_new, requests FROM sync_runs"
        ).fetchall()
        assert [tuple(r) for r in runs] == [("ok", 4, n_tracks[0], summary["requests"])]
    finally:
        conn.close()


def test_resync_without_activity_is_one_request_per_source_and_changes_nothing(synced, mm) -> None:
    emu, _ = synced
    before = snapshot()
    assert mm("sync", "--json").json()["artists_planned"] == 0  # nobody is due yet
    second = mm("sync", "--all", "--json").json()
    assert second["status"] == "ok" and second["provenance_new"] == 0
    assert list_requests(second["client"]) == {
        "/users/{urn}/likes/tracks": 4,
        "/users/{urn}/reposts/tracks": 4,
        "/users/{urn}/tracks": 4,
    }
    assert snapshot() == before
    conn = home_db()
    try:
        intervals = {r[0] for r in conn.execute("SELECT check_interval_hours FROM artists")}
    finally:
        conn.close()
    assert intervals == {
        6.0
    }  # quiet for seconds only: still the minimum (it grows with quiet time)


def test_new_activity_is_picked_up_exactly(synced, mm) -> None:
    emu, _ = synced
    before = stored_provenance()
    changed = emu.mutate(likes=3, reposts=2, uploads=1)
    r = mm("sync", "--all", "--json").json()
    added = stored_provenance() - before
    want = {(c["track"], c["artist"], "like") for c in changed["likes"]}
    want |= {(c["track"], c["artist"], "repost") for c in changed["reposts"]}
    want |= {(c["track"], c["artist"], "upload") for c in changed["uploads"]}
    want = {w for w in want if emu.world.tracks[w[0]].access != "blocked"}
    assert {(t, a, k) for t, a, k, _ in added} == want
    assert r["provenance_new"] == len(want)
    src = {"like": "likes", "repost": "reposts", "upload": "uploads"}
    for (
        t,
        a,
        k,
        pos,
    ) in added:  # position = index in the list when first seen (new items: at the top)
        visible = [
            u for u in emu.world.list_for(src[k], a) if emu.world.tracks[u].access != "blocked"
        ]
        assert pos == visible.index(t) < 3
    assert before <= stored_provenance()
    conn = home_db()
    try:
        active = {
            r[0] for r in conn.execute("SELECT a.urn FROM artists a WHERE check_interval_hours = 6")
        }
    finally:
        conn.close()
    assert active == {a for _, a, _ in want}


def test_fault_storm_converges_to_the_fault_free_state(logged_in, mm) -> None:
    emu = logged_in
    watch_all(emu)
    emu.set_faults(
        "rate=0.3,seed=7,kinds=429,500,502,503,drop,truncate,repeat_cursor,empty_page,retry_after=yes"
    )
    runs = []
    for _ in range(4):
        runs.append(mm("sync", "--json").json())
        if runs[-1]["status"] == "ok" and runs[-1]["artists_planned"] == 0:
            break
    emu.set_faults(None)
    assert sum(r["client"].get("retries", 0) for r in runs) > 0, "faults should have been injected"
    assert stored_provenance() == expected_provenance(emu)
    conn = home_db()
    try:
        assert conn.execute("SELECT count(*) - count(DISTINCT urn) FROM tracks").fetchone()[0] == 0
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_full_pass_records_disappearance_without_deleting(synced, mm) -> None:
    emu, _ = synced
    before = stored_provenance()
    changed = emu.mutate(delete=2)
    r = mm("sync", "--full", "--json").json()
    assert r["status"] == "ok", r
    conn = home_db()
    try:
        gone = {
            tuple(x)
            for x in conn.execute(
                "SELECT t.urn, a.urn, p.kind FROM provenance p JOIN tracks t ON t.id = p.track_id "
                "JOIN artists a ON a.id = p.artist_id WHERE p.gone_at IS NOT NULL"
            )
        }
        deleted = {x[0] for x in conn.execute("SELECT urn FROM tracks WHERE status = 'deleted'")}
    finally:
        conn.close()
    assert stored_provenance() == before  # nothing deleted
    assert {t for t, _, _ in gone} == set(changed["deleted"])
    assert deleted == set(changed["deleted"])
    assert r["provenance_gone"] == len(gone) and r["tracks_deleted"] == len(deleted)


def test_dry_run_plans_without_requests(logged_in, mm) -> None:
    watch_all(logged_in)
    logged_in.reset_stats()
    r = mm("sync", "--dry-run", "--json")
    assert r.code == 0
    assert r.json()["artists_planned"] == 4
    assert logged_in.stats()["total"] == 0
    assert stored_provenance() == set()


def test_history_lists_runs(synced, mm) -> None:
    runs = mm("sync", "history", "--json").json()["items"]
    assert len(runs) == 1 and runs[0]["status"] == "ok"
    assert runs[0]["stats"]["client"]["by_endpoint"]
    human = mm("sync", "history")
    assert human.code == 0 and "ok" in human.out


def test_sync_one_named_artist(synced, mm) -> None:
    emu, _ = synced
    a0 = emu.world.artist_urns[0]
    r = mm("sync", "--artist", emu.world.users[a0].permalink, "--no-learn", "--json").json()
    assert r["artists_planned"] == 1 and r["artists_done"] == 1
    assert sum(list_requests(r["client"]).values()) == 3


def test_failed_walks_leave_their_artists_due_and_exit_3(logged_in, mm) -> None:
    from music_minion.emulator.testing import SECRET_MARKERS

    emu = logged_in
    watch_all(emu)
    assert mm("config", "set", "soundcloud.max_retries", "0").code == 0
    emu.set_faults("rate=0.3,seed=11,kinds=503")
    r = mm("sync", "--no-learn", "--json")
    first = r.json()
    assert r.code == 3 and first["status"] == "partial", first
    assert first["errors"].get("transient", 0) >= 1 and 0 < first["artists_done"] < 4
    for marker in SECRET_MARKERS:
        assert marker not in r.out + r.err
    conn = home_db()
    try:
        due = conn.execute("SELECT count(*) FROM artists WHERE last_checked_at IS NULL").fetchone()[
            0
        ]
    finally:
        conn.close()
    assert due == 4 - first["artists_done"]
    emu.set_faults(None)
    second = mm("sync", "--no-learn", "--json").json()
    assert second["status"] == "ok" and second["artists_planned"] == due
    assert stored_provenance() == expected_provenance(emu)
    human = mm("sync", "history")
    assert "partial" in human.out


def test_sync_learns_and_pushes(logged_in, mm) -> None:
    emu = logged_in
    watch_all(emu)
    r = mm("sync", "--push", "--json")
    d = r.json()
    assert r.code == 0 and d["status"] == "ok", d
    assert isinstance(d["learn"], dict) and not d["learn"].get("skipped"), d["learn"]
    assert isinstance(d["push"], dict) and not d["push"].get("skipped"), d["push"]
    conn = home_db()
    try:
        liked = conn.execute("SELECT count(*) FROM judgments WHERE verdict = 'liked'").fetchone()[0]
    finally:
        conn.close()
    assert liked > 0  # my likes became judgments at the end of the sync
    assert any(p.title == "Music Minion Discoveries" for p in emu.world.playlists.values())


def test_full_pass_cut_by_the_cap_marks_nothing_gone(synced, mm) -> None:
    emu, _ = synced
    assert mm("config", "set", "soundcloud.page_size", "3").code == 0
    assert mm("config", "set", "discovery.full_max_pages", "1").code == 0
    emu.mutate(delete=2)
    r = mm("sync", "--full", "--no-learn", "--json").json()
    assert r["status"] == "ok" and r["provenance_gone"] == 0 and r["tracks_deleted"] == 0
    conn = home_db()
    try:
        assert (
            conn.execute("SELECT count(*) FROM provenance WHERE gone_at IS NOT NULL").fetchone()[0]
            == 0
        )
    finally:
        conn.close()
