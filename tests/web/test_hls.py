"""The HLS proxy's playlist rewriting (every URI becomes a local path; nothing upstream is left),
and which of a track's streams the page plays."""

from __future__ import annotations

import pytest

from music_minion.soundcloud.media import Stream, decode_streams
from music_minion.web.hls import NotMediaPlaylist, rewrite

BASE = "https://cf-hls-media.sndcdn.com/playlist/abc/stream.m3u8?Policy=p&Signature=s"
MEDIA = """#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:10
# a comment: https://cf-hls-media.sndcdn.com/leak?Signature=s
#EXT-X-MAP:URI="init.mp4?Signature=i"
#EXTINF:9.98,
https://cf-hls-media.sndcdn.com/media/0/1/a.m4s?Signature=a

#EXTINF:9.98,
../media/2/b.m4s?Signature=b
#EXT-X-ENDLIST
"""


def test_every_uri_becomes_a_local_path_in_order():
    text, upstream = rewrite(MEDIA, BASE, lambda n: f"/api/hls/t/{n}")
    assert upstream == [
        "https://cf-hls-media.sndcdn.com/playlist/abc/init.mp4?Signature=i",
        "https://cf-hls-media.sndcdn.com/media/0/1/a.m4s?Signature=a",
        "https://cf-hls-media.sndcdn.com/playlist/media/2/b.m4s?Signature=b",
    ]
    assert text.splitlines() == [
        "#EXTM3U",
        "#EXT-X-VERSION:6",
        "#EXT-X-TARGETDURATION:10",
        '#EXT-X-MAP:URI="/api/hls/t/0"',
        "#EXTINF:9.98,",
        "/api/hls/t/1",
        "#EXTINF:9.98,",
        "/api/hls/t/2",
        "#EXT-X-ENDLIST",
    ]
    assert "sndcdn" not in text and "Signature" not in text


@pytest.mark.parametrize(
    "text",
    [
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=128000\nhttps://x/variant.m3u8?Signature=v\n",
        '#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="x",URI="a.m3u8"\n',
        "<html>not a playlist</html>",
        "",
    ],
)
def test_master_playlists_and_other_text_are_refused(text):
    with pytest.raises(NotMediaPlaylist):
        rewrite(text, BASE, lambda n: f"/{n}")


@pytest.mark.parametrize(
    ("answer", "chosen"),
    [
        (
            b'{"http_mp3_128_url": "h", "hls_mp3_128_url": "m", "preview_mp3_128_url": "p"}',
            Stream("full", "h"),
        ),
        (b'{"hls_mp3_128_url": "m", "preview_mp3_128_url": "p"}', Stream("full", "m", hls=True)),
        (b'{"hls_aac_160_url": "a", "preview_mp3_128_url": "p"}', Stream("full", "a", hls=True)),
        (b'{"hls_opus_64_url": "o", "preview_mp3_128_url": "p"}', Stream("preview", "p")),
        (b'{"hls_opus_64_url": "o"}', None),
        (b"{}", None),
    ],
)
def test_the_page_plays_progressive_then_hls_then_the_preview(answer, chosen):
    assert decode_streams(answer).best() == chosen
