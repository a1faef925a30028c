"""The emulator checked against reality: its objects carry the field sets and date formats of the
real v1 API's 2025 answers, and its errors the current real error shape."""

from __future__ import annotations

import re
from typing import Any

import msgspec
import pytest

from music_minion.emulator.testing import start_emulator
from music_minion.soundcloud.errors import NotFound, answer_error
from tests.emulator.helpers import http, login
from tests.realworld import realworld_root, soundcloud_index

SC = realworld_root() / "soundcloud"
CURRENT = [r for r in soundcloud_index() if r["api"] == "v1" and "rec2025" in r["file"]]
pytestmark = pytest.mark.skipif(not CURRENT, reason="the real-world captures are not available")
V1_DATE = re.compile(r"\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \+0000\Z")
DATES = ("created_at", "last_modified")


def _objects(doc: Any) -> list[dict[str, Any]]:
    """Every object with a `kind` in a body, nested ones included (embedded users, tracks)."""
    found: list[dict[str, Any]] = []
    if isinstance(doc, dict):
        if doc.get("kind") in ("track", "user", "playlist"):
            found.append(doc)
        for v in doc.values():
            found += _objects(v)
    elif isinstance(doc, list):
        for v in doc:
            found += _objects(v)
    return found


def _key_sets(docs: list[Any]) -> dict[str, set[frozenset[str]]]:
    """kind → the distinct key sets its objects have (a user alone, embedded, or as "me")."""
    sets: dict[str, set[frozenset[str]]] = {}
    for doc in docs:
        for obj in _objects(doc):
            sets.setdefault(obj["kind"], set()).add(frozenset(obj))
    return sets


def _dates(docs: list[Any]) -> set[str]:
    return {o[k] for d in docs for o in _objects(d) for k in DATES if o.get(k) is not None}


@pytest.fixture(scope="module")
def real() -> list[Any]:
    return [msgspec.json.decode((SC / r["file"]).read_bytes()) for r in CURRENT]


@pytest.fixture(scope="module")
def emulated() -> Any:
    with start_emulator(seed=5, size="tiny") as emu:
        token = login(emu)["access_token"]
        w = emu.world
        artist = w.artist_urns[0]
        paths = [
            "/me",
            f"/users/{artist}",
            f"/tracks/{w.likes[artist][0]}",
            f"/playlists/{w.user_playlists[w.me_urn][0]}",
            "/me/followings?linked_partitioning=true&limit=5",
            "/me/playlists?limit=2",
            "/me/playlists?limit=2&show_tracks=false",
            f"/users/{artist}/tracks?limit=3",
        ]
        bodies = [http(f"{emu.api_base}{p}", token=token) for p in paths]
        missing = http(f"{emu.api_base}/tracks/soundcloud:tracks:1", token=token)
        yield [b.json() for b in bodies], missing


def test_the_captures_hold_what_the_emulator_is_compared_with(real):
    sets = _key_sets(real)
    assert set(sets) == {"track", "user", "playlist"}
    assert all(V1_DATE.match(d) for d in _dates(real))


@pytest.mark.parametrize("kind", ["track", "user", "playlist"])
def test_objects_carry_the_real_field_sets(real, emulated, kind):
    """Each emulated object has exactly the keys of a real one of its kind (`/me` has more keys
    than other users; a playlist listed without its tracks has no `tracks`)."""
    real_sets = _key_sets(real)[kind]
    fake_sets = _key_sets(emulated[0])[kind]
    union = frozenset().union(*real_sets)
    for keys in fake_sets:
        if kind == "playlist" and "tracks" not in keys:
            keys = keys | {"tracks"}
        assert keys in real_sets or (kind == "user" and keys == union), sorted(
            keys ^ min(real_sets, key=lambda s: len(s ^ keys))
        )


def test_dates_use_the_v1_format_everywhere(emulated):
    dates = _dates(emulated[0])
    assert dates and all(V1_DATE.match(d) for d in dates), sorted(dates)[:5]


def test_error_bodies_take_the_current_real_shape(emulated):
    real = msgspec.json.decode(
        (SC / "mopidy__sc-resolve-track-none__tracks_s38720262__rec2025-07-11.json").read_bytes()
    )
    missing = emulated[1]
    body = missing.json()
    assert missing.status == 404 and set(body) == set(real)
    assert body["status"] == real["status"] == "404 - Not Found" and body["error"] is None
    error = answer_error(missing.status, "/tracks/{urn}", missing.body)
    assert isinstance(error, NotFound) and error.message == body["message"]
