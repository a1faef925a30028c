"""`export`: every table in every format, typed and complete, through the real CLI and a real SQLite index."""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from music_minion import export
from music_minion.store import snapshot
from music_minion.timeutil import parse_timestamp
from tests.export.helpers import EDGE_TITLE, sqlite_rows

TRACK_SQL = (
    "SELECT id, urn, title, uploader_urn, uploader_name, permalink_url, duration_ms, genre, tags, bpm, created_at, access, "
    "playback_count, likes_count, reposts_count, first_seen_at, status, status_changed_at FROM tracks ORDER BY id"
)
PROV_SQL = "SELECT track_id, artist_id, kind, first_seen_at, position, gone_at FROM provenance"
JUDG_SQL = (
    "SELECT t.urn, t.title, t.uploader_name, j.verdict, j.source, j.judged_at "
    "FROM judgments j JOIN tracks t ON t.id = j.track_id ORDER BY j.track_id"
)
LIB_SQL = (
    "SELECT f.id, path, f.status, reason, format, artist, f.title, album, f.duration_ms, f.bpm, "
    "musical_key, year, size, scanned_at, gone_at, match_status, match_score, matched_at, t.urn, "
    "t.title, t.uploader_name FROM local_files f LEFT JOIN tracks t ON t.id = f.track_id ORDER BY f.id"
)
RUNS_SQL = (
    "SELECT id, started_at, finished_at, status, options, artists_planned, artists_done, "
    "tracks_new, provenance_new, requests, stats FROM sync_runs ORDER BY id"
)
PUSH_SQL = (
    "SELECT id, playlist_urn, started_at, finished_at, status, error, track_count, "
    "(SELECT group_concat(t.urn, ' ') FROM playlist_push_tracks pt JOIN tracks t ON t.id = pt.track_id "
    "WHERE pt.push_id = p.id) FROM playlist_pushes p ORDER BY id"
)
ARTIST_SQL = (
    "SELECT id, urn, username, permalink_url, watched, weight, tier, resolve_status, check_interval_hours, "
    "last_checked_at, next_check_at, last_activity_at, added_at FROM artists ORDER BY id"
)
TS = {
    "tracks": {"created_at", "first_seen_at", "status_changed_at"},
    "provenance": {"first_seen_at", "gone_at"},
    "judgments": {"judged_at"},
    "artists": {"last_checked_at", "next_check_at", "last_activity_at", "added_at"},
    "library": {"scanned_at", "gone_at", "matched_at"},
    "runs": {"started_at", "finished_at"},
    "pushes": {"started_at", "finished_at"},
}


def _expected(index: Path) -> dict[str, list[tuple]]:
    return {
        "tracks": sqlite_rows(index, TRACK_SQL),
        "provenance": sorted(sqlite_rows(index, PROV_SQL)),
        "judgments": sqlite_rows(index, JUDG_SQL),
        "artists": sqlite_rows(index, ARTIST_SQL),
        "library": sqlite_rows(index, LIB_SQL),
        "runs": sqlite_rows(index, RUNS_SQL),
        "pushes": sqlite_rows(index, PUSH_SQL),
    }


def test_json_all_matches_the_database_row_for_row(mm, index, tmp_path):
    out = tmp_path / "snap"
    r = mm("export", "json", out, "--json")
    assert r.code == 0, r.err
    summary = r.json()
    expected = _expected(index)
    assert {f["table"]: f["rows"] for f in summary["files"]} == {
        t: len(v) for t, v in expected.items()
    }
    for table, rows in expected.items():
        data = json.loads((out / f"{table}.json").read_text("utf-8"))
        got = [tuple(d.values()) for d in data]
        if table == "provenance":
            got.sort()
        if table == "artists":  # watched is a JSON boolean
            assert all(isinstance(d["watched"], bool) for d in data)
            rows = [(*r[:4], bool(r[4]), *r[5:]) for r in rows]
        assert got == rows, table
    tracks = json.loads((out / "tracks.json").read_text("utf-8"))
    edge = next(t for t in tracks if t["track_id"] == 90001)
    assert (
        edge["title"] == EDGE_TITLE
        and edge["genre"] is None
        and edge["status_changed_at"] == "2026-05-06T07:08:09Z"
    )
    assert summary["total_bytes"] == sum((out / f"{t}.json").stat().st_size for t in expected)


def test_csv_single_table_keeps_text_and_nulls(mm, index, tmp_path):
    target = tmp_path / "tracks.csv"
    r = mm("export", "csv", target, "--what", "tracks")
    assert r.code == 0, r.err
    assert "tracks" in r.out and not r.err
    with open(target, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    expected = sqlite_rows(index, TRACK_SQL)
    assert rows[0][:3] == ["track_id", "urn", "title"] and len(rows) == len(expected) + 1
    as_text = [["" if v is None else str(v) for v in r] for r in expected]
    assert rows[1:] == as_text
    edge = next(r for r in rows if r[0] == "90001")
    assert edge[2] == EDGE_TITLE and edge[7] == "" and edge[17] == "2026-05-06T07:08:09Z"
    # The other tables were not written.
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".csv") == ["tracks.csv"]


