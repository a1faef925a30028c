"""`artists suggest` through the real entry point against the emulator."""

from __future__ import annotations

import re

import pytest

from tests.discovery.helpers import home_db
from tests.helpers import screen, terminal


@pytest.fixture
def synced(logged_in, mm):
    """A logged-in home watching half the tiny world's artists (the rest are worth finding)."""
    for urn in logged_in.world.artist_urns[:2]:
        assert mm("artists", "add", urn).code == 0
    r = mm("sync", "--json")
    assert r.code == 0, r.err
    return logged_in, r.json()


def _my_liked(emu) -> set[str]:
    return set(emu.world.likes[emu.world.me_urn])


def test_suggestions_share_my_likes_and_leave_out_watched_and_me(synced, mm) -> None:
    emu, _ = synced
    r = mm("artists", "suggest", "--limit", "50", "--json")
    assert r.code == 0, r.err
    d = r.json()
    rows = d["items"]
    assert rows and d["requests"] > 0
    urns = {s["urn"] for s in rows}
    assert not urns & set(emu.world.artist_urns[:2]) and emu.world.me_urn not in urns
    w = emu.world
    for s in rows:  # each reason is true in the world, and so is its activity
        if s["shared"]:
            assert set(w.likes.get(s["urn"], []) + w.reposts.get(s["urn"], [])) & _my_liked(emu)
        assert s["likes"] == len(w.likes[s["urn"]]) and f"{s['likes']:,} likes" in s["activity"]
    scores = [s["score"] for s in rows]
    assert scores == sorted(scores, reverse=True)
    # a second run is served from the cache
    again = mm("artists", "suggest", "--limit", "50", "--json").json()
    assert again["lists"]["fetched"] == 0 and again["requests"] <= 1
    assert [s["urn"] for s in again["items"]] == [s["urn"] for s in rows]


def test_add_watches_the_top_and_they_are_not_suggested_again(synced, mm) -> None:
    d = mm("artists", "suggest", "--add", "1", "--json").json()
    added = [a["urn"] for a in d["added"]]
    assert added == [s["urn"] for s in d["items"][:1]]
    watched = {a["urn"] for a in mm("artists", "list", "--json").json()["items"]}
    assert set(added) <= watched
    again = mm("artists", "suggest", "--json").json()
    assert not set(added) & {s["urn"] for s in again["items"]}
    human = mm("artists", "suggest", "--limit", "3")
    assert human.code == 0 and "liked " in human.out and "of your last" in human.out


NO_LIKES = (
    "like a few tracks first (on SoundCloud, or `music-minion judge N liked`), then run `sync`"
)


def test_no_likes_is_one_line_and_exit_0(emulator, mm) -> None:
    r = mm("artists", "suggest")  # piped: stdout stays empty for scripts, the hint on stderr
    assert r.code == 0 and r.out == "" and r.err.strip() == NO_LIKES
    d = mm("artists", "suggest", "--json").json()
    assert (d["items"], d["shown"], d["total"], d["message"]) == ([], 0, 0, NO_LIKES)
    assert d["added"] == d["followed"] == d["follow_failed"] == [] and d["requests"] == 0


def test_json_is_the_list_envelope_in_the_shared_vocabulary(synced, mm) -> None:
    emu, _ = synced
    every = mm("artists", "suggest", "--limit", "0", "--json").json()
    assert every["shown"] == every["total"] == len(every["items"]) >= 2 and every["total_exact"]
    d = mm("artists", "suggest", "--limit", "1", "--add", "1", "--json").json()
    assert (d["shown"], d["total"], len(d["items"])) == (1, every["total"], 1)
    assert [s["urn"] for s in d["items"]] == [s["urn"] for s in every["items"][:1]]
    users = emu.world.users
    for s in d["items"]:
        assert "username" not in s and s["artist"] == users[s["urn"]].username
        assert s["link"] == f"https://soundcloud.com/{users[s['urn']].permalink}"
    [added] = d["added"]
    assert added["artist"] == d["items"][0]["artist"] and "username" not in added
    assert d["total"] == every["total"] and d["window"] == every["window"] > 0


def _table_lines(out: str) -> list[str]:
    return [x for x in screen(out) if re.match(r"\s*\d+ ", x)]


