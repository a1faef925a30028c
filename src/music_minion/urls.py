"""SoundCloud page URLs in one canonical form, so a URL typed, tagged or stored compares equal."""

from __future__ import annotations

import re

_PREFIX = re.compile(r"^(https?://)?(www\.|m\.)?(?=soundcloud\.com/)", re.I)


def canonical(url: str, *, lower: bool = False) -> str:
    """`url` trimmed, without query, fragment or trailing slash, `http`/`www.`/`m.` folded into
    `https://soundcloud.com/`; text that is not a soundcloud.com URL only loses the noise.
    `lower` folds case too (permalinks compare without case)."""
    text = url.strip().split("#", 1)[0].split("?", 1)[0].rstrip("/")
    text = _PREFIX.sub("https://", text)
    return text.lower() if lower else text
