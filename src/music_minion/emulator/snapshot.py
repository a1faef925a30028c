"""A world as plain JSON data and back: `world_to_data(w)` → `world_from_data(data)` is the same
world (users, tracks, lists, playlists, deletions, clock, id counters, random state, and a taste
world's truth and week), so an emulator started on it answers as the saved one did.

Only the world is kept: tokens, faults and counters belong to a running emulator.
"""

from __future__ import annotations

import random
from dataclasses import asdict, fields
from typing import Any

from music_minion.emulator.taste import Taste, TrackTruth, params_from
from music_minion.emulator.world import Playlist, Track, User, World, WorldSize

_RECORDS: dict[str, type] = {"users": User, "tracks": Track, "playlists": Playlist}
FORMAT = 1


def world_to_data(w: World) -> dict[str, Any]:
    """`w` as JSON-ready data (read it on the emulator's loop, where nothing changes it)."""
    data: dict[str, Any] = {"format": FORMAT}
    for f in fields(World):
        value = getattr(w, f.name)
        if f.name in _RECORDS:
            value = {urn: asdict(record) for urn, record in value.items()}
        elif f.name == "size":
            value = asdict(value)
        elif f.name == "deleted":
            value = sorted(value)
        elif f.name == "_rng":
            version, state, gauss = value.getstate()
            value = [version, list(state), gauss]
        elif f.name == "taste":
            value = None if value is None else _taste_to_data(value)
        data[f.name] = value
    return data


def world_from_data(data: dict[str, Any]) -> World:
    """The world `world_to_data` saved; ValueError when `data` is not one."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("not a saved world (or one of another format)")
    try:
        w = World(seed=int(data["seed"]), size=WorldSize(**data["size"]))
        for f in fields(World):
            if f.name in ("seed", "size"):
                continue
            value = data[f.name]
            if f.name in _RECORDS:
                value = {urn: _RECORDS[f.name](**record) for urn, record in value.items()}
            elif f.name == "deleted":
                value = set(value)
            elif f.name == "_rng":
                value = random.Random()
                value.setstate((data["_rng"][0], tuple(data["_rng"][1]), data["_rng"][2]))
            elif f.name == "taste":
                value = None if value is None else _taste_from_data(value)
            setattr(w, f.name, value)
    except (KeyError, TypeError, IndexError) as e:
        raise ValueError(f"a saved world with a missing or wrong part ({e})") from None
    return w


def _taste_to_data(t: Taste) -> dict[str, Any]:
    return {
        "params": asdict(t.params),
        "listener": t.listener,
        "bias": t.bias,
        "week": t.week,
        "tracks": {urn: asdict(truth) for urn, truth in t.tracks.items()},
        "tastes": t.tastes,
        "kinds": t.kinds,
        "listens": t.listens,
    }


def _taste_from_data(data: dict[str, Any]) -> Taste:
    return Taste(
        params=params_from(data["params"]),
        listener=data["listener"],
        bias=data["bias"],
        week=data["week"],
        tracks={urn: TrackTruth(**truth) for urn, truth in data["tracks"].items()},
        tastes=data["tastes"],
        kinds=data["kinds"],
        listens=data["listens"],
    )
