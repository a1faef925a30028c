"""The audio proxy's pieces: byte ranges for seeking, and the drop found from a waveform."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import make_mocked_request

from music_minion.emulator import audio as generated
from music_minion.web.audio import Audio, drop_fraction, ranged

BODY = Audio(bytes(range(256)) * 4, "audio/mpeg", "full")


def _get(range_header: str | None):
    headers = {"Range": range_header} if range_header else {}
    return ranged(make_mocked_request("GET", "/api/audio/x", headers=headers), BODY)


def test_ranges_answer_the_asked_bytes():
    whole = _get(None)
    assert whole.status == 200 and whole.body == BODY.body
    assert whole.headers["Accept-Ranges"] == "bytes"
    part = _get("bytes=10-19")
    assert part.status == 206 and part.body == BODY.body[10:20]
    assert part.headers["Content-Range"] == "bytes 10-19/1024"
    assert _get("bytes=1000-").body == BODY.body[1000:]
    assert _get("bytes=-24").body == BODY.body[-24:]
    assert _get("bytes=1020-5000").body == BODY.body[1020:]
    assert _get("bytes=2000-").status == 416
    assert _get("bytes=junk").status == 200  # an unreadable range: the whole file


@pytest.mark.parametrize("track_id", [1, 5, 17, 40, 123])
def test_the_drop_found_in_the_emulators_waveform_is_its_known_drop(track_id):
    plan = generated.plan(track_id)
    samples = generated.waveform(track_id)["samples"]
    found = drop_fraction([s / 140 for s in samples])
    assert found is not None
    assert abs(found * plan.length_s - plan.drop_s) < 0.5


def test_no_drop_in_silence_or_too_little():
    assert drop_fraction([0.0] * 1800) is None
    assert drop_fraction([0.5]) is None
    assert drop_fraction([]) is None
