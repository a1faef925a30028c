"""`artists ...` through the real entry point against the emulator."""

from __future__ import annotations

from pathlib import Path

from music_minion.emulator.testing import SECRET_MARKERS
from tests.discovery.helpers import home_db


def url(emu, urn: str) -> str:
    return f"https://soundcloud.com/{emu.world.users[urn].permalink}"


def test_add_reports_failures_and_adds_the_rest(emulator, mm) -> None:
    a0, a1 = emulator.world.artist_urns[:2]
    r = mm(
        "artists",
        "add",
        url(emulator, a0),
        emulator.world.users[a1].permalink,
        "https://soundcloud.com/no-such-artist-xyz",
        "--json",
    )
    assert r.code == 3, r.err
    d = r.json()
    assert sorted(e["urn"] for e in d["added"]) == sorted([a0, a1])
    assert [(f["input"], f["status"], f["retry"]) for f in d["failed"]] == [
        ("https://soundcloud.com/no-such-artist-xyz", "failed_permanent", False)
    ]
    again = mm("artists", "add", url(emulator, a0), "--json").json()
    assert [e["urn"] for e in again["already"]] == [a0] and again["added"] == []
    human = mm("artists", "add", "https://soundcloud.com/no-such-artist-xyz")
    assert (
        human.code == 1 and "  https://soundcloud.com/no-such-artist-xyz — not found" in human.err
    )
    for marker in SECRET_MARKERS:
        assert marker not in r.out + r.err + human.out + human.err
    # a URN is fetched directly; an unknown one fails permanently
    a2 = emulator.world.artist_urns[2]
    u = mm("artists", "add", a2, "soundcloud:users:999999999", "--json").json()
    assert [e["urn"] for e in u["added"]] == [a2]
    assert [(f["input"], f["status"]) for f in u["failed"]] == [
        ("soundcloud:users:999999999", "failed_permanent")
    ]
    # a track URL is not an artist
    track = emulator.world.tracks[emulator.world.list_for("uploads", a0)[0]]
    t = mm(
        "artists",
        "add",
        f"https://soundcloud.com/{emulator.world.users[a0].permalink}/{track.permalink}",
        "--json",
    )
    assert t.json()["failed"][0]["reason"].startswith("not an artist")


def test_transient_failure_is_retried_by_the_next_sync(emulator, mm) -> None:
    a0 = emulator.world.artist_urns[0]
    assert mm("config", "set", "soundcloud.max_retries", "0").code == 0
    emulator.set_faults("rate=1,kinds=503")
    r = mm("artists", "add", url(emulator, a0), "--json")
    assert r.json()["failed"][0]["status"] == "failed_transient"
    emulator.set_faults(None)
    s = mm("sync", "--no-learn", "--json").json()
    assert s["resolution"] == {"retried": 1, "resolved": 1, "failed": 0}
    assert s["artists_done"] == 1 and s["provenance_new"] > 0
    conn = home_db()
    try:
        rows = conn.execute("SELECT urn, resolve_status FROM artists").fetchall()
    finally:
        conn.close()
    assert [tuple(x) for x in rows] == [(a0, "ok")]


def test_permanent_failure_is_not_retried(emulator, mm) -> None:
    mm("artists", "add", "https://soundcloud.com/nobody-here", "--json")
    emulator.reset_stats()
    s = mm("sync", "--no-learn", "--json").json()
    assert s["resolution"]["retried"] == 0
    assert emulator.stats()["total"] == 0


def test_import_file_list_set_weight_remove(emulator, mm, tmp_path: Path) -> None:
    a0, a1, a2 = emulator.world.artist_urns[:3]
    f = tmp_path / "artists.csv"
    f.write_text(
        f"url,weight,tier\n# a comment\n{url(emulator, a0)},2.5,core\n\n{url(emulator, a1)}\n{url(emulator, a2)},,maybe\n"
    )
    d = mm("artists", "import", str(f), "--json").json()
    assert len(d["added"]) == 3 and d["failed"] == []
    rows = {r["urn"]: r for r in mm("artists", "list", "--json").json()["items"]}
    assert (rows[a0]["weight"], rows[a0]["tier"]) == (2.5, "core")
    assert (rows[a1]["weight"], rows[a2]["tier"]) == (1.0, "maybe")
    assert 0 < rows[a0]["hit_rate"] < 1  # the smoothed rate of an artist with no judged picks
    assert (
        mm("artists", "set-weight", emulator.world.users[a1].permalink, "0.5", "--tier", "new").code
        == 0
    )
    assert mm("artists", "remove", a2).code == 0
    rows = {r["urn"]: r for r in mm("artists", "list", "--json").json()["items"]}
    assert set(rows) == {a0, a1} and rows[a1]["weight"] == 0.5 and rows[a1]["tier"] == "new"
    assert {r["urn"] for r in mm("artists", "list", "--all", "--json").json()["items"]} == {
        a0,
        a1,
        a2,
    }
    human = mm("artists", "list")
    assert (
        human.code == 0
        and emulator.world.users[a0].username.split()[0] in human.out
        and "2.5" in human.out
        and "core" in human.out
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{url(emulator, a0)},heavy\n")
    r = mm("artists", "import", str(bad))
    assert (
        r.code == 1
        and r.err.strip()
        == f"error: {bad} line 1: weight 'heavy' is not a number — write e.g. `https://soundcloud.com/x,1.5`"
    )
    r = mm("artists", "remove", "ghost")
    assert r.code == 1 and r.err.startswith("error: no artist matches 'ghost'")
    r = mm("artists", "import", str(tmp_path / "missing.txt"))
    assert r.code == 1 and "no such file" in r.err


def test_import_followings_and_list_counts(logged_in, mm) -> None:
    emu = logged_in
    follows = emu.world.followings.get(emu.user_urn, [])
    assert follows
    d = mm("artists", "import-followings", "--json").json()
    assert d == {"added": len(follows), "already": 0}
    s = mm("sync", "--json").json()
    assert s["status"] == "ok", s
    rows = {r["urn"]: r for r in mm("artists", "list", "--json").json()["items"]}
    assert set(rows) == set(follows)
    for urn, r in rows.items():
        visible = [
            len(
                [u for u in emu.world.list_for(src, urn) if emu.world.tracks[u].access != "blocked"]
            )
            for src in ("likes", "reposts", "uploads")
        ]
        assert [r["likes"], r["reposts"], r["uploads"]] == visible
        assert r["last_checked_at"] and r["next_check_at"] > r["last_checked_at"]


def test_import_followings_needs_login(emulator, mm) -> None:
    r = mm("artists", "import-followings")
    assert r.code == 1 and r.err.startswith("error: ") and "auth login" in r.err


def test_sync_unknown_artist_is_one_line(emulator, mm) -> None:
    r = mm("sync", "--artist", "ghost")
    assert (
        r.code == 1
        and r.err.strip() == "error: no artist matches 'ghost' — see `music-minion artists list`"
    )
    assert mm("sync", "history", "--json").json()["items"] == []  # nothing recorded
