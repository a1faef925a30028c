"""A saved world is the same world: equal data after a JSON round trip, and it goes on changing
exactly as the original does (the random state and the taste world's week travel with it)."""

from __future__ import annotations

import json

import pytest

from music_minion.emulator.listener import listen
from music_minion.emulator.snapshot import world_from_data, world_to_data
from music_minion.emulator.taste_world import advance, generate_taste
from music_minion.emulator.world import World, generate, resolve_size


def lived_in(world: World) -> World:
    """A world in use: a week on (a taste world; `mutate` the others), a playlist pushed and
    heard, a track deleted."""
    if world.taste is None:
        world.mutate(likes=5, uploads=2, me_likes=3)
    picks = list(world.tracks)[:8]
    playlist = world.create_playlist(world.me_urn, "Discoveries", picks)
    if world.taste is not None:
        advance(world, world.taste, 1)
        listen(world, world.taste, playlist.urn)
    world.delete_track(picks[-1])
    return world


def round_trip(world: World) -> World:
    return world_from_data(json.loads(json.dumps(world_to_data(world))))


@pytest.mark.parametrize("taste", [True, False], ids=["taste world", "plain world"])
def test_a_saved_world_is_the_same_and_changes_the_same_way(taste):
    size = resolve_size("tiny")
    world = lived_in(generate_taste(5, size, {}) if taste else generate(5, size))
    saved = world_to_data(world)
    back = round_trip(world)
    assert world_to_data(back) == saved
    assert back.resolve_url(f"https://soundcloud.com/{back.me.permalink}") == (
        "users",
        world.me_urn,
    )
    for w in (world, back):  # the same future: the same new tracks, likes and week
        if w.taste is None:
            w.mutate(likes=4, uploads=3)
        else:
            advance(w, w.taste, 2)
    assert world_to_data(back) == world_to_data(world)
    assert world_to_data(world) != saved


def test_anything_else_is_refused_with_a_value_error():
    data = world_to_data(generate(1, "tiny"))
    for bad in ({}, {**data, "format": 99}, {k: v for k, v in data.items() if k != "tracks"}):
        with pytest.raises(ValueError):
            world_from_data(bad)
