"""HLS through the local server: a media playlist whose every URI (segments, and any `URI="…"`
attribute such as an init segment) is replaced by a loopback path of this server, which fetches
the signed upstream URL itself. So no signature (nor the token used to get the playlist) reaches
the page. Master playlists are refused: their URIs are playlists, which would pass unrewritten.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

CONTENT_TYPE = "application/vnd.apple.mpegurl"
_ATTRIBUTE_URI = re.compile(r'URI="([^"]*)"')
_MASTER_TAGS = ("#EXT-X-STREAM-INF", "#EXT-X-MEDIA:", "#EXT-X-I-FRAME-STREAM-INF")


class NotMediaPlaylist(ValueError):
    """The text is not an HLS media playlist this proxy can rewrite."""


@dataclass
class Hls:
    """A track's proxied HLS stream: the rewritten playlist, the upstream URL of each local
    part (index = the number in its local path), and the parts fetched so far."""

    playlist: bytes
    upstream: list[str]
    kind: str
    parts: dict[int, tuple[bytes, str]] = field(default_factory=dict)


def rewrite(text: str, base: str, local: Callable[[int], str]) -> tuple[str, list[str]]:
    """(the playlist with URI n replaced by `local(n)`, the absolute upstream URIs in order);
    relative URIs are resolved against `base`, the playlist's own URL."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "#EXTM3U":
        raise NotMediaPlaylist("not an HLS playlist")
    if any(line.startswith(_MASTER_TAGS) for line in lines):
        raise NotMediaPlaylist("a master playlist, not a media playlist")
    upstream: list[str] = []

    def swap(uri: str) -> str:
        upstream.append(urljoin(base, uri.strip()))
        return local(len(upstream) - 1)

    out = []
    for line in lines:
        if not line.strip() or (line.startswith("#") and not line.startswith("#EXT")):
            continue  # blank lines and comments (which could carry anything) are dropped
        if line.startswith("#"):
            out.append(_ATTRIBUTE_URI.sub(lambda m: f'URI="{swap(m.group(1))}"', line))
        else:
            out.append(swap(line))
    return "\n".join([*out, ""]), upstream
