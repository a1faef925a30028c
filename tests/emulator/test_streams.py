"""Listening in the emulator: `/tracks/{urn}/streams` (validated against SoundCloud's spec), the
stream redirect to signed generated audio, and the waveform JSON consistent with that audio."""

from __future__ import annotations

import io
import urllib.parse
import wave

import pytest

from music_minion.emulator.testing import start_emulator
from tests.emulator.helpers import http, login, openapi_path


@pytest.fixture(scope="module")
def live():
    with start_emulator(seed=5, size="tiny") as emu:
        yield emu, login(emu)["access_token"]


def _tracks(emu, access: str) -> list[str]:
    return [u for u, t in emu.world.tracks.items() if t.access == access]


@pytest.mark.skipif(openapi_path() is None, reason="SoundCloud's openapi.yaml is not available")
def test_streams_answer_conforms_to_the_spec(live):
    from openapi_core import Config, OpenAPI
    from openapi_core.testing import MockRequest, MockResponse

    emu, token = live
    openapi = OpenAPI.from_file_path(str(openapi_path()), config=Config(spec_validator_cls=None))
    for urn in (_tracks(emu, "playable")[0], _tracks(emu, "preview")[0]):
        path = f"/tracks/{urn}/streams"
        r = http(f"{emu.api_base}{path}", token=token)
        assert r.status == 200
        request = MockRequest(
            "https://api.soundcloud.com", "get", path, headers={"Authorization": f"OAuth {token}"}
        )
        response = MockResponse(r.body, status_code=200, content_type=r.headers["Content-Type"])
        openapi.validate_response(request, response)


def test_streams_need_a_token_and_follow_access(live):
    emu, token = live
    playable, preview = _tracks(emu, "playable")[0], _tracks(emu, "preview")[0]
    assert http(f"{emu.api_base}/tracks/{playable}/streams").status == 401
    full = http(f"{emu.api_base}/tracks/{playable}/streams", token=token).json()
    assert {"http_mp3_128_url", "hls_mp3_128_url", "preview_mp3_128_url"} <= full.keys()
    assert set(http(f"{emu.api_base}/tracks/{preview}/streams", token=token).json()) == {
        "preview_mp3_128_url"
    }
    blocked = _tracks(emu, "blocked")
    if blocked:
        assert http(f"{emu.api_base}/tracks/{blocked[0]}/streams", token=token).status == 403
    assert http(f"{emu.api_base}/tracks/soundcloud:tracks:1/streams", token=token).status == 404


def test_a_stream_redirects_to_signed_audio_with_a_known_drop(live):
    emu, token = live
    urn = _tracks(emu, "playable")[0]
    url = http(f"{emu.api_base}/tracks/{urn}/streams", token=token).json()["http_mp3_128_url"]
    assert http(url).status == 401  # the stream URL itself needs the token
    redirect = http(url, token=token)
    assert redirect.status == 302
    location = redirect.headers["Location"]
    audio = http(location)
    assert audio.status == 200 and audio.headers["Content-Type"] == "audio/wav"
    tampered = location[:-4] + ("0000" if not location.endswith("0000") else "1111")
    assert http(tampered).status == 403
    with wave.open(io.BytesIO(audio.body)) as w:
        frames = w.readframes(w.getnframes())
        seconds = w.getnframes() / w.getframerate()
    truth = http(f"{emu.api_base}/_emulator/tracks/{urllib.parse.quote(urn)}/audio").json()
    assert truth["length_s"] == pytest.approx(seconds)
    samples = memoryview(frames).cast("h")
    rate = len(samples) / seconds

    def level(t0: float, t1: float) -> float:
        part = samples[int(t0 * rate) : int(t1 * rate)]
        return max(abs(v) for v in part)

    drop = truth["drop_s"]
    assert level(0.5, 3) < 0.1 * 32767  # a quiet intro
    assert level(drop - 3, drop - 0.5) < level(drop + 0.5, drop + 3)  # then the drop
    assert level(drop + 0.5, drop + 3) > 0.6 * 32767


def test_waveform_json_matches_the_audio_and_tracks_differ(live):
    emu, token = live
    a, b = _tracks(emu, "playable")[:2]
    track = http(f"{emu.api_base}/tracks/{a}", token=token).json()
    png = track["waveform_url"]
    assert png.endswith(".png")
    wave_json = http(png[: -len(".png")] + ".json").json()
    assert wave_json["width"] == len(wave_json["samples"]) == 1800
    truth = http(f"{emu.api_base}/_emulator/tracks/{urllib.parse.quote(a)}/audio").json()
    at = int(len(wave_json["samples"]) * truth["drop_s"] / truth["length_s"])
    samples = wave_json["samples"]
    assert max(samples[: at - 20]) < min(samples[at + 5 : at + 100])
    other = http(f"{emu.api_base}/_emulator/tracks/{urllib.parse.quote(b)}/audio").json()
    assert (truth["pitch_hz"], truth["drop_s"]) != (other["pitch_hz"], other["drop_s"])
