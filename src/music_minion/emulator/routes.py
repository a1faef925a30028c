"""The route table: every endpoint of both hosts, and the policy the request pipeline applies.

The API host needs an access token, is rate-limited and faulted; some of its routes need a user's
token (not a client-credentials one), and paged ones can also get the list-only faults. The auth
host needs no token and is faulted only when the spec's `oauth` is on. Paths under the private
prefix skip the pipeline entirely: no token, no faults, not counted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Generic, Literal, TypeVar

from aiohttp import web

from music_minion.emulator.api import Api
from music_minion.emulator.oauth import OAuthServer
from music_minion.emulator.private import PREFIX as PRIVATE
from music_minion.emulator.private import Listening, Private

H = TypeVar("H")


@dataclass(frozen=True)
class Route(Generic[H]):
    """One endpoint: its handler is a method of `H`, bound to an instance when the app is built."""

    method: str
    path: str
    handler: Callable[[H, web.Request], Awaitable[web.Response]]
    user_only: bool = False  # needs a user's token, not a client-credentials one
    paged: bool = False  # answers a paged collection: the list-only faults apply

    def bind(self, owner: H) -> web.RouteDef:
        return web.route(self.method, self.path, partial(self.handler, owner))


@dataclass(frozen=True)
class Host:
    """What the pipeline does on one host (unmatched paths included)."""

    token: bool  # requests need a valid access token
    rate_limited: bool  # the request-rate limit applies
    faults: Literal["always", "oauth"]  # faulted always, or only when the spec's `oauth` is on
    api_errors: bool  # aiohttp's own refusals (404, 405, ...) get the API's error body
    private: bool  # paths under the private prefix skip the pipeline


API_HOST = Host(token=True, rate_limited=True, faults="always", api_errors=True, private=True)
AUTH_HOST = Host(token=False, rate_limited=False, faults="oauth", api_errors=False, private=False)

API_ROUTES: tuple[Route[Api], ...] = (
    Route("GET", "/resolve", Api.resolve),
    Route("GET", "/me", Api.me, user_only=True),
    Route("GET", "/me/likes/tracks", Api.me_likes, user_only=True, paged=True),
    Route("GET", "/me/followings", Api.me_followings, user_only=True, paged=True),
    Route("PUT", "/me/followings/{urn}", Api.follow, user_only=True),
    Route("GET", "/me/playlists", Api.me_playlists, user_only=True, paged=True),
    Route("GET", "/users/{urn}", Api.user),
    Route("GET", "/users/{urn}/likes/tracks", Api.user_likes, paged=True),
    Route("GET", "/users/{urn}/reposts/tracks", Api.user_reposts, paged=True),
    Route("GET", "/users/{urn}/tracks", Api.user_tracks, paged=True),
    Route("GET", "/users/{urn}/related", Api.user_related, paged=True),
    Route("GET", "/tracks", Api.tracks, paged=True),
    Route("GET", "/tracks/{urn}", Api.track),
    Route("GET", "/tracks/{urn}/related", Api.track_related, paged=True),
    Route("GET", "/tracks/{urn}/favoriters", Api.track_favoriters, paged=True),
    Route("GET", "/tracks/{urn}/reposters", Api.track_reposters, paged=True),
    Route("GET", "/tracks/{urn}/streams", Api.streams),
    Route("GET", "/tracks/{urn}/streams/{stream}", Api.stream),
    Route("POST", "/playlists", Api.create_playlist, user_only=True),
    Route("GET", "/playlists/{urn}", Api.playlist),
    Route("PUT", "/playlists/{urn}", Api.update_playlist, user_only=True),
    Route("DELETE", "/playlists/{urn}", Api.delete_playlist, user_only=True),
    Route("GET", "/playlists/{urn}/tracks", Api.playlist_tracks, paged=True),
    Route("POST", "/likes/tracks/{urn}", Api.like, user_only=True),
    Route("DELETE", "/likes/tracks/{urn}", Api.unlike, user_only=True),
)

PRIVATE_ROUTES: tuple[Route[Private], ...] = (
    Route("GET", PRIVATE + "stats", Private.stats),
    Route("POST", PRIVATE + "stats/reset", Private.reset),
    Route("GET", PRIVATE + "world", Private.world),
    Route("GET", PRIVATE + "users/{urn}/{kind}", Private.user_list),
    Route("GET", PRIVATE + "faults", Private.get_faults),
    Route("PUT", PRIVATE + "faults", Private.put_faults),
    Route("POST", PRIVATE + "mutate", Private.mutate),
    Route("POST", PRIVATE + "tokens/expire", Private.expire),
    Route("GET", PRIVATE + "taste", Private.taste),
    Route("POST", PRIVATE + "taste/tracks", Private.taste_tracks),
    Route("POST", PRIVATE + "taste/advance", Private.taste_advance),
    Route("POST", PRIVATE + "taste/listen", Private.taste_listen),
)

LISTENING_ROUTES: tuple[Route[Listening], ...] = (
    Route("GET", PRIVATE + "media/{name}", Listening.media),
    Route("GET", PRIVATE + "wave/{name}", Listening.wave),
    Route("GET", PRIVATE + "tracks/{urn}/audio", Listening.truth),
)

AUTH_ROUTES: tuple[Route[OAuthServer], ...] = (
    Route("GET", "/authorize", OAuthServer.authorize),
    Route("POST", "/authorize", OAuthServer.authorize),
    Route("POST", "/oauth/token", OAuthServer.token),
    Route("POST", "/sign-out", OAuthServer.sign_out),
)

PAGED_PATHS = frozenset(r.path for r in API_ROUTES if r.paged)
USER_ONLY = frozenset((r.method, r.path) for r in API_ROUTES if r.user_only)


def is_private(path: str) -> bool:
    return path.startswith(PRIVATE)
