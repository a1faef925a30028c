"""`status`: synced, failing (a fault storm), logged-out and never-synced homes."""

from __future__ import annotations

from tests.discovery.helpers import watch_all


def test_a_synced_home_is_healthy_and_says_so(logged_in, mm) -> None:
    watch_all(logged_in)
    assert mm("sync", "--push", "--json").code == 0
    mm("schedule", "install", "--every", "6h")
    r = mm("status", "--json")
    d = r.json()
    assert r.code == 0 and d["healthy"] and d["problems"] == [], d
    assert d["login"]["logged_in"] and d["login"]["user"] and d["login"]["can_refresh"]
    assert d["last_sync"]["status"] == "ok" and d["last_sync"]["requests"] > 0
    assert d["artists_watched"] == 4 and d["artists_due"] == 0 and d["candidates"] > 0
    assert d["last_push"]["status"] == "ok"
    assert d["schedule"]["installed"] and d["schedule"]["every_minutes"] == 360
    assert "access_token" not in r.out and "refresh_token" not in r.out
    human = mm("status")
    assert human.code == 0 and "healthy" in human.out and "cron every 360 min" in human.out


def test_a_fault_storm_makes_it_unhealthy(logged_in, mm) -> None:
    watch_all(logged_in)
    assert mm("config", "set", "soundcloud.max_retries", "0").code == 0
    logged_in.set_faults("rate=1.0,seed=3,kinds=503")
    for _ in range(3):
        assert mm("sync", "--all", "--no-learn", "--json").json()["status"] == "failed"
    logged_in.set_faults(None)
    r = mm("status", "--json")
    d = r.json()
    assert r.code == 1 and not d["healthy"]
    assert "the last 3 syncs failed" in d["problems"]
    assert "no sync has succeeded yet" in d["problems"]
    assert d["last_sync"]["status"] == "failed" and d["last_sync"]["errors"].get("transient")
    assert "NOT healthy" in mm("status").out


def test_logged_out_is_unhealthy(logged_in, mm) -> None:
    watch_all(logged_in)
    assert mm("sync", "--json").code == 0
    assert mm("auth", "logout").code == 0
    r = mm("status", "--json")
    assert r.code == 1 and r.json()["problems"] == ["not logged in"]
    assert "not logged in" in mm("status").out


def test_never_synced(logged_in, mm) -> None:
    r = mm("status", "--json")
    d = r.json()
    assert r.code == 1 and d["last_sync"] is None and d["problems"] == ["no sync has succeeded yet"]
    assert d["schedule"] == {"installed": False}
    human = mm("status")
    assert "last sync never" in human.out and "not installed" in human.out


def test_no_successful_sync_in_three_intervals_is_unhealthy(logged_in, mm) -> None:
    from tests.discovery.helpers import home_db

    watch_all(logged_in)
    assert mm("sync", "--json").code == 0
    assert mm("status").code == 0
    db = home_db()  # the last good sync was long ago: far more than 3 intervals of 6 h
    try:
        with db:
            db.execute(
                "UPDATE sync_runs SET started_at = '2000-01-01T00:00:00Z', "
                "finished_at = '2000-01-01T00:00:10Z'"
            )
    finally:
        db.close()
    r = mm("status", "--json")
    assert r.code == 1 and not r.json()["healthy"]
    assert any(p.startswith("no successful sync in 3 intervals") for p in r.json()["problems"])
