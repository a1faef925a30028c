"""Per-request storage keys the request pipeline writes and the handlers read."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from music_minion.emulator.oauth import AccessToken

# Typed keys where aiohttp has them (3.12+), plain strings before.
_Key = getattr(web, "RequestKey", None)
# The checked access token of the request.
PRINCIPAL: Any = _Key("principal", AccessToken) if _Key else "principal"
# The fault drawn for the request ("empty_page", "truncate", "drop", ...), if any.
FAULT: Any = _Key("fault", str) if _Key else "fault"
