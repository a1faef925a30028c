"""Listening in the emulator: `/tracks/{urn}/streams` (validated against SoundCloud's spec), the
stream redirect to signed generated MP3 audio or to a signed HLS playlist of MP3 segments, and
the waveform JSON consistent with that audio."""

from __future__ import annotations

import io
import urllib.parse

import pytest
import soundfile

from music_minion.emulator.testing import start_emulator
from tests.emulator.helpers import http, login, openapi_path


@pytest.fixture(scope="module")
def live():
    with start_emulator(seed=5, size="tiny") as emu:
        yield emu, login(emu)["access_token"]


def _tracks(emu, access: str, hls_only: bool = False) -> list[str]:
    return [u for u, t in emu.world.tracks.items() if t.access == access and t.hls_only == hls_only]


def _decode(mp3: bytes) -> tuple[memoryview, int]:
    """16-bit samples and rate of an MP3, decoded by libsndfile (not the emulator's code)."""
    data, rate = soundfile.read(io.BytesIO(mp3), dtype="int16")
    return memoryview(data.tobytes()).cast("h"), rate


@pytest.mark.skipif(openapi_path() is None, reason="SoundCloud's openapi.yaml is not available")
def test_streams_answer_conforms_to_the_spec(live):
    from openapi_core import Config, OpenAPI
    from openapi_core.testing import MockRequest, MockResponse

    emu, token = live
    openapi = OpenAPI.from_file_path(str(openapi_path()), config=Config(spec_validator_cls=None))
    hls_only = _tracks(emu, "playable", hls_only=True)[0]
    for urn in (_tracks(emu, "playable")[0], _tracks(emu, "preview")[0], hls_only):
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
    hls_only = _tracks(emu, "playable", hls_only=True)[0]
    offered = http(f"{emu.api_base}/tracks/{hls_only}/streams", token=token).json()
    assert set(offered) == {"hls_mp3_128_url", "preview_mp3_128_url"}
    http_url = offered["hls_mp3_128_url"].rsplit("/", 1)[0] + "/http"
    assert http(http_url, token=token).status == 404  # no progressive stream behind it either
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
    assert audio.status == 200 and audio.headers["Content-Type"] == "audio/mpeg"
    tampered = location[:-4] + ("0000" if not location.endswith("0000") else "1111")
    assert http(tampered).status == 403
    samples, rate = _decode(audio.body)
    truth = http(f"{emu.api_base}/_emulator/tracks/{urllib.parse.quote(urn)}/audio").json()
    assert truth["length_s"] == pytest.approx(len(samples) / rate, abs=0.2)

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


def test_an_hls_stream_is_a_signed_playlist_of_the_same_mp3(live):
    emu, token = live
    urn = _tracks(emu, "playable", hls_only=True)[0]
    url = http(f"{emu.api_base}/tracks/{urn}/streams", token=token).json()["hls_mp3_128_url"]
    redirect = http(url, token=token)
    assert redirect.status == 302
    listing = http(redirect.headers["Location"])
    assert listing.status == 200
    assert listing.headers["Content-Type"].startswith("application/vnd.apple.mpegurl")
    lines = listing.body.decode().splitlines()
    assert lines[0] == "#EXTM3U" and lines[-1] == "#EXT-X-ENDLIST"
    target = int(next(x for x in lines if x.startswith("#EXT-X-TARGETDURATION:")).split(":")[1])
    durations = [float(x[8:].rstrip(",")) for x in lines if x.startswith("#EXTINF:")]
    uris = [x for x in lines if not x.startswith("#")]
    assert len(uris) == len(durations) >= 4 and max(durations) <= target
    assert all("signature=" in u for u in uris)
    parts = [http(u) for u in uris]
    assert all(p.status == 200 and p.headers["Content-Type"] == "audio/mpeg" for p in parts)
    assert http(uris[1].replace("signature=", "signature=0")).status == 403
    whole = b"".join(p.body for p in parts)
    samples, rate = _decode(whole)
    truth = http(f"{emu.api_base}/_emulator/tracks/{urllib.parse.quote(urn)}/audio").json()
    assert sum(durations) == pytest.approx(len(samples) / rate, abs=0.1)
    assert sum(durations) == pytest.approx(truth["length_s"], abs=0.2)
    drop = int(truth["drop_s"] * rate)
    assert max(abs(v) for v in samples[drop - 3 * rate : drop - rate // 2]) < 0.5 * 32767
    assert max(abs(v) for v in samples[drop + rate // 2 : drop + 3 * rate]) > 0.6 * 32767
