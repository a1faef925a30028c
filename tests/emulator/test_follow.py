"""`PUT /me/followings/{urn}`: following a user, as SoundCloud answers it."""

from __future__ import annotations

import pytest

from music_minion.emulator.testing import start_emulator
from tests.emulator.helpers import http, login, walk


@pytest.fixture
def fresh():
    with start_emulator(seed=5, size="tiny") as e:
        yield e, login(e)["access_token"]


def _new_user(emu) -> str:
    w = emu.world
    return next(u for u in w.users if u != w.me_urn and u not in w.followings[w.me_urn])


def test_follow_is_recorded_and_listed_first(fresh) -> None:
    emu, token = fresh
    urn = _new_user(emu)
    r = http(f"{emu.api_base}/me/followings/{urn}", "PUT", token=token)
    assert r.status == 201 and r.json()["urn"] == urn
    followings, _ = walk(emu, "/me/followings", token, limit=50)
    assert followings[0]["urn"] == urn
    again = http(f"{emu.api_base}/me/followings/{urn}", "PUT", token=token)
    assert again.status == 200
    assert [u["urn"] for u in walk(emu, "/me/followings", token, limit=50)[0]].count(urn) == 1


def test_unknown_user_is_404_and_refusals_are_422(fresh) -> None:
    emu, token = fresh
    w = emu.world
    assert (
        http(f"{emu.api_base}/me/followings/soundcloud:users:1", "PUT", token=token).status == 404
    )
    me = http(f"{emu.api_base}/me/followings/{w.me_urn}", "PUT", token=token)
    assert me.status == 422 and b"yourself" in me.body
    emu.call(setattr, w, "follow_limit", len(w.followings[w.me_urn]))
    full = http(f"{emu.api_base}/me/followings/{_new_user(emu)}", "PUT", token=token)
    assert full.status == 422 and b"follow limit" in full.body
