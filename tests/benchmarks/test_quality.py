"""bench_quality: the baselines' rules on hand-made candidates, and the quick run end to end (the
real CLI against a taste world) with rows in the benchmark contract's shape."""

from __future__ import annotations

import json

import pytest

from benchmarks import quality_baselines as qb


def cand(tid, *supports):
    return qb.Candidate(tid, f"u{tid}", tuple(qb.Support(a, "like", s, p) for a, s, p in supports))


def test_cap_for_follows_the_prototype():
    assert qb.cap_for(0, 0) == 3
    assert [qb.cap_for(lk, 10 - lk) for lk in (5, 4, 2, 1, 0)] == [8, 4, 4, 2, 1]
    assert qb.cap_for(1, 19) == 2 and qb.cap_for(1, 29) == 1


def test_waterfall_caps_each_supporter_recency_first():
    cands = [cand(i, (1, "2026-01-02", i)) for i in range(6)]  # artist 1, newest position 0
    cands += [cand(10 + i, (2, "2026-01-01", i)) for i in range(3)]
    picked = qb.waterfall(cands, {1: (0, 10), 2: (5, 0)}, 10)
    # artist 1 has a 0 % hit rate (1 slot), artist 2 is > 40 % (8 slots, only 3 tracks)
    assert [c.track_id for c in picked] == [0, 10, 11, 12]
    unrated = qb.waterfall(cands, {}, 10)
    assert [c.track_id for c in unrated] == [0, 1, 2, 10, 11, 12]


def test_count_only_oracle_noisy_share():
    a = cand(1, (1, "2026-01-01", 0), (2, "2026-01-01", 3))
    b = cand(2, (3, "2026-01-02", 0))
    c = cand(3, (1, "2026-01-03", 1))
    assert [x.track_id for x in qb.count_only([a, b, c], 2)] == [1, 3]
    p = {"u1": 0.1, "u2": 0.9, "u3": 0.5}
    assert [x.track_id for x in qb.oracle([a, b, c], p, 2)] == [2, 3]
    assert qb.precision([b, c], p) == pytest.approx(0.7)
    assert qb.noisy_share([a, b], {2, 3}) == pytest.approx(0.5)  # b: only noisy curators
    assert qb.noisy_presence([a, b], {2, 3}) == pytest.approx(0.75)  # a: half, b: all
    assert qb.noisy_share([], {1}) is None


def test_quick_run_scores_the_real_product():
    from benchmarks import bench_quality

    rows = bench_quality.run(quick=True)
    assert [r["name"] for r in rows] == [g[0] for g in bench_quality.GOALS]
    for r in rows:
        assert set(r) == {"name", "figure", "unit", "target", "passed", "details"}
        assert isinstance(r["figure"], float) and isinstance(r["passed"], bool)
    weeks = rows[0]["details"]["weeks"]
    assert [w["week"] for w in weeks] == [1, 2, 3]
    for w in weeks:
        assert w["pushed"] == bench_quality.QUICK.playlist_size
        assert w["pushed_outside_candidates"] == 0  # the pushed tracks are candidates we scored
        for name in ("expected_precision", "count_only", "waterfall", "random"):
            assert 0 < w[name] <= w["oracle"] + 1e-9
        assert 0 <= w["noisy_share"] <= 1 and 0 <= w["realised_likes"] <= w["pushed"]
    cumulative = [w["cumulative_liked"] for w in weeks]
    assert cumulative == sorted(cumulative) and cumulative[-1] > 0
    # what the listener liked in week 1 was learned by week 2's sync: it is no candidate any more
    assert bench_quality.run(quick=True)[0]["details"]["weeks"] == weeks  # seeded: repeats exactly


def test_command_line_json_shape(tmp_path, monkeypatch, capsys):
    from benchmarks import bench_quality

    monkeypatch.chdir(tmp_path)
    args = ["--seed", "2", "--weeks", "2", "--size", "tiny", "--playlist-size", "5"]
    assert bench_quality.main([*args, "--curators", "kindred=0.5,noisy=0.5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["params"]["seed"] == 2 and out["params"]["curators"]["adjacent"] == 0.0
    keys = {"expected_precision", "oracle", "random", "count_only", "waterfall", "noisy_share"}
    assert all(keys | {"realised_likes"} <= set(w) for w in out["weeks"])
    assert len(out["weeks"]) == 2
    with pytest.raises(SystemExit):
        bench_quality.main(["--curators", "loud=1"])
    bench_quality.main(args)
    text = capsys.readouterr().out
    assert "oracle" in text and "count-only" in text


def test_plot_draws_the_weekly_curves(tmp_path):
    pytest.importorskip("matplotlib")
    from benchmarks.quality_plot import plot

    week = {"expected_precision": 0.5, "oracle": 0.8, "count_only": 0.4, "waterfall": 0.3}
    result = {
        "params": {"seed": 1, "size": "tiny", "curators": {"kindred": 1.0}},
        "weeks": [{"week": i, **week, "random": 0.2} for i in (1, 2)],
    }
    path = plot([result, result], tmp_path / "q.png")
    assert path is not None and path.read_bytes()[:4] == b"\x89PNG"
