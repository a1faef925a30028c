"""Conformance with real SoundCloud answers captured by other projects (2015-2025), one test per file.

v1 tracks, users, playlists and their pages (bare arrays, `{collection, next_href}`) decode with the
fields the product uses, typed as sent; every error body (JSON of any shape, plain text, a space,
nothing) becomes the right typed error with its message and, for a 429, its reset time; the 302
body of `/resolve` gives its location. v2 answers never raise: read where they fit, else skipped.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import msgspec
import pytest

from music_minion.soundcloud import models
from music_minion.soundcloud.errors import (
    ApiError,
    AuthFailed,
    Forbidden,
    Misconfigured,
    NotFound,
    RateLimited,
    Rejected,
    answer_error,
)
from music_minion.soundcloud.models import Playlist, Track, User
from music_minion.soundcloud.oauth import InvalidGrant, token_answer
from tests.realworld import realworld_root, soundcloud_index

ROWS = soundcloud_index()
SC = realworld_root() / "soundcloud"
KINDS = {"track": "tracks", "user": "users", "playlist": "playlists"}
ERROR_SHAPES = {"error", "empty-body", "non-json", "empty-object"}
CLASS_OF = {400: Rejected, 401: AuthFailed, 403: Forbidden, 404: NotFound, 422: Rejected}
CLASS_OF[429] = RateLimited
LIST_SHAPE = re.compile(r"(?:bare-list|collection)\[(\d+)\] of ([^;]+)")
V1_DATE = re.compile(r"(\d{4})/(\d\d)/(\d\d) (\d\d:\d\d:\d\d) \+0000\Z")
ISO_DATE = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d+)?Z\Z")


def _json(body: bytes) -> Any:
    try:
        return msgspec.json.decode(body.removeprefix(b"\xef\xbb\xbf"))
    except msgspec.DecodeError:
        return None


# ---- what each kind of object must keep ------------------------------------------------------
def _iso(text: Any) -> str | None:
    """The date as ISO `…Z`; the captures use exactly the two formats the README names."""
    if text is None:
        return None
    v1, iso = V1_DATE.match(text), ISO_DATE.match(text)
    assert v1 or iso, text
    return f"{v1[1]}-{v1[2]}-{v1[3]}T{v1[4]}Z" if v1 else f"{iso[1]}Z"  # type: ignore[index]


def _urn(raw: dict[str, Any], kind: str) -> str:
    return raw.get("urn") or f"soundcloud:{kind}:{raw['id']}"


def _owner(raw: dict[str, Any]) -> str | None:
    user = raw.get("user") if isinstance(raw.get("user"), dict) else {}
    if raw.get("user_urn") or user.get("urn"):
        return raw.get("user_urn") or user.get("urn")
    owner_id = user.get("id") or raw.get("user_id")
    return f"soundcloud:users:{owner_id}" if owner_id else None


def check_track(t: Any, raw: dict[str, Any]) -> None:
    assert isinstance(t, Track) and t.urn == _urn(raw, "tracks") and t.id == raw.get("id")
    assert (t.title, t.duration_ms, t.permalink_url) == (
        raw.get("title"),
        raw.get("duration"),
        raw.get("permalink_url"),
    )
    assert (t.genre, t.tag_list) == (raw.get("genre"), raw.get("tag_list"))  # null and "" as sent
    bpm = raw.get("bpm")
    assert t.bpm == (None if bpm is None else float(bpm))
    assert t.bpm is None or type(t.bpm) is float
    assert t.created_at == _iso(raw.get("created_at"))
    assert t.streamable == raw.get("streamable") and t.access == raw.get("access")
    likes = raw.get("favoritings_count")
    assert t.likes_count == (raw.get("likes_count") if likes is None else likes)
    assert (t.playback_count, t.reposts_count) == (
        raw.get("playback_count"),
        raw.get("reposts_count"),
    )
    if raw.get("title") is not None:  # a playlist's stub tracks carry only their id
        assert t.user_urn == _owner(raw)


def check_user(u: Any, raw: dict[str, Any]) -> None:
    assert isinstance(u, User) and u.urn == _urn(raw, "users") and u.id == raw.get("id")
    keep = ("username", "permalink", "permalink_url", "followers_count", "track_count")
    assert [getattr(u, k) for k in keep] == [raw.get(k) for k in keep]


def check_playlist(p: Any, raw: dict[str, Any]) -> None:
    assert isinstance(p, Playlist) and p.urn == _urn(raw, "playlists") and p.id == raw.get("id")
    keep = ("title", "sharing", "track_count", "permalink_url")
    assert [getattr(p, k) for k in keep] == [raw.get(k) for k in keep]
    assert p.user_urn == _owner(raw)
    raw_tracks = raw.get("tracks")
    if isinstance(raw_tracks, list):
        assert p.tracks is not None and len(p.tracks) == len(raw_tracks)
        for t, r in zip(p.tracks, raw_tracks, strict=True):
            check_track(t, r)


CHECK = {"tracks": check_track, "users": check_user, "playlists": check_playlist}


# ---- one capture ------------------------------------------------------------------------------
def outcome(row: dict[str, str]) -> str:
    """Check one capture; what it was: `read`, `skipped` (v2 or not an item) or `error` (classified)."""
    body = (SC / row["file"]).read_bytes()
    shape, v1 = row["shape"], row["api"] == "v1"
    if shape in ERROR_SHAPES:
        return _check_error(row, body)
    if shape == "resolve-302-redirect-body":
        assert models.redirect_location(body) == _json(body)["location"]
        return "read"
    if shape in KINDS:
        kind, raw = KINDS[shape], _json(body)
        item = models.decode_one(body, kind) if v1 else models.decode_item(body, kind)
        if item is None:
            return "skipped"
        CHECK[kind](item, raw)
        return "read"
    listed = LIST_SHAPE.match(shape)
    if listed:
        return _check_page(body, int(listed[1]), listed[2].strip(), v1)
    return _check_other(row, body)


def _check_page(body: bytes, n: int, of: str, v1: bool) -> str:
    doc = _json(body)
    kind = KINDS.get(of, "tracks")
    page = models.decode_page(body, kind)
    assert len(page.items) + page.skipped == n
    if isinstance(doc, dict):
        assert page.next_href == (doc.get("next_href") or None)
    raws = doc if isinstance(doc, list) else doc["collection"]
    if of in KINDS:
        if v1:
            assert page.skipped == 0
        by_urn = {_urn(r, kind): r for r in raws}
        for item in page.items:
            CHECK[kind](item, by_urn[item.urn])
    return "read" if of in KINDS and not page.skipped else "skipped"


def _check_other(row: dict[str, str], body: bytes) -> str:
    """Tokens, stream URLs, status bodies, request examples, the spec's odd pages: never items."""
    doc = _json(body)
    if isinstance(doc, dict) and "access_token" in doc:
        assert token_answer(200, doc) == doc
        return "read"
    if row["shape"].startswith("collection(NOT A LIST"):  # the spec's own quirk, not a capture
        with pytest.raises(models.Malformed):
            models.decode_page(body, "tracks")
        return "error"
    for kind in KINDS.values():
        assert models.decode_item(body, kind) is None
    return "skipped"


