"""Feed over a big index: 1,000,000 tracks and 3,000,000 provenance rows, 2,000 watched artists.

Target: `feed` (refresh check + top 50 with exclusions, caps and reasons) under 300 ms median.
Also measured: the full recompute of the ranking keys (after a sync that brought new rows), and a
feed right after one manual judgment (which recomputes only the keys of that track's supporters).
The built database is cached in the temp dir, keyed by its size, so repeated runs do not rebuild it.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

VERSION = 2


def build_db(path: Path, tracks: int, provenance: int, artists: int, seed: int = 1) -> None:
    """Write a synthetic index: tracks with 1..6 distinct supporters (≈ provenance/tracks on average),
    first seen over the last year with one timestamp per artist per sync day, plus judgments,
    my likes, matched local files and two pushes."""
    from music_minion.store import connect
    from music_minion.timeutil import now, to_iso

    rng = random.Random(seed)
    tmp = path.with_name(
        f"{path.name}.{os.getpid()}.building"
    )  # parallel runs never share a half-built file
    tmp.unlink(missing_ok=True)
    conn = connect(tmp)
    moment = now()
    stamp = to_iso(moment)
    days = [to_iso(moment - timedelta(days=d, hours=rng.random() * 20)) for d in range(366)]
    conn.execute("BEGIN")
    conn.execute("DROP INDEX provenance_artist")
    conn.executemany(
        "INSERT INTO artists (id, urn, username, watched, weight, added_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?)",
        [
            (
                a,
                f"soundcloud:users:{a}",
                f"artist{a}",
                rng.choice((0.5, 1.0, 1.0, 2.0)),
                stamp,
                days[200],
            )
            for a in range(1, artists + 1)
        ],
    )
    genres = ("house", "techno", "ambient", "drum & bass", "dubstep", None)
    conn.executemany(
        "INSERT INTO tracks (id, urn, title, uploader_urn, uploader_name, permalink_url, duration_ms, genre, created_at, "
        "access, first_seen_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'playable', ?, ?)",
        (
            (
                t,
                f"soundcloud:tracks:{t}",
                f"Track {t}",
                f"soundcloud:users:{u}",
                f"artist{u}",
                f"https://soundcloud.com/artist{u}/track-{t}",
                rng.choice((180_000, 240_000, 320_000, 3_600_000)),
                rng.choice(genres),
                None if t % 7 == 0 else days[rng.randrange(366)],
                stamp,
                stamp,
            )
            for t in range(1, tracks + 1)
            for u in (rng.randrange(1, artists + 1),)
        ),
    )
    # Supporters per track vary (1..6 around the mean) in pairs that keep the exact total.
    base, extra = divmod(provenance, tracks)
    counts = [base + (1 if i < extra else 0) for i in range(tracks)]
    for i in range(0, tracks - 1, 2):
        c0, c1 = counts[i], counts[i + 1]
        d = rng.randint(min(0, max(1 - c0, c1 - 6)), max(0, min(6 - c0, c1 - 1)))
        counts[i] += d
        counts[i + 1] -= d
    kinds = ("like", "repost", "upload")

    def prov():
        for t in range(1, tracks + 1):
            for a in sorted(rng.sample(range(1, artists + 1), counts[t - 1])):
                yield (
                    t,
                    a,
                    kinds[rng.randrange(3)],
                    days[rng.randrange(366)],
                    rng.randrange(0, 300),
                )

    conn.executemany(
        "INSERT INTO provenance (track_id, artist_id, kind, first_seen_at, position) VALUES (?, ?, ?, ?, ?)",
        prov(),
    )
    conn.execute("CREATE INDEX provenance_artist ON provenance (artist_id, kind)")
    judged = rng.sample(range(1, tracks + 1), min(10_000, tracks // 10))
    conn.executemany(
        "INSERT INTO judgments (track_id, verdict, source, judged_at) VALUES (?, ?, 'manual', ?)",
        [(t, rng.choice(("liked", "not_interested", "not_quite")), stamp) for t in judged],
    )
    liked = rng.sample(range(1, tracks + 1), min(5_000, tracks // 20))
    conn.executemany(
        "INSERT OR IGNORE INTO my_likes (track_id, first_seen_at, position) VALUES (?, ?, ?)",
        [(t, stamp, i) for i, t in enumerate(liked)],
    )
    conn.executemany(
        "INSERT INTO local_files (path, size, mtime_ns, scanned_at, track_id, match_status) VALUES (?, 1, 1, ?, ?, 'exact')",
        [
            (f"/music/{t}.mp3", stamp, t)
            for t in rng.sample(range(1, tracks + 1), min(5_000, tracks // 20))
        ],
    )
    conn.execute("COMMIT")
    conn.close()
    tmp.replace(path)


def cached_db(tracks: int, provenance: int, artists: int) -> Path:
    """The synthetic index, built once per size and schema (a checkout with another schema on the
    same machine builds its own file)."""
    from music_minion.store.db import schema_digest

    folder = Path(tempfile.gettempdir()) / "music-minion-bench"
    folder.mkdir(exist_ok=True)
    path = folder / f"feed-v{VERSION}-{schema_digest()}-{tracks}-{provenance}-{artists}.db"
    if not path.exists():
        build_db(path, tracks, provenance, artists)
    return path


def shown_feed(conn, rc):
    """The feed as the `feed` command shows it: keys brought up to date, the candidates counted
    (up to the command's cap), then the top 50 read."""
    from music_minion.config.schema import ReviewSettings
    from music_minion.discovery.feed import (
        COUNT_CAP,
        count_feed,
        feed_filter,
        rank_feed,
        refresh_scores,
    )
    from music_minion.discovery.retired import RetireRules
    from music_minion.timeutil import now

    refresh_scores(conn, rc)
    moment = now()
    f = feed_filter(conn, rc, rules=RetireRules.of(rc, ReviewSettings()), at=moment)
    count_feed(conn, f, COUNT_CAP)
    return rank_feed(conn, rc, f, limit=50, at=moment)


def after_sync(conn, rc, tracks: int, artists: int) -> tuple[float, int]:
    """Time the feed right after a sync-like merge: a twentieth of the artists checked, each with new
    rows (first seen now). The rows are removed again afterwards so the cached database keeps its size."""
    from music_minion.timeutil import now_iso

    rng = random.Random(99)
    stamp = now_iso()
    checked = rng.sample(range(1, artists + 1), max(1, artists // 20))
    rows = {(rng.randrange(1, tracks + 1), a, "repost") for a in checked for _ in range(50)}
    marks = ",".join("?" * len(checked))
    existing = {
        tuple(r)
        for r in conn.execute(
            f"SELECT track_id, artist_id, kind FROM provenance WHERE kind = 'repost' AND artist_id IN ({marks})",  # noqa: S608
            checked,
        )
    }  # noqa: S608
    rows = sorted(rows - existing)
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO provenance (track_id, artist_id, kind, first_seen_at, position) VALUES (?, ?, ?, ?, 0)",
        [(*r, stamp) for r in rows],
    )
    conn.executemany(
        "UPDATE artists SET updated_at = ? WHERE id = ?", [(stamp, a) for a in checked]
    )
    conn.execute("COMMIT")
    t = time.perf_counter()
    shown_feed(conn, rc)
    ms = (time.perf_counter() - t) * 1000
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "DELETE FROM provenance WHERE track_id = ? AND artist_id = ? AND kind = ?", rows
    )
    conn.execute("COMMIT")
    return ms, len(rows)


def run(quick: bool) -> list[dict]:
    from music_minion.config.schema import RankingSettings
    from music_minion.discovery import verdicts
    from music_minion.discovery.feed import refresh_scores
    from music_minion.store import connect

    tracks, prov, artists = (2_000, 6_000, 40) if quick else (1_000_000, 3_000_000, 2_000)
    t0 = time.perf_counter()
    path = cached_db(tracks, prov, artists)
    build_s = time.perf_counter() - t0
    rc = RankingSettings()
    conn = connect(path)
    t = time.perf_counter()
    refresh_scores(conn, rc, full=True)
    full_s = time.perf_counter() - t
    times = []
    for _ in range(3 if quick else 9):
        t = time.perf_counter()
        feed = shown_feed(conn, rc)
        times.append(time.perf_counter() - t)
    median_ms = statistics.median(times) * 1000
    assert len(feed) == 50, len(feed)
    t = time.perf_counter()
    verdicts.judge_track(conn, feed[0].row.track_id, "not_interested")
    after = shown_feed(conn, rc)
    judged_ms = (time.perf_counter() - t) * 1000
    assert after[0].row.urn != feed[0].row.urn
    verdicts.unjudge_track(conn, feed[0].row.track_id)
    synced_ms, new_rows = after_sync(conn, rc, tracks, artists)
    conn.close()
    size = f"{tracks:,} tracks / {prov:,} provenance"
    return [
        {
            "name": "feed_median_ms",
            "figure": median_ms,
            "unit": "ms",
            "target": "< 300 ms median",
            "passed": median_ms < 300,
            "details": {
                "size": size,
                "runs_ms": [round(x * 1000, 1) for x in times],
                "build_or_cache_s": round(build_s, 1),
            },
        },
        {
            "name": "feed_after_judge_ms",
            "figure": judged_ms,
            "unit": "ms",
            "target": "informational (partial key refresh + feed)",
            "passed": True,
            "details": {"size": size},
        },
        {
            "name": "feed_after_sync_ms",
            "figure": synced_ms,
            "unit": "ms",
            "target": f"informational ({new_rows:,} new rows from {max(1, artists // 20)} checked artists, then feed)",
            "passed": True,
            "details": {"size": size},
        },
        {
            "name": "rank_keys_full_refresh_s",
            "figure": full_s,
            "unit": "s",
            "target": "informational (first run or a ranking setting changed)",
            "passed": True,
            "details": {"size": size},
        },
    ]
