"""The feed benchmark runs on a tiny size and reports in the contract's shape."""

from __future__ import annotations


def test_bench_feed_quick():
    from benchmarks import bench_feed

    rows = bench_feed.run(quick=True)
    assert [r["name"] for r in rows] == [
        "feed_median_ms",
        "feed_after_judge_ms",
        "feed_after_sync_ms",
        "rank_keys_full_refresh_s",
    ]
    for r in rows:
        assert set(r) == {"name", "figure", "unit", "target", "passed", "details"}
        assert r["figure"] > 0
    assert rows[0]["passed"] and rows[0]["figure"] < 300
