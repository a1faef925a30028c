"""Store-level merge: tracks by URN, provenance INSERT OR IGNORE, gone_at, schedule, kv, runs, lock."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from music_minion.errors import MinionError
from music_minion.store import artists as artists_store
from music_minion.store import connect, kv, sync_runs
from music_minion.store import provenance as prov
from music_minion.store import tracks as tracks_store
from music_minion.store.db import integrity_problems


def track(n: int, **kw) -> tuple:
    d = dict(
        urn=f"soundcloud:tracks:{n}",
        title=f"t{n}",
        uploader_urn="soundcloud:users:9",
        uploader_name="u",
        permalink_url=f"https://soundcloud.com/u/t{n}",
        duration_ms=1000 * n,
        genre="house",
        tags="a b",
        bpm=120.0,
        created_at="2024-01-01T00:00:00Z",
        access="playable",
        playback_count=n,
        likes_count=1,
        reposts_count=0,
    )
    d.update(kw)
    return tuple(d[c] for c in tracks_store.TRACK_COLUMNS)


@pytest.fixture
def conn(tmp_path: Path):
    c = connect(tmp_path / "db.sqlite")
    yield c
    c.close()


def artist(conn, n: int) -> int:
    aid, created = artists_store.upsert_resolved(
        conn, artists_store.Resolved(f"soundcloud:users:{n}", f"user{n}", f"user-{n}")
    )
    assert created
    return aid


def prov_rows(conn) -> set[tuple]:
    return set(
        tuple(r)
        for r in conn.execute(
            "SELECT t.urn, a.urn, p.kind, p.position, p.gone_at IS NOT NULL FROM provenance p "
            "JOIN tracks t ON t.id = p.track_id JOIN artists a ON a.id = p.artist_id"
        )
    )


def test_two_artists_same_track_one_track_two_rows(conn) -> None:
    a, b = artist(conn, 1), artist(conn, 2)
    r1 = prov.merge_source(conn, a, "like", [track(1), track(2)], "2026-01-01T00:00:00Z")
    r2 = prov.merge_source(conn, b, "like", [track(2)], "2026-01-02T00:00:00Z")
    assert (r1.tracks_new, r1.provenance_new, r2.tracks_new, r2.provenance_new) == (2, 2, 0, 1)
    assert tracks_store.count(conn) == 2
    assert {(u, ar, k, p) for u, ar, k, p, _ in prov_rows(conn)} == {
        ("soundcloud:tracks:1", "soundcloud:users:1", "like", 0),
        ("soundcloud:tracks:2", "soundcloud:users:1", "like", 1),
        ("soundcloud:tracks:2", "soundcloud:users:2", "like", 0),
    }


def test_remerge_keeps_first_seen_and_position_and_writes_nothing(conn) -> None:
    a = artist(conn, 1)
    prov.merge_source(conn, a, "repost", [track(1), track(2)], "2026-01-01T00:00:00Z")
    before = conn.execute("SELECT * FROM tracks ORDER BY id").fetchall()
    r = prov.merge_source(conn, a, "repost", [track(3), track(2), track(1)], "2026-02-01T00:00:00Z")
    assert (r.tracks_new, r.provenance_new) == (1, 1)
    got = {
        row[0]: (row[1], row[2])
        for row in conn.execute(
            "SELECT t.urn, p.first_seen_at, p.position FROM provenance p JOIN tracks t ON t.id = p.track_id"
        )
    }
    assert got["soundcloud:tracks:1"] == ("2026-01-01T00:00:00Z", 0)
    assert got["soundcloud:tracks:2"] == ("2026-01-01T00:00:00Z", 1)
    assert got["soundcloud:tracks:3"] == ("2026-02-01T00:00:00Z", 0)
    after = conn.execute(
        "SELECT * FROM tracks WHERE urn != 'soundcloud:tracks:3' ORDER BY id"
    ).fetchall()
    assert [tuple(x) for x in after] == [
        tuple(x) for x in before
    ]  # same payload: not even updated_at moved


def test_upsert_updates_changed_fields_but_never_erases(conn) -> None:
    a = artist(conn, 1)
    prov.merge_source(conn, a, "upload", [track(1)], "2026-01-01T00:00:00Z")
    prov.merge_source(
        conn,
        a,
        "upload",
        [track(1, title="new", genre=None, playback_count=99)],
        "2026-01-05T00:00:00Z",
    )
    row = conn.execute(
        "SELECT title, genre, playback_count, first_seen_at, updated_at FROM tracks"
    ).fetchone()
    assert tuple(row) == ("new", "house", 99, "2026-01-01T00:00:00Z", "2026-01-05T00:00:00Z")


def test_duplicate_urn_in_one_walk_keeps_first_position(conn) -> None:
    a = artist(conn, 1)
    r = prov.merge_source(conn, a, "like", [track(5), track(6), track(5)], "2026-01-01T00:00:00Z")
    assert r.provenance_new == 2
    assert {(u, p) for u, _, _, p, _ in prov_rows(conn)} == {
        ("soundcloud:tracks:5", 0),
        ("soundcloud:tracks:6", 1),
    }


def test_full_pass_marks_gone_and_revives_without_deleting(conn) -> None:
    a = artist(conn, 1)
    prov.merge_source(conn, a, "like", [track(1), track(2), track(3)], "2026-01-01T00:00:00Z")
    r = prov.merge_source(conn, a, "like", [track(1), track(3)], "2026-01-02T00:00:00Z", full=True)
    assert (r.gone, r.revived) == (1, 0)
    assert {(u, g) for u, _, _, _, g in prov_rows(conn)} == {
        ("soundcloud:tracks:1", False),
        ("soundcloud:tracks:2", True),
        ("soundcloud:tracks:3", False),
    }
    assert prov.list_gone_track_urns(conn) == ["soundcloud:tracks:2"]
    r = prov.merge_source(
        conn, a, "like", [track(2), track(1), track(3)], "2026-01-03T00:00:00Z", full=True
    )
    assert (r.gone, r.revived, r.provenance_new) == (0, 1, 0)
    assert prov.count(conn) == 3


def test_failed_merge_rolls_back_whole(conn) -> None:
    a = artist(conn, 1)

    def boom(_c) -> None:
        raise RuntimeError("crash inside the transaction")

    with pytest.raises(RuntimeError):
        prov.merge_source(conn, a, "like", [track(1), track(2)], "2026-01-01T00:00:00Z", also=boom)
    assert tracks_store.count(conn) == 0 and prov.count(conn) == 0
    assert not conn.in_transaction
    prov.merge_source(conn, a, "like", [track(1)], "2026-01-01T00:00:00Z")
    assert prov.count(conn) == 1 and integrity_problems(conn) == []


def test_unknown_kind_rejected(conn) -> None:
    with pytest.raises(ValueError):
        prov.merge_source(conn, artist(conn, 1), "follow", [track(1)], "2026-01-01T00:00:00Z")


def test_known_urns_and_track_status(conn) -> None:
    a = artist(conn, 1)
    prov.merge_source(conn, a, "like", [track(1), track(2)], "2026-01-01T00:00:00Z")
    assert prov.list_known_urns(conn, a, "like") == {"soundcloud:tracks:1", "soundcloud:tracks:2"}
    assert prov.list_known_urns(conn, a, "repost") == set()
    assert (
        tracks_store.set_status(conn, ["soundcloud:tracks:1"], "deleted", "2026-01-02T00:00:00Z")
        == 1
    )
    assert (
        tracks_store.set_status(conn, ["soundcloud:tracks:1"], "deleted", "2026-01-03T00:00:00Z")
        == 0
    )
    prov.merge_source(
        conn, a, "repost", [track(1)], "2026-01-04T00:00:00Z"
    )  # seen again: available
    assert conn.execute(
        "SELECT status, status_changed_at FROM tracks WHERE urn = 'soundcloud:tracks:1'"
    ).fetchone()[:] == ("ok", "2026-01-04T00:00:00Z")


def test_artist_resolution_lifecycle_and_find(conn) -> None:
    fid = artists_store.record_failure(
        conn, "https://soundcloud.com/later", "failed_transient", "transient"
    )
    assert [r["id"] for r in artists_store.list_to_retry(conn)] == [fid]
    perm = artists_store.record_failure(
        conn, "https://soundcloud.com/nobody", "failed_permanent", "permanent 404"
    )
    assert perm not in [r["id"] for r in artists_store.list_to_retry(conn)]
    aid, created = artists_store.upsert_resolved(
        conn,
        artists_store.Resolved(
            "soundcloud:users:7", "Later", "later", "https://soundcloud.com/later"
        ),
        input="https://soundcloud.com/later",
    )
    assert (aid, created) == (fid, False)
    assert artists_store.list_to_retry(conn) == []
    assert (
        artists_store.record_failure(conn, "https://soundcloud.com/later", "failed_transient", "x")
        is None
    )
    assert artists_store.get_by_ref(conn, "later")["id"] == aid
    assert artists_store.get_by_ref(conn, "https://soundcloud.com/later/")["id"] == aid
    assert artists_store.get_by_ref(conn, "soundcloud:users:7")["id"] == aid
    with pytest.raises(MinionError, match="no artist matches"):
        artists_store.get_by_ref(conn, "ghost")
    assert [r["id"] for r in artists_store.list_due(conn, "2026-01-01T00:00:00Z")] == [aid]
    artists_store.set_schedule(
        conn,
        aid,
        interval_hours=12,
        checked_at="2026-01-01T00:00:00Z",
        next_check_at="2026-01-01T12:00:00Z",
        activity_at=None,
    )
    assert artists_store.list_due(conn, "2026-01-01T06:00:00Z") == []
    assert len(artists_store.list_due(conn, "2026-01-01T06:00:00Z", everyone=True)) == 1
    artists_store.set_watched(conn, aid, False)
    assert artists_store.list_due(conn, "2030-01-01T00:00:00Z", everyone=True) == []


def test_list_with_counts_joins_judgments(conn) -> None:
    a, b = artist(conn, 1), artist(conn, 2)
    prov.merge_source(conn, a, "like", [track(1), track(2), track(3)], "2026-01-01T00:00:00Z")
    prov.merge_source(conn, a, "repost", [track(1)], "2026-01-01T00:00:00Z")
    prov.merge_source(conn, b, "upload", [track(3)], "2026-01-01T00:00:00Z")
    ids = tracks_store.get_ids_by_urn(
        conn, ["soundcloud:tracks:1", "soundcloud:tracks:2", "soundcloud:tracks:3"]
    )
    conn.execute(
        "INSERT INTO judgments VALUES (?, 'liked', 'manual', '2026-01-02T00:00:00Z')",
        (ids["soundcloud:tracks:1"],),
    )
    conn.execute(
        "INSERT INTO judgments VALUES (?, 'not_quite', 'manual', '2026-01-02T00:00:00Z')",
        (ids["soundcloud:tracks:3"],),
    )
    rows = {r["urn"]: r for r in artists_store.list_with_counts(conn)}
    ra, rb = rows["soundcloud:users:1"], rows["soundcloud:users:2"]
    assert (
        ra["likes"],
        ra["reposts"],
        ra["uploads"],
        ra["picks_liked"],
        ra["picks_dismissed"],
    ) == (3, 1, 0, 1, 1)
    assert (
        rb["likes"],
        rb["reposts"],
        rb["uploads"],
        rb["picks_liked"],
        rb["picks_dismissed"],
    ) == (0, 0, 1, 0, 1)


def test_kv_and_sync_runs(conn) -> None:
    assert kv.get(conn, "me") is None
    kv.put(conn, "me", "soundcloud:users:1")
    kv.put(conn, "me", "soundcloud:users:2")
    assert kv.get(conn, "me") == "soundcloud:users:2"
    assert kv.delete(conn, "me") and not kv.delete(conn, "me")
    r1 = sync_runs.start(conn, {"full": False})
    assert sync_runs.mark_interrupted(conn) == 1
    r2 = sync_runs.start(conn, {"full": True}, artists_planned=3)
    sync_runs.finish(conn, r2, "ok", {"by_endpoint": {"/x": 2}}, artists_done=3, requests=2)
    runs = sync_runs.list_recent(conn)
    assert [(r["id"], r["status"]) for r in runs] == [(r2, "ok"), (r1, "interrupted")]
    assert runs[0]["stats"] == {"by_endpoint": {"/x": 2}} and runs[0]["options"] == {"full": True}
    with pytest.raises(ValueError):
        sync_runs.update(conn, r2, status="ok")


def test_process_lock_excludes_a_second_process(tmp_path: Path) -> None:
    from music_minion.store.lock import process_lock

    script = (
        "import sys, time; from pathlib import Path; from music_minion.store.lock import process_lock\n"
        "with process_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(30)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "held"
        t0 = time.monotonic()
        with pytest.raises(MinionError, match=rf"another sync is running \(pid {proc.pid}\)"):
            with process_lock(tmp_path):
                pass
        assert time.monotonic() - t0 < 1.0
        with pytest.raises(MinionError, match="still running"):
            with process_lock(tmp_path, wait=True, timeout_s=0.3):
                pass
    finally:
        proc.kill()
        proc.wait()
    with process_lock(tmp_path, wait=True, timeout_s=5):  # a killed holder releases it
        pass


from hypothesis import HealthCheck, settings  # noqa: E402
from hypothesis import given as _given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@_given(
    st.lists(
        st.tuples(
            st.integers(1, 3), st.sampled_from(prov.KINDS), st.lists(st.integers(1, 12), max_size=8)
        ),
        min_size=1,
        max_size=8,
    )
)
def test_merge_is_idempotent_and_first_sight_wins(tmp_path_factory, walks) -> None:
    conn = connect(tmp_path_factory.mktemp("h") / "db.sqlite")
    try:
        ids = {n: artist(conn, n) for n in (1, 2, 3)}
        cache = prov.TrackCache()
        first: dict[tuple, int] = {}
        for day, (a, kind, nums) in enumerate(walks):
            prov.merge_source(
                conn,
                ids[a],
                kind,
                [track(n) for n in nums],
                f"2026-01-{day + 1:02d}T00:00:00Z",
                cache=cache,
            )
            for pos, n in enumerate(dict.fromkeys(nums)):
                first.setdefault((f"soundcloud:tracks:{n}", f"soundcloud:users:{a}", kind), pos)
        want = {(*k, p, False) for k, p in first.items()}
        assert prov_rows(conn) == want
        for a, kind, nums in walks:  # replaying every walk changes nothing
            prov.merge_source(conn, ids[a], kind, [track(n) for n in nums], "2027-01-01T00:00:00Z")
        assert prov_rows(conn) == want
        assert tracks_store.count(conn) == len({n for _, _, nums in walks for n in nums})
        assert integrity_problems(conn) == []
    finally:
        conn.close()
