"""A sync with nothing due says when the next check is; repeated checks do not stretch the interval."""

from __future__ import annotations

from tests.discovery.helpers import home_db


def _intervals() -> list[float]:
    conn = home_db()
    try:
        return sorted(r[0] for r in conn.execute("SELECT check_interval_hours FROM artists"))
    finally:
        conn.close()


def test_nothing_due_names_the_next_check_and_the_way_to_check_now(synced, mm) -> None:
    r = mm("sync")
    assert r.code == 0, r.err
    assert "0/0 artists" in r.out and "1 requests" not in r.out
    assert "no artist is due: the next check is in 6 h" in r.out
    assert "`music-minion sync --all` checks every artist now" in r.out
    plan = mm("sync", "--json").json()["plan"]
    assert plan["due"] == 0 and plan["next_check_at"]


def test_five_quick_checks_leave_the_interval_where_it_was(synced, mm) -> None:
    before = _intervals()
    for _ in range(5):
        assert mm("sync", "--all", "--no-learn").code == 0
    assert _intervals() == before  # quiet for minutes: still the minimum, not 96 h