@pytest.mark.parametrize("width", [56, 80, 160])
def test_on_a_terminal_each_suggestion_is_one_line_with_a_footer(synced, mm, monkeypatch, width):
    total = mm("artists", "suggest", "--json").json()["total"]
    terminal(monkeypatch, width)
    r = mm("artists", "suggest", "--limit", "1")
    assert r.code == 0, r.err
    lines = screen(r.out)
    assert all(len(x) <= width for x in lines), max(lines, key=len)
    assert len(_table_lines(r.out)) == 1 and "Suggested curators (from your last" in r.out
    assert f"showing 1 of {total} candidates — `--limit 0` for all" in r.out
    hidden = "followers, link" if width < 60 else "link"  # the follower count gives way first
    assert f"not shown: {hidden} — `--wide`" in r.out and "soundcloud.com" not in r.out
    every = mm("artists", "suggest", "--limit", "0", "--wide")
    assert len(_table_lines(every.out)) == total >= 2 and "showing" not in every.out
    assert every.out.count("https://soundcloud.com/") == total
    assert "lists fetched 0" in r.err  # the second run is served from the cache


def test_piped_suggestions_are_tab_separated_with_full_values(synced, mm) -> None:
    emu, _ = synced
    d = mm("artists", "suggest", "--limit", "0", "--json").json()
    r = mm("artists", "suggest", "--limit", "0")
    assert r.code == 0, r.err
    header, *rows = r.out.splitlines()
    assert header.split("\t") == ["#", "artist", "score", "likes", "followers", "why", "link"]
    assert len(rows) == d["total"] >= 2 and all(len(x.split("\t")) == 7 for x in rows)
    for n, (row, s) in enumerate(zip(rows, d["items"], strict=True), 1):
        rank, artist, score, likes, followers, why, link = row.split("\t")
        assert (rank, artist, link, why) == (str(n), s["artist"], s["link"], s["why"])
        assert (likes, followers) == (f"{s['likes']:,}", f"{s['followers']:,}")
        assert float(score) == pytest.approx(s["score"], abs=1e-3)
    cut = mm("artists", "suggest", "--limit", "1", "--add", "1")
    assert len(cut.out.splitlines()) == 2 and f"showing 1 of {d['total']} candidates" in cut.err
    assert f"now watching {d['items'][0]['artist']} ({d['items'][0]['urn']})" in cut.err


def test_budget_and_rate_limits_leave_the_rest_for_a_resuming_run(synced, mm) -> None:
    emu, _ = synced
    assert mm("config", "set", "curators.suggest_budget", "3").code == 0
    assert mm("config", "set", "curators.suggest_pages", "1").code == 0
    first = mm("artists", "suggest", "--json").json()
    assert first["requests"] <= 4 and first["lists"]["pending"] > 0
    assert mm("config", "set", "curators.suggest_budget", "1000").code == 0
    assert mm("config", "set", "soundcloud.max_retries", "0").code == 0
    emu.set_faults("rate=1,kinds=429")
    second = mm("artists", "suggest", "--json")
    assert second.code == 0, second.err
    d = second.json()
    assert d["stopped"] and d["lists"]["cached"] >= first["lists"]["fetched"]
    human = mm("artists", "suggest")
    assert "stopped early: rate limited" in human.err and "run again to resume" in human.err
    emu.set_faults(None)
    done = mm("artists", "suggest", "--json").json()
    assert done["stopped"] is None and done["lists"]["pending"] == 0


def test_deleted_liked_track_is_cached_as_gone(synced, mm) -> None:
    emu, _ = synced
    gone = emu.world.likes[emu.world.me_urn][0]
    assert emu.call(emu.world.delete_track, gone)
    d = mm("artists", "suggest", "--json").json()
    assert d["lists"]["gone"] >= 1 and d["stopped"] is None
    conn = home_db()
    try:
        status = conn.execute(
            "SELECT status FROM suggest_cache WHERE urn = ? AND endpoint = 'favoriters'", (gone,)
        ).fetchone()
    finally:
        conn.close()
    assert status is None or status[0] == "gone"


def _window(emu) -> list[str]:
    from music_minion.store.curators import list_recent_liked

    conn = home_db()
    try:
        return [u for u, _ in list_recent_liked(conn, 50)]
    finally:
        conn.close()


def test_who_liked_my_tracks_before_me_is_told_from_who_came_after(synced, mm) -> None:
    emu, _ = synced
    w = emu.world
    mine = w.likes[w.me_urn][0]
    late = next(u for u in w.artist_urns[2:] if mine not in w.likes[u])
    assert emu.call(w.add_like, late, mine)  # likes my newest like after me
    rows = {
        s["urn"]: s for s in mm("artists", "suggest", "--limit", "200", "--json").json()["items"]
    }
    assert rows[late]["behind"] >= 1 and "after on" in rows[late]["why"]
    window = _window(emu)

    def count(user: str, earlier: bool) -> int:
        when = w.liked_at
        return sum(
            1
            for t in window
            if (user, t) in when and (when[user, t] < when[w.me_urn, t]) == earlier
        )

    assert any(s["ahead"] for s in rows.values())
    for urn, s in rows.items():  # each count is true in the world
        assert (s["ahead"], s["behind"]) == (count(urn, True), count(urn, False)), urn


