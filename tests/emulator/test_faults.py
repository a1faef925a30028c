"""Faults and the rate limit: each kind is visible, none changes the world, retrying recovers all."""

from __future__ import annotations

import http.client as httpclient
import json
import socket
import time
import urllib.error
import urllib.request

import pytest

from music_minion.emulator.faults import KINDS, FaultSpec, FaultSpecError, TokenBucket
from music_minion.emulator.testing import start_emulator
from music_minion.timeutil import parse_timestamp
from tests.emulator.helpers import http, login

LISTS = [
    "/users/{a}/likes/tracks",
    "/users/{a}/reposts/tracks",
    "/users/{a}/tracks",
    "/me/likes/tracks",
    "/me/followings",
    "/me/playlists",
]


def fetch(url: str, token: str, timeout: float) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"Authorization": f"OAuth {token}"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def robust_walk(url: str, token: str, counts: dict) -> list[dict]:
    """A client that retries correctly: errors, bad JSON and drops are retried; each URL's last
    good answer wins (so a repeated next_href or an empty page never loses or doubles data)."""
    pages: dict[str, list] = {}
    order: list[str] = []
    while url:
        for _attempt in range(200):
            try:
                status, body = fetch(url, token, timeout=0.25)
            except (
                TimeoutError,
                urllib.error.URLError,
                httpclient.HTTPException,
                ConnectionError,
            ) as e:
                counts[type(e).__name__] = counts.get(type(e).__name__, 0) + 1
                continue
            if status != 200:
                counts[status] = counts.get(status, 0) + 1
                continue
            try:
                data = json.loads(body)
            except ValueError:
                counts["bad_json"] = counts.get("bad_json", 0) + 1
                continue
            break
        else:
            raise AssertionError("gave up")
        if url not in pages:
            order.append(url)
        pages[url] = data["collection"]
        nxt = data.get("next_href")
        if nxt == url:
            counts["same_href"] = counts.get("same_href", 0) + 1
        url = nxt
    return [item for u in order for item in pages[u]]


def world_state(w):
    return (
        w.version,
        {k: list(v) for k, v in w.likes.items()},
        {k: list(v) for k, v in w.reposts.items()},
        {k: list(v) for k, v in w.uploads.items()},
        {p: list(pl.tracks) for p, pl in w.playlists.items()},
        set(w.deleted),
    )


def test_fault_storm_changes_nothing_and_a_retrying_client_gets_everything():
    with start_emulator(seed=11, size="tiny") as emu:
        token = login(emu)["access_token"]
        urls = sorted(
            {
                f"{emu.api_base}{p.format(a=a)}?linked_partitioning=true&limit=2"
                for p in LISTS
                for a in emu.world.artist_urns
            }
        )
        clean = [robust_walk(u, token, {}) for u in urls]
        before = world_state(emu.world)
        emu.set_faults("rate=0.5,seed=5,timeout_s=0.5,retry_after=mixed")
        counts: dict = {}
        stormy = [robust_walk(u, token, counts) for u in urls]
        assert stormy == clean
        assert world_state(emu.world) == before
        faults = emu.stats()["faults"]
        assert sum(faults.values()) >= 30
        assert set(faults) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_each_fault_kind_is_visible(kind):
    with start_emulator(
        seed=2, size="tiny", faults=f"rate=1,seed=1,kinds={kind},timeout_s=0.4,retry_after=yes"
    ) as emu:
        token = emu.user_token()["access_token"]
        a = emu.world.artist_urns[0]
        url = f"{emu.api_base}/users/{a}/likes/tracks?linked_partitioning=true&limit=2"
        if kind == "timeout":
            t0 = time.monotonic()
            with pytest.raises((TimeoutError, socket.timeout, urllib.error.URLError)):
                fetch(url, token, timeout=0.15)
            assert time.monotonic() - t0 < 0.4
            return
        if kind == "drop":
            with pytest.raises((urllib.error.URLError, httpclient.HTTPException, ConnectionError)):
                fetch(url, token, timeout=2)
            assert emu.stats()["by_endpoint"] == {"GET /users/{urn}/likes/tracks": {"0": 1}}
            return
        status, body = fetch(url, token, timeout=2)
        if kind in ("429", "500", "502", "503"):
            assert status == int(kind)
            data = json.loads(body)
            assert data["code"] == int(kind)
            if kind == "429":
                reset = parse_timestamp(data["errors"][0]["meta"]["reset_time"])
                assert reset is not None and reset.timestamp() >= time.time() - 1
        elif kind == "truncate":
            assert status == 200
            with pytest.raises(ValueError):
                json.loads(body)
        else:
            data = json.loads(body)
            assert data["next_href"] == url
            if kind == "empty_page":
                assert data["collection"] == []
            else:
                assert [t["urn"] for t in data["collection"]] == [
                    u for u in emu.world.likes[a] if emu.world.tracks[u].access != "blocked"
                ][:2]
        assert emu.stats()["faults"] == {kind: 1}


