"""The taste world's truth and time are reachable only under /_emulator/taste; the simulated
listener likes through the same state as the API's like endpoint and dismisses into its playlist."""

from __future__ import annotations

import pytest

from tests.emulator.helpers import http, login


@pytest.fixture
def taste_emu():
    from music_minion.emulator.testing import start_emulator

    with start_emulator(seed=2, size="small", taste={"mix": {"kindred": 0.5, "noisy": 0.5}}) as e:
        yield e


def private(emu, path, body=None):
    method = "GET" if body is None else "POST"
    return http(f"{emu.api_base}/_emulator/{path}", method, json_body=body)


def test_truth_is_private_and_absent_from_the_api(taste_emu):
    truth = private(taste_emu, "taste").json()
    assert set(truth["listener"]) and truth["week"] == 0 and truth["clock"] > 0
    assert {c["kind"] for c in truth["curators"].values()} == {"kindred", "noisy"}
    urn = next(iter(taste_emu.world.tracks))
    one = private(taste_emu, "taste/tracks", {"urns": [urn, "soundcloud:tracks:1"]}).json()
    assert 0 < one["tracks"][urn]["p_like"] < 1 and one["tracks"]["soundcloud:tracks:1"] is None
    token = login(taste_emu)["access_token"]
    shown = http(f"{taste_emu.api_base}/tracks/{urn}", token=token).json()
    assert not {"p_like", "quality", "style", "affinity", "popularity"} & set(shown)
    assert private(taste_emu, "taste/tracks", {"urns": "x"}).status == 400


def test_the_default_world_has_no_taste_endpoints():
    from music_minion.emulator.testing import start_emulator

    with start_emulator(seed=1, size="tiny") as e:
        assert private(e, "taste").status == 404
        assert private(e, "taste/advance", {"weeks": 1}).status == 404


def test_advance_then_listen_likes_and_dismisses(taste_emu):
    w = taste_emu.world
    week = private(taste_emu, "taste/advance", {"weeks": 2}).json()
    assert week["week"] == 2 and week["uploads"] > 0
    assert private(taste_emu, "taste/advance", {"weeks": 0}).status == 400
    tracks = [u for u in w.tracks if u not in w.likes[w.me_urn]][:40]
    pl = taste_emu.call(w.create_playlist, w.me_urn, "Discoveries", tracks)
    heard = private(taste_emu, "taste/listen", {"playlist": pl.urn}).json()
    assert heard["heard"] == 40 and len(heard["tracks"]) == 40
    fates = {t["urn"]: t["fate"] for t in heard["tracks"]}
    liked = [u for u, f in fates.items() if f == "liked"]
    dismissed = [u for u, f in fates.items() if f == "dismissed"]
    assert liked and dismissed and heard["liked"] == len(liked)
    # The likes are real likes: the API lists them as mine.
    token = login(taste_emu)["access_token"]
    mine = http(f"{taste_emu.api_base}/me/likes/tracks?limit=200", token=token).json()
    items = mine["collection"] if isinstance(mine, dict) else mine
    assert set(liked) <= {t["urn"] for t in items}
    ni = next(p for p in w.playlists.values() if p.title == "Not interested")
    assert ni.tracks[: len(dismissed)] == dismissed
    half = private(taste_emu, "taste/listen", {"playlist": pl.urn, "heard_share": 0.5}).json()
    assert half["heard"] == 20
    assert private(taste_emu, "taste/listen", {"playlist": "nope"}).status == 404
    assert private(taste_emu, "taste/listen", {"playlist": pl.urn, "heard_share": 2}).status == 400


def test_listening_repeats_exactly_for_the_same_seed():
    from music_minion.emulator.listener import listen
    from music_minion.emulator.taste_world import generate_taste
    from music_minion.emulator.world import resolve_size

    outcomes = []
    for _ in range(2):
        w = generate_taste(9, resolve_size("small"), {})
        pl = w.create_playlist(w.me_urn, "D", [u for u in w.tracks][:30])
        outcomes.append([listen(w, w.taste, pl.urn)["tracks"] for _ in range(2)])
    assert outcomes[0] == outcomes[1]