def test_csv_into_existing_folder_names_the_file_after_the_table(mm, index, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    r = mm("export", "csv", folder, "--what", "judgments")
    assert r.code == 0, r.err
    with open(folder / "judgments.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(d["track_urn"], d["title"], d["verdict"]) for d in rows] == [
        (r[0], r[1], r[3]) for r in sqlite_rows(index, JUDG_SQL)
    ]
    assert "track_id" not in rows[0] and rows[-1]["track_urn"] == "soundcloud:tracks:90001"


def test_parquet_all_is_typed_and_complete(mm, index, tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    out = tmp_path / "pq"
    r = mm("export", "parquet", out, "--json")
    assert r.code == 0, r.err
    expected = _expected(index)
    for table, rows in expected.items():
        t = pq.read_table(out / f"{table}.parquet")
        schema = t.schema
        for name in TS[table]:
            # Parquet has no seconds unit: whole seconds are stored as UTC-adjusted milliseconds.
            assert schema.field(name).type in (
                pa.timestamp("s", tz="UTC"),
                pa.timestamp("ms", tz="UTC"),
            ), (table, name)
        # The same columns as CSV/JSON, values as stored: no rebuilding needed.
        assert schema.names == snapshot.columns(table), table
        data = t.to_pylist()
        got = [tuple(d.values()) for d in data]
        if table == "tracks":  # ordered by upload time (unknown first), then id
            assert [d["track_id"] for d in data] == [
                r[0] for r in sorted(rows, key=lambda r: (r[10] is not None, r[10] or "", r[0]))
            ]
            got.sort(key=lambda r: r[0])
        if table == "provenance":
            got.sort()
        want = []
        names = snapshot.columns(table)
        for row in rows:
            want.append(
                tuple(
                    (
                        parse_timestamp(v)
                        if names[i] in TS[table]
                        else bool(v)
                        if names[i] == "watched"
                        else v
                    )
                    for i, v in enumerate(row)
                )
            )
        assert got == want, table
    tracks = pq.read_table(out / "tracks.parquet")
    assert tracks.schema.field("track_id").type == pa.int64()
    assert tracks.schema.field("urn").type == pa.string()
    assert pa.types.is_dictionary(tracks.schema.field("uploader_name").type)
    assert pa.types.is_dictionary(tracks.schema.field("uploader_urn").type)
    full = tracks.to_pylist()
    assert all(d["urn"].startswith("soundcloud:tracks:") for d in full)
    assert pa.types.is_dictionary(
        pq.read_table(out / "provenance.parquet").schema.field("kind").type
    )
    edge = next(d for d in full if d["track_id"] == 90001)
    assert (
        edge["status_changed_at"] == datetime(2026, 5, 6, 7, 8, 9, tzinfo=UTC)
        and edge["created_at"] is None
    )
    meta = pq.ParquetFile(out / "tracks.parquet").metadata
    assert meta.row_group(0).column(0).compression == "ZSTD"


def test_parquet_without_pyarrow_says_how_to_install(mm, index, tmp_path, monkeypatch):
    for name in [m for m in sys.modules if m == "pyarrow" or m.startswith("pyarrow.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # `import pyarrow` now raises ImportError
    out = tmp_path / "pq"
    r = mm("export", "parquet", out)
    assert r.code == 1
    lines = r.err.strip().splitlines()
    assert (
        len(lines) == 1
        and "pip install 'music-minion[analytics]'" in lines[0]
        and "Traceback" not in r.err
    )
    assert not out.exists()
    # CSV and JSON need only the standard library.
    r = mm("export", "csv", tmp_path / "csv")
    assert r.code == 0, r.err
    assert (tmp_path / "csv" / "provenance.csv").stat().st_size > 0


def test_existing_file_is_kept_unless_forced(mm, index, tmp_path):
    target = tmp_path / "p.json"
    target.write_text("precious", "utf-8")
    r = mm("export", "json", target, "--what", "provenance")
    assert r.code == 1 and r.err.startswith("error:") and "--force" in r.err
    assert target.read_text("utf-8") == "precious"
    r = mm("export", "json", target, "--what", "provenance", "--force")
    assert r.code == 0, r.err
    assert len(json.loads(target.read_text("utf-8"))) == len(sqlite_rows(index, PROV_SQL))
    assert not list(tmp_path.glob(".*partial"))


def test_all_into_a_file_path_is_refused(mm, index, tmp_path):
    target = tmp_path / "file.csv"
    target.write_text("x", "utf-8")
    r = mm("export", "csv", target, "--what", "all")
    assert r.code == 2 and "--what all writes a folder" in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert target.read_text("utf-8") == "x"
    other = tmp_path / "somewhere"
    other.write_text("x", "utf-8")
    r = mm("export", "csv", other, "--what", "all")  # no suffix, but a file is there
    assert r.code == 1 and "folder" in r.err and len(r.err.strip().splitlines()) == 1


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_all_to_a_file_name_makes_no_folder(mm, index, tmp_path, fmt):
    target = tmp_path / f"tracks.{fmt}"
    r = mm("export", fmt, target)  # --what all is the default
    assert r.code == 2 and not r.out
    assert r.err.strip() == (
        f"error: {target} names a file, but --what all writes a folder — "
        "give a folder or --what tracks"
    )
    assert not target.exists()
    assert mm("export", "csv", tmp_path / "out.CSV").code == 2  # any case of the suffix


def test_library_runs_and_pushes_read_back(mm, index, tmp_path):
    r = mm("export", "json", tmp_path / "lib.json", "--what", "library")
    assert r.code == 0, r.err
    files = json.loads((tmp_path / "lib.json").read_text("utf-8"))
    assert [(f["path"], f["match_status"], f["match_score"], f["track_urn"]) for f in files] == [
        ('/music/Zoë, "x".mp3', "auto", 95.5, "soundcloud:tracks:90001"),
        ("/music/broken.flac", None, None, None),
    ]
    assert files[0]["track_title"] == EDGE_TITLE and files[1]["reason"] == "empty file"
    assert mm("export", "csv", tmp_path / "runs.csv", "--what", "runs").code == 0
    with open(tmp_path / "runs.csv", encoding="utf-8", newline="") as f:
        runs = list(csv.DictReader(f))
    assert [(d["run_id"], d["status"], d["tracks_new"], d["options"]) for d in runs] == [
        ("1", "ok", "5", '{"all": true}')
    ]
    assert mm("export", "csv", tmp_path / "pushes.csv", "--what", "pushes").code == 0
    with open(tmp_path / "pushes.csv", encoding="utf-8", newline="") as f:
        pushes = list(csv.DictReader(f))
    assert [(d["playlist_urn"], d["track_count"], d["track_urns"]) for d in pushes] == [
        ("soundcloud:playlists:5", "1", "soundcloud:tracks:90001")
    ]


def test_bad_usage_and_missing_database(mm, home, tmp_path):
    r = mm("export", "xml", tmp_path / "x")
    assert r.code == 2
    r = mm("export", "csv", tmp_path / "x", "--what", "everything")
    assert r.code == 2
    r = mm("export", "csv", tmp_path / "x")  # no database yet
    assert r.code == 1 and "no database" in r.err and len(r.err.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()


def test_empty_index_writes_headers_and_empty_arrays(mm, home, tmp_path):
    assert mm("init").code == 0
    r = mm("export", "csv", tmp_path / "c")
    assert r.code == 0, r.err
    assert (tmp_path / "c" / "judgments.csv").read_text(
        "utf-8"
    ).strip() == "track_urn,title,uploader_name,verdict,source,judged_at"
    assert mm("export", "json", tmp_path / "j").code == 0
    assert json.loads((tmp_path / "j" / "tracks.json").read_text("utf-8")) == []
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    assert mm("export", "parquet", tmp_path / "p").code == 0
    assert pq.read_table(tmp_path / "p" / "artists.parquet").num_rows == 0


def test_rows_stream_in_batches(index):
    from music_minion.store import connect

    conn = connect(index)
    sizes = [len(b) for b in snapshot.iter_batches(conn, "provenance", size=100)]
    conn.close()
    assert len(sizes) > 3 and max(sizes) == 100 and sum(sizes) == len(sqlite_rows(index, PROV_SQL))


def test_tables_form_one_snapshot_while_a_sync_writes(mm, index, tmp_path, monkeypatch):
    """Rows written by another connection during an export appear in none of its files (no dangling ids)."""
    from music_minion.store import connect

    real = export._write_json

    def write_then_sync(batches, table, path):
        rows = real(batches, table, path)
        if table == "tracks":  # a sync commits a new track and its provenance mid-export
            writer = connect(index)
            writer.execute(
                "INSERT INTO tracks (id, urn, title, first_seen_at, updated_at) "
                "VALUES (95000, 'soundcloud:tracks:95000', 'late', '2026-09-01T00:00:00Z', '2026-09-01T00:00:00Z')"
            )
            writer.execute(
                "INSERT INTO provenance VALUES (95000, 9001, 'like', '2026-09-01T00:00:00Z', 0, NULL)"
            )
            writer.close()
        return rows

    monkeypatch.setattr(export, "_write_json", write_then_sync)
    r = mm("export", "json", tmp_path / "snap")
    assert r.code == 0, r.err
    track_ids = {
        t["track_id"] for t in json.loads((tmp_path / "snap" / "tracks.json").read_text("utf-8"))
    }
    prov = json.loads((tmp_path / "snap" / "provenance.json").read_text("utf-8"))
    assert 95000 not in track_ids and all(p["track_id"] in track_ids for p in prov)
    assert sqlite_rows(index, "SELECT count(*) FROM provenance WHERE track_id = 95000") == [(1,)]


def test_progress_counts_every_row_and_trailing_slash_means_folder(index, tmp_path):
    from music_minion.store import connect

    calls: list[tuple[int, int]] = []
    conn = connect(index)
    try:
        result = export.export(
            conn,
            "csv",
            f"{tmp_path / 'new'}/",
            "provenance",
            progress=lambda d, t: calls.append((d, t)),
        )
    finally:
        conn.close()
    total = len(sqlite_rows(index, PROV_SQL))
    assert (
        result.files[0].path == tmp_path / "new" / "provenance.csv"
        and result.files[0].rows == total
    )
    assert calls and calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_a_mistyped_stored_value_is_one_clear_line(mm, index, tmp_path):
    pytest.importorskip("pyarrow")
    from music_minion.store import connect

    conn = connect(index)
    conn.execute("UPDATE tracks SET duration_ms = 'about four minutes' WHERE id = 90001")
    conn.close()
    r = mm("export", "parquet", tmp_path / "pq")
    assert r.code == 1 and len(r.err.strip().splitlines()) == 1
    assert "tracks.duration_ms" in r.err and "about four minutes" in r.err
    assert not (tmp_path / "pq" / "tracks.parquet").exists() and not list(
        (tmp_path / "pq").glob(".*partial")
    )
    assert mm("export", "csv", tmp_path / "csv").code == 0  # text formats keep the value as stored


# (urn, uploader_urn, title, permalink_url): unusual URNs, URLs and titles, kept exactly as stored.
ODD_TRACKS = [
    (
        "soundcloud:tracks:7",
        "soundcloud:users:0",
        "Café — Déjà Vu!",
        "https://soundcloud.com/x/caf-d-j-vu",
    ),
    (
        "soundcloud:tracks:8",
        "soundcloud:users:1",
        "Café — Déjà Vu!",
        "https://soundcloud.com/x/cafe-deja-vu",
    ),
    ("soundcloud:tracks:007", "soundcloud:users:12", "A", "https://soundcloud.com/x/a"),
    ("soundcloud:playlists:9", "soundcloud:users:-3", None, "https://soundcloud.com/x/untitled"),
    ("soundcloud:tracks:10", None, "!!!", "https://soundcloud.com/x/sets/mix"),
    ("soundcloud:tracks:11", "users:5", "B B", "https://soundcloud.com/x/b-b?in=x"),
    ("soundcloud:tracks:12", "soundcloud:users:5", "B B", "http://soundcloud.com/x/b-b"),
    (
        "soundcloud:tracks:13",
        "soundcloud:users:5",
        "İstanbul 東京",
        "https://soundcloud.com/x/i-stanbul",
    ),
    ("soundcloud:tracks:14", "soundcloud:users:5", "B B", "https://soundcloud.com/x/B-B"),
    ("soundcloud:tracks:99999999999999999999", "soundcloud:users:5", "Ok", None),
]


def test_odd_track_values_are_identical_in_parquet_csv_json_and_sqlite(mm, home, tmp_path):
    """URNs, URLs and titles off the usual patterns come out of every format exactly as stored."""
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from music_minion.store import connect, database_path

    conn = connect(database_path(home / "data"))
    conn.executemany(
        "INSERT INTO tracks (urn, uploader_urn, title, permalink_url, first_seen_at, updated_at) "
        "VALUES (?, ?, ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        ODD_TRACKS,
    )
    stored = conn.execute(
        "SELECT urn, uploader_urn, title, permalink_url FROM tracks ORDER BY id"
    ).fetchall()
    conn.close()
    assert [tuple(r) for r in stored] == ODD_TRACKS
    for fmt in ("parquet", "csv", "json"):
        r = mm("export", fmt, tmp_path / f"t.{fmt}", "--what", "tracks")
        assert r.code == 0, r.err
    keys = ("urn", "uploader_urn", "title", "permalink_url")
    parquet = pq.read_table(tmp_path / "t.parquet").to_pylist()
    assert [tuple(d[k] for k in keys) for d in parquet] == ODD_TRACKS
    data = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert [tuple(d[k] for k in keys) for d in data] == ODD_TRACKS
    with open(tmp_path / "t.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [tuple(d[k] for k in keys) for d in rows] == [
        tuple("" if v is None else v for v in t) for t in ODD_TRACKS
    ]