def test_list_only_faults_spare_single_objects_and_oauth_is_spared_by_default():
    with start_emulator(seed=2, faults="rate=1,seed=1,kinds=repeat_cursor,empty_page") as emu:
        tok = login(emu)  # OAuth endpoints are not faulted unless `oauth` is a kind
        assert http(f"{emu.api_base}/me", token=tok["access_token"]).status == 200
        r = http(
            f"{emu.api_base}/users/{emu.world.artist_urns[0]}/likes/tracks?limit=2",
            token=tok["access_token"],
        )
        assert r.status == 200 and len(r.json()) == 2  # bare arrays have no cursor to repeat
    with start_emulator(seed=2, faults="rate=1,seed=1,kinds=503,oauth") as emu:
        with pytest.raises(urllib.error.HTTPError):
            login(emu)


def test_faulted_writes_never_reach_the_world():
    with start_emulator(seed=2) as emu:
        token = emu.user_token()["access_token"]
        track = emu.world.likes[emu.world.artist_urns[0]][0]
        before = world_state(emu.world)
        for kind in ("500", "drop", "truncate", "timeout"):
            emu.set_faults(f"rate=1,seed=1,kinds={kind},timeout_s=0.2")
            try:
                r = http(
                    f"{emu.api_base}/playlists",
                    "POST",
                    token=token,
                    json_body={"playlist": {"title": "x", "tracks": [{"urn": track}]}},
                    timeout=2,
                )
                assert r.status >= 500
            except (urllib.error.URLError, httpclient.HTTPException, ConnectionError):
                pass
            try:
                http(f"{emu.api_base}/likes/tracks/{track}", "POST", token=token, timeout=2)
            except (urllib.error.URLError, httpclient.HTTPException, ConnectionError):
                pass
        assert world_state(emu.world) == before


@pytest.mark.parametrize(
    "mode,expect", [("yes", {True}), ("no", {False}), ("mixed", {True, False})]
)
def test_retry_after_modes(mode, expect):
    with start_emulator(seed=2, faults=f"rate=1,seed=4,kinds=429,retry_after={mode}") as emu:
        token = emu.user_token()["access_token"]
        seen = set()
        for _ in range(12):
            r = http(f"{emu.api_base}/users/{emu.world.artist_urns[0]}", token=token)
            assert r.status == 429
            seen.add("Retry-After" in r.headers)
        assert seen == expect


def test_rate_limit_token_bucket():
    with start_emulator(seed=2, rate=5) as emu:
        token = emu.user_token()["access_token"]
        url = f"{emu.api_base}/users/{emu.world.artist_urns[0]}"
        t0 = time.monotonic()
        statuses = [http(url, token=token).status for _ in range(20)]
        elapsed = time.monotonic() - t0
        ok = statuses.count(200)
        assert 5 <= ok <= 5 + int(elapsed * 5) + 1 and statuses.count(429) == 20 - ok
        r = http(url, token=token)
        if r.status == 429:
            body = r.json()
            meta = body["errors"][0]["meta"]
            assert (
                meta["remaining_requests"] == 0 and parse_timestamp(meta["reset_time"]) is not None
            )
        time.sleep(0.5)
        assert http(url, token=token).status == 200
        emu.set_rate(None)
        assert all(http(url, token=token).status == 200 for _ in range(10))


def test_added_latency():
    with start_emulator(seed=2, faults="latency_ms=150") as emu:
        token = emu.user_token()["access_token"]
        t0 = time.monotonic()
        assert http(f"{emu.api_base}/me", token=token).status == 200
        assert time.monotonic() - t0 >= 0.15


def test_fault_spec_parsing():
    s = FaultSpec.parse("rate=0.2,seed=7,kinds=429,500,timeout,retry_after=no")
    assert (s.rate, s.seed, s.kinds, s.retry_after, s.oauth) == (
        0.2,
        7,
        ("429", "500", "timeout"),
        "no",
        False,
    )
    assert FaultSpec.parse("rate=0.1").kinds == KINDS
    assert FaultSpec.parse(None).rate == 0 and FaultSpec.parse("none").rate == 0
    assert FaultSpec.parse("kinds=500,oauth").oauth
    for bad in (
        "rate=2",
        "rate=x",
        "kinds=500,boom",
        "retry_after=maybe",
        "colour=red",
        "rate=0.1,junk",
    ):
        with pytest.raises(FaultSpecError):
            FaultSpec.parse(bad)


def test_same_seed_same_faults():
    from music_minion.emulator.faults import FaultInjector

    a, b = (
        FaultInjector(FaultSpec.parse("rate=0.5,seed=3")),
        FaultInjector(FaultSpec.parse("rate=0.5,seed=3")),
    )
    assert [a.decide(True) for _ in range(100)] == [b.decide(True) for _ in range(100)]


def test_token_bucket_refills():
    bucket = TokenBucket(100, burst=2)
    assert bucket.take() == 0 and bucket.take() == 0
    wait = bucket.take()
    assert 0 < wait <= 0.011
    time.sleep(wait + 0.002)
    assert bucket.take() == 0