def test_a_late_liker_scores_below_an_early_one_with_the_same_picks() -> None:
    from music_minion.discovery.suggest import order_against, rank

    def user(urn: str) -> dict:
        return {"urn": urn, "username": urn, "likes": 30, "followers": 5}

    favoriters = {t: [user("late"), user("me"), user("early")] for t in ("t1", "t2")}
    order = {t: order_against(users, "me") for t, users in favoriters.items()}
    ranked = rank([("t1", "A"), ("t2", "B")], favoriters, [], {"me"}, 20.0, order)
    assert [s.urn for s in ranked] == ["early", "late"]
    assert (ranked[0].ahead, ranked[0].behind, ranked[1].ahead, ranked[1].behind) == (2, 0, 0, 2)
    assert ranked[0].score == 2 * ranked[1].score
    assert order_against(favoriters["t1"], None) == (set(), set())


def test_follow_needs_add(synced, mm) -> None:
    r = mm("artists", "suggest", "--follow")
    assert r.code == 2 and len(r.err.strip().splitlines()) == 1 and "--follow needs --add" in r.err


def _follow_only_the_watched(emu) -> None:
    """Make me follow just the two watched artists on SoundCloud (the world's me follows all)."""
    w = emu.world
    emu.call(w.followings.__setitem__, w.me_urn, list(w.artist_urns[:2]))


def test_add_with_follow_follows_them_on_soundcloud(synced, mm) -> None:
    emu, _ = synced
    w = emu.world
    _follow_only_the_watched(emu)
    r = mm("artists", "suggest", "--add", "2", "--follow", "--json")
    assert r.code == 0, r.err
    d = r.json()
    added = [a["urn"] for a in d["added"]]
    assert len(added) == 2 and [a["urn"] for a in d["followed"]] == added
    assert w.followings[w.me_urn][:2] == added[::-1] and d["follow_failed"] == []


def test_a_failed_follow_is_reported_keeps_the_adds_and_exits_3(synced, mm) -> None:
    emu, _ = synced
    w = emu.world
    _follow_only_the_watched(emu)
    emu.call(setattr, w, "follow_limit", 3)
    r = mm("artists", "suggest", "--add", "2", "--follow")
    assert r.code == 3
    assert r.err.count("now watching") == 2 and r.err.count("now following") == 1
    assert "could not follow" in r.err and "follow limit reached" in r.err
    watched = {a["urn"] for a in mm("artists", "list", "--json").json()["items"]}
    assert len(watched) == 4 and len(w.followings[w.me_urn]) == 3  # both added, one followed
    assert set(w.followings[w.me_urn]) < watched


def test_the_second_hop_reads_the_related_users_of_the_top_suggestions(synced, mm) -> None:
    emu, _ = synced
    first = mm("artists", "suggest", "--limit", "0", "--json").json()
    assert all(s["near"] == 0 for s in first["items"])
    assert mm("config", "set", "curators.suggest_second_hop", "2").code == 0
    d = mm("artists", "suggest", "--limit", "0", "--json").json()
    top = [s["urn"] for s in first["items"][:2]]
    assert d["lists"]["fetched"] == len(top) == 2 and d["requests"] <= 1 + len(top)
    related = {t: emu.call(emu.world.related_users, t) for t in top}
    assert any(s["near"] for s in d["items"])
    for s in d["items"]:  # each count is true in the world, and shows in the reason
        assert s["near"] == sum(s["urn"] in users for users in related.values()), s["urn"]
        assert ("of the top suggestions" in s["why"]) == bool(s["near"])
    again = mm("artists", "suggest", "--limit", "0", "--json").json()
    assert again["lists"]["fetched"] == 0 and again["items"] == d["items"]


def test_a_related_listing_of_a_top_suggestion_counts_half_a_shared_track() -> None:
    from music_minion.discovery.suggest import rank

    def user(urn: str) -> dict:
        return {"urn": urn, "username": urn, "likes": 30, "followers": 5}

    picked = {"t1": [user("a"), user("b")]}
    plain = rank([("t1", "A")], picked, [], set(), 20.0)
    hopped = rank([("t1", "A")], picked, [], set(), 20.0, near=[[user("b"), user("c")]])
    assert [s.urn for s in plain] == ["a", "b"] and [s.urn for s in hopped] == ["b", "a", "c"]
    b, c = hopped[0], hopped[2]
    assert (b.near, c.near, c.shared) == (1, 1, [])
    assert b.score == 1.5 * plain[1].score and c.score == 0.5 * plain[1].score
