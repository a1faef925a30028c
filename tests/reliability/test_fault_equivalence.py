"""The same seeded world synced into two fresh homes, once clean and once with 20% of the responses
faulted (every kind: 429 with and without Retry-After, 5xx, timeouts, dropped connections,
truncated JSON, repeating cursors, empty pages, and the token endpoint while expired tokens are
refreshed): after a first sync, new activity in the world and a second sync, tracks, provenance,
judgments, my likes and the pushed playlist end up identical."""

from __future__ import annotations

import json
from typing import Any

import pytest

from music_minion.emulator.testing import start_emulator
from tests.reliability.helpers import (
    Home,
    expected_provenance,
    integrity_ok,
    picture,
    seeds,
    setup_home,
)

# `make reliability` selects these (-m slow); MUSIC_MINION_RELIABILITY=long widens the seed list.
pytestmark = pytest.mark.slow

FAULT_SEEDS = seeds([11, 23], [11, 23, 37, 41, 53, 67, 79, 83, 97, 101])
MAX_RUNS = 8
# A request stalled by the "timeout" fault (1 s) outlasts the client's timeout (0.4 s).
FAULTS = (
    "rate=0.2,seed={seed},timeout_s=1.0,retry_after=mixed,"
    "kinds=429,500,502,503,timeout,drop,truncate,repeat_cursor,empty_page,oauth"
)
COMPARED = (
    "tracks",
    "provenance",
    "judgments",
    "my_likes",
    "artists",
    "playlist",
    "discovery_playlists",
)


def _prepare_world(emu: Any) -> str:
    """Give the user a 'not interested' playlist of two picked tracks (same URN in every same-seed world)."""
    w = emu.world
    picked = sorted({u for u, *_ in expected_provenance(w)} - set(w.likes[emu.user_urn]))
    return emu.call(w.create_playlist, emu.user_urn, "Nope", picked[:2]).urn


def _converge(mm: Any) -> list[dict]:
    """Sync until one run finishes with no error at all (every due artist checked, likes learned)."""
    runs: list[dict] = []
    for _ in range(MAX_RUNS):
        r = mm("sync", "--json")
        assert r.code in (0, 1), r.err
        assert "Traceback" not in r.err and "database is locked" not in r.err
        runs.append(r.json())
        if runs[-1]["status"] == "ok":
            return runs
    pytest.fail(
        f"no clean run after {MAX_RUNS} syncs: {[x['status'] for x in runs]} {[x['errors'] for x in runs]}"
    )


def _push(mm: Any) -> tuple[dict, int]:
    """Push the playlist until one push succeeds; returns its result and the failed attempts."""
    failed = 0
    for _ in range(MAX_RUNS):
        r = mm("playlist", "push", "--json")
        if r.code == 0:
            return r.json(), failed
        assert r.code == 1 and r.err.count("\n") == 1, r.err  # one error object (--json)
        assert json.loads(r.err)["error"]["message"].startswith("playlist push failed"), r.err
        failed += 1
    pytest.fail("no push succeeded")


def _one_home(
    use_home: Any, mm: Any, name: str, world_seed: int, faults: str | None
) -> dict[str, Any]:
    with start_emulator(seed=world_seed, size="small") as emu:
        home: Home = use_home(name)
        nope = _prepare_world(emu)
        setup_home(
            emu,
            home,
            mm,
            **{"soundcloud.timeout_s": "0.4", "judgments.not_interested_playlist": nope},
        )
        emu.reset_stats()
        emu.set_faults(faults)
        emu.expire_tokens()  # the first requests refresh the user token (through the faults)
        runs = _converge(mm)
        # New activity (the same in every same-seed world), then an incremental sync under faults:
        # a faulted walk must never stop early at a "known" item it did not really reach.
        changed = emu.mutate(likes=4, reposts=3, uploads=2)
        emu.expire_tokens()
        runs += _converge(mm) if mm("sync", "--dry-run", "--json").json()["artists_planned"] else []
        runs += [mm("sync", "--all", "--json").json()]
        runs += _converge(mm) if runs[-1]["status"] != "ok" else []
        first = sorted(u for u, *_ in expected_provenance(emu.world))[0]
        assert mm("judge", first, "not_quite").code == 0  # a manual judgment the push must respect
        pushed, failed_pushes = _push(mm)
        stats = emu.stats()
        emu.set_faults(None)
        conn = home.connect()
        try:
            pic = picture(conn)
        finally:
            conn.close()
        playlist = emu.world.playlists[pushed["playlist_urn"]]
        pic["playlist"] = (playlist.title, playlist.sharing, sorted(playlist.tracks))
        # a create whose answer was lost is adopted by the next push, never made twice
        mine = [
            p
            for p in emu.world.playlists.values()
            if p.user_urn == emu.user_urn and p.title == playlist.title
        ]
        pic["discovery_playlists"] = len(mine)
        assert integrity_ok(home.db_path)
        return {
            "picture": pic,
            "runs": runs,
            "stats": stats,
            "failed_pushes": failed_pushes,
            "expected": expected_provenance(emu.world),
            "first": first,
            "changed": changed,
        }


@pytest.mark.parametrize("fault_seed", FAULT_SEEDS)
def test_faulted_sync_stores_exactly_what_a_clean_one_does(use_home, mm, fault_seed: int) -> None:
    world_seed = fault_seed % 5 + 1
    clean = _one_home(use_home, mm, "clean", world_seed, None)
    faulty = _one_home(use_home, mm, "faulty", world_seed, FAULTS.format(seed=fault_seed))

    # The clean runs are right on their own terms: every visible pick, the new activity included.
    assert all(r["status"] == "ok" for r in clean["runs"])
    assert {(p[0], p[1], p[2]) for p in clean["picture"]["provenance"]} == {
        e[:3] for e in clean["expected"]
    }
    assert clean["picture"]["judgments"] and clean["picture"]["my_likes"]
    assert clean["first"] not in clean["picture"]["playlist"][2]
    assert clean["changed"] == faulty["changed"]
    # Faults really happened, of many kinds, including on the token endpoint, and were survived.
    injected = faulty["stats"].get("faults", {})
    assert sum(injected.values()) >= 10 and len(injected) >= 5, injected
    assert faulty["stats"]["oauth"]["refreshes"] >= 2
    assert sum(r["client"].get("retries", 0) for r in faulty["runs"]) > 0
    for key in COMPARED:
        assert faulty["picture"][key] == clean["picture"][key], key