def _check_error(row: dict[str, str], body: bytes) -> str:
    doc = _json(body)
    status = int(row["http_status"] or doc["code"])
    token = row["request"].startswith("POST /oauth2/token") or (
        isinstance(doc, dict) and str(doc.get("link", "")).endswith("#authentication")
    )
    reset = _reset_epoch(doc)
    now = reset - 90 if reset else 0.0
    if token:
        code = (doc.get("error") or doc.get("message")) if isinstance(doc, dict) else None
        refusal = {"invalid_grant": InvalidGrant, "invalid_client": Misconfigured}.get(code or "")
        refusal = refusal or (Misconfigured if status == 401 else None)  # the app's credentials
        if refusal:
            with pytest.raises(refusal):
                token_answer(status, doc, now=now)
            return "error"
        error = token_answer(status, doc, now=now)
    else:
        error = answer_error(status, "/x", body, now=now)
    assert isinstance(error, ApiError) and type(error) is CLASS_OF[status]
    _check_message(error.message, body, status)
    if status == 429:
        assert isinstance(error, RateLimited) and error.reset_s == (90 if reset else None)
    return "error"


def _reset_epoch(doc: Any) -> float | None:
    errors = doc.get("errors") if isinstance(doc, dict) else None
    for e in errors or []:
        reset = (e.get("meta") or {}).get("reset_time")
        if reset:
            return datetime.strptime(reset, "%Y/%m/%d %H:%M:%S %z").timestamp()
    return None


def _check_message(message: str, body: bytes, status: int) -> None:
    text = body.decode("utf-8", "replace")
    if not text.strip() or text.strip() == "{}":
        assert message == f"HTTP {status}"
    elif '"error_message"' not in text and '"reset_time"' in text:
        assert message == "rate limit reached"
    else:
        assert message and message != f"HTTP {status}" and message in text


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_capture(row: dict[str, str]) -> None:
    result = outcome(row)
    if row["api"] == "v1" and row["shape"] in KINDS:
        assert result == "read"
