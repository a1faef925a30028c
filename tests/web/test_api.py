"""The page's API beyond security: likes mirrored (and unliked on undo) only when asked, preview
and unstreamable tracks, and the queue's version moving when a sync lands."""

from __future__ import annotations

import pytest

from tests.web.helpers import manual_verdicts, request, sign_in


def _session(page_server):
    port = page_server.port
    return port, sign_in(page_server.url), f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("review_settings", [{"judgments.mirror_likes": "true"}])
def test_liked_is_mirrored_and_undo_unlikes(page_server, synced, mm, review_settings):
    port, cookie, origin = _session(page_server)
    urn = request(port, "/api/queue", cookie=cookie).json()["tracks"][0]["urn"]
    me = synced.world.me_urn
    r = request(
        port,
        "/api/verdict",
        "POST",
        cookie=cookie,
        origin=origin,
        body={"urn": urn, "verdict": "liked"},
    )
    assert r.json()["mirrored"] is True
    assert urn in synced.world.likes[me]
    assert manual_verdicts(mm) == {urn: "liked"}
    request(port, "/api/undo", "POST", cookie=cookie, origin=origin, body={"urn": urn})
    assert urn not in synced.world.likes[me]
    assert manual_verdicts(mm) == {}


def test_likes_are_not_mirrored_by_default(page_server, synced):
    port, cookie, origin = _session(page_server)
    urn = request(port, "/api/queue", cookie=cookie).json()["tracks"][0]["urn"]
    r = request(
        port,
        "/api/verdict",
        "POST",
        cookie=cookie,
        origin=origin,
        body={"urn": urn, "verdict": "liked"},
    )
    assert r.status == 200 and "mirrored" not in r.json()
    assert urn not in synced.world.likes[synced.world.me_urn]


def test_preview_tracks_play_their_preview_and_blocked_ones_fall_back(page_server, synced, mm):
    port, cookie, _ = _session(page_server)
    tracks = synced.world.tracks
    indexed = [r["urn"] for r in mm("feed", "--json", "--limit", "1000").json()]
    preview = [u for u in indexed if tracks[u].access == "preview"]
    assert preview, "the tiny world's feed has preview-only tracks"
    how = request(port, f"/api/play/{preview[0]}", cookie=cookie).json()
    assert how["player"] == "audio" and how["kind"] == "preview"
    r = request(port, how["src"], cookie=cookie)
    assert r.status == 200 and r.headers["content-type"] == "audio/mpeg"
    # A track the API stopped streaming after the sync (SoundCloud's 403 "not compatible")
    playable = next(u for u in indexed if tracks[u].access == "playable")
    synced.call(setattr, tracks[playable], "access", "blocked")
    for path in (f"/api/play/{playable}", f"/api/audio/{playable}"):
        r = request(port, path, cookie=cookie)
        assert r.status == 404 and r.json() == {"error": "no stream", "fallback": "widget"}


def test_a_failing_hls_part_drops_the_stream_so_the_next_ask_starts_afresh(page_server, synced):
    port, cookie, _ = _session(page_server)
    tracks = synced.world.tracks
    queue = [t["urn"] for t in request(port, "/api/queue", cookie=cookie).json()["tracks"]]
    urn = next(u for u in queue if tracks[u].access == "playable")
    synced.call(setattr, tracks[urn], "hls_only", True)
    src = request(port, f"/api/play/{urn}", cookie=cookie).json()["src"]
    first = [x for x in request(port, src, cookie=cookie).body.decode().splitlines() if x[0] != "#"]
    assert request(port, first[0], cookie=cookie).status == 200
    synced.call(synced.world.delete_track, urn)  # its media (and signed URLs) go away
    assert request(port, first[1], cookie=cookie).status == 502
    assert request(port, f"/api/play/{urn}", cookie=cookie).status == 404  # asked afresh: gone
    assert request(port, first[0], cookie=cookie).status == 404


def test_the_version_moves_when_a_sync_lands(page_server, mm):
    port, cookie, _ = _session(page_server)
    before = request(port, "/api/version", cookie=cookie).json()["version"]
    assert mm("sync", "--json").code == 0
    after = request(port, "/api/version", cookie=cookie).json()["version"]
    assert after != before


def test_two_pages_at_once(page_server, mm):
    port = page_server.port
    a, b = sign_in(page_server.url), sign_in(page_server.url)
    origin = f"http://127.0.0.1:{port}"
    qa = request(port, "/api/queue", cookie=a).json()["tracks"]
    qb = request(port, "/api/queue", cookie=b).json()["tracks"]
    assert [t["urn"] for t in qa] == [t["urn"] for t in qb]
    for cookie, track, verdict in ((a, qa[0], "liked"), (b, qb[1], "not_quite")):
        body = {"urn": track["urn"], "verdict": verdict}
        assert (
            request(port, "/api/verdict", "POST", cookie=cookie, origin=origin, body=body).status
            == 200
        )
    assert manual_verdicts(mm) == {qa[0]["urn"]: "liked", qb[1]["urn"]: "not_quite"}
    left = [t["urn"] for t in request(port, "/api/queue", cookie=a).json()["tracks"]]
    assert qa[0]["urn"] not in left and qb[1]["urn"] not in left
