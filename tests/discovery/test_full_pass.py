"""The periodic full pass: what incremental walks cannot see is found, spread over runs."""

from __future__ import annotations

from datetime import timedelta

from music_minion.discovery.full_pass import phase
from music_minion.store import full_walks
from music_minion.timeutil import now, to_iso

from .helpers import home_db


def _likes_of(artist_urn: str) -> set[str]:
    conn = home_db()
    try:
        rows = conn.execute(
            "SELECT t.urn FROM provenance p JOIN tracks t ON t.id = p.track_id "
            "JOIN artists a ON a.id = p.artist_id WHERE a.urn = ? AND p.kind = 'like' "
            "AND p.gone_at IS NULL",
            (artist_urn,),
        )
        return {r[0] for r in rows}
    finally:
        conn.close()


def _make_due(artist_urn: str, kind: str) -> None:
    conn = home_db()
    try:
        aid = conn.execute("SELECT id FROM artists WHERE urn = ?", (artist_urn,)).fetchone()[0]
        full_walks.set_next(conn, aid, kind, to_iso(now() - timedelta(minutes=1)))
    finally:
        conn.close()


def test_a_list_grown_past_the_page_cap_is_completed_by_the_due_full_walk(synced, mm) -> None:
    emu, first = synced
    assert first["full_walks"] == 0  # first dates are spread over the period, none is due yet
    w = emu.world
    a0 = w.artist_urns[0]
    assert mm("config", "set", "soundcloud.page_size", "3").code == 0
    assert mm("config", "set", "discovery.max_pages", "1").code == 0
    new = [u for u in w.tracks if u not in w.likes[a0] and u not in w.deleted][:5]
    for urn in reversed(new):
        w.add_like(a0, urn)
    unliked = w.likes[a0][-1]
    w.remove_like(a0, unliked)

    quick = mm("sync", "--all", "--no-learn", "--json").json()
    assert quick["status"] == "ok" and quick["full_walks"] == 0
    assert set(new) - _likes_of(a0) == set(new[3:])  # the cap hid two of them

    _make_due(a0, "like")
    full = mm("sync", "--no-learn", "--json").json()
    assert full["status"] == "ok", full
    assert full["artists_planned"] == 1 and full["full_walks"] == 1
    assert set(new) <= _likes_of(a0)
    assert unliked not in _likes_of(a0) and full["provenance_gone"] >= 1

    again = mm("sync", "--all", "--no-learn", "--json").json()
    assert again["full_walks"] == 0  # the next full walk is one period away
    _make_due(a0, "like")
    assert "full walks: 1" in mm("sync", "--no-learn").out  # the summary says so


def test_every_zero_walks_everything_in_full_each_sync(synced, mm) -> None:
    emu, _ = synced
    assert mm("config", "set", "discovery.full_every_days", "0").code == 0
    mm("sync", "--all", "--no-learn", "--json")  # the first dates become now
    r = mm("sync", "--all", "--no-learn", "--json").json()
    assert r["status"] == "ok" and r["full_walks"] == 4 * 3


def test_first_full_walks_spread_over_the_period() -> None:
    days = [
        phase(aid, kind, 30).total_seconds() / 86400
        for aid in range(200)
        for kind in ("like", "repost")
    ]
    assert all(0 <= d < 30 for d in days)
    assert len({int(d) for d in days}) >= 25  # most days of the period get some
    assert max(sum(1 for d in days if int(d) == k) for k in range(30)) < len(days) / 8
