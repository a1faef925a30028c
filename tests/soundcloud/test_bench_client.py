"""The client benchmark runs on tiny sizes and reports figures in the contract's shape."""

from __future__ import annotations


def test_bench_client_quick_runs():
    from benchmarks import bench_client

    rows = bench_client.run(quick=True)
    assert [r["name"] for r in rows] == [
        "client_items_per_s",
        "client_rate_limit_time_ratio",
        "client_cached_token_read",
    ]
    for r in rows:
        assert set(r) == {"name", "figure", "unit", "target", "passed", "details"}
        assert isinstance(r["figure"], int | float) and r["figure"] > 0
    assert rows[0]["details"]["items"] > 0 and rows[0]["details"]["skipped_items"] == 0
    assert rows[1]["details"]["resolved"] == rows[1]["details"]["requests"]
    assert rows[2]["passed"]  # a dict lookup is far under 5 µs even on a busy machine
