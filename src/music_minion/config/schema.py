"""Every setting, declared once: its section, type, default, limits and meaning.

Each section is a frozen msgspec Struct; a field's `Meta` carries the meaning (`description`), the
limits (`ge`, `le`) and, in `extra`, an environment variable that overrides it (`env`) or that it is
a secret (`secret`). Validation, `init`'s commented file, `config show` and the README table are all
derived from these classes (see `config/keys.py`), so a new key is one line here.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

ENV_DATA_DIR = "MUSIC_MINION_DATA_DIR"
Source = Literal["likes", "reposts", "uploads"]


class _Section(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A [section] of the config file."""


class SoundCloudSettings(_Section, frozen=True):
    """SoundCloud API and OAuth: hosts, app credentials, limits"""

    api_base: Annotated[str, Meta(description="API base URL", extra={"url": True})] = (
        "https://api.soundcloud.com"
    )
    auth_base: Annotated[
        str, Meta(description="OAuth base URL (authorize, token, sign-out)", extra={"url": True})
    ] = "https://secure.soundcloud.com"
    client_id: Annotated[
        str,
        Meta(
            description="Your app's client id (env SOUNDCLOUD_CLIENT_ID)",
            extra={"env": "SOUNDCLOUD_CLIENT_ID"},
        ),
    ] = ""
    client_secret: Annotated[
        str,
        Meta(
            description="Your app's client secret (env SOUNDCLOUD_CLIENT_SECRET)",
            extra={"env": "SOUNDCLOUD_CLIENT_SECRET", "secret": True},
        ),
    ] = ""
    redirect_uri: Annotated[
        str, Meta(description="Loopback redirect URI registered with your app", extra={"url": True})
    ] = "http://127.0.0.1:8765/callback"
    max_concurrency: Annotated[int, Meta(ge=1, description="Requests in flight at once")] = 8
    requests_per_second: Annotated[
        float, Meta(ge=0.01, description="Request-rate limit shared by the whole process")
    ] = 8.0
    max_retries: Annotated[
        int, Meta(ge=0, description="Retries of a transient or rate-limited request")
    ] = 6
    timeout_s: Annotated[float, Meta(ge=0.01, description="Per-request timeout in seconds")] = 30.0
    backoff_base_s: Annotated[
        float,
        Meta(ge=0, description="First retry delay in seconds (doubles each retry, with jitter)"),
    ] = 0.5
    backoff_max_s: Annotated[float, Meta(ge=0, description="Longest delay between two retries")] = (
        30.0
    )
    rate_limit_wait_max_s: Annotated[
        float, Meta(ge=0, description="Longest wait for a 429's reset_time")
    ] = 900.0
    page_size: Annotated[int, Meta(ge=1, le=200, description="Items per page (1..200)")] = 200
    login_timeout_s: Annotated[
        float, Meta(ge=1, description="How long `auth login` waits for the browser")
    ] = 300.0


class DiscoverySettings(_Section, frozen=True):
    """Watching artists: which sources, how often, how deep"""

    sources: Annotated[list[Source], Meta(description="Which artist sources sync walks")] = (
        msgspec.field(default_factory=lambda: ["likes", "reposts", "uploads"])
    )
    min_interval_hours: Annotated[
        float, Meta(ge=0, description="Check interval after new activity")
    ] = 6.0
    max_interval_hours: Annotated[
        float, Meta(ge=0, description="Longest check interval for a quiet artist")
    ] = 168.0
    max_pages: Annotated[
        int, Meta(ge=1, description="Page cap per (artist, source) in an incremental sync")
    ] = 5
    full_max_pages: Annotated[
        int, Meta(ge=1, description="Page cap per (artist, source) with --full")
    ] = 100
    full_every_days: Annotated[
        float,
        Meta(
            ge=0,
            description="Each (artist, source) is walked in full this often, spread over runs (0: every sync)",
        ),
    ] = 30.0


class JudgmentSettings(_Section, frozen=True):
    """Where judgments are learned from"""

    learn_likes: Annotated[
        bool, Meta(description="My SoundCloud likes become `liked` judgments")
    ] = True
    not_interested_playlist: Annotated[
        str,
        Meta(
            description="URL, title (one of mine, private too) or URN of a playlist whose tracks are `not_interested`"
        ),
    ] = ""
    not_quite_playlist: Annotated[
        str,
        Meta(
            description="URL, title (one of mine, private too) or URN of a playlist whose tracks are `not_quite`"
        ),
    ] = ""
    mirror_likes: Annotated[
        bool, Meta(description="Also like on SoundCloud what you judge `liked` here")
    ] = False


class RankingSettings(_Section, frozen=True):
    """How the feed is scored"""

    weight_repost: Annotated[float, Meta(ge=0, description="Weight of a repost")] = 1.0
    weight_like: Annotated[float, Meta(ge=0, description="Weight of a like")] = 0.8
    weight_upload: Annotated[float, Meta(ge=0, description="Weight of an upload")] = 0.6
    half_life_days: Annotated[
        float, Meta(ge=0.01, description="Age (from first seen) at which support counts half")
    ] = 14.0
    mix_minutes: Annotated[
        float, Meta(ge=0, description="Tracks longer than this are mixes, ranked apart")
    ] = 10.0
    per_artist_cap: Annotated[
        int, Meta(ge=1, description="Most tracks one artist may put in a feed/playlist")
    ] = 3
    max_ignored_pushes: Annotated[
        int,
        Meta(
            ge=1,
            description="Retire a track (out of the feed until `restore`) after this many ignored"
            " pushes",
        ),
    ] = 2
    ignored_after_hours: Annotated[
        float,
        Meta(
            ge=0,
            le=8760,
            description="Hours a pushed track must stay in the playlist unjudged for the push to"
            " count as ignored (pushes closer together count once)",
        ),
    ] = 24.0
    hit_rate_prior: Annotated[
        float, Meta(ge=0, description="Smoothing: pseudo-judgments a new artist starts with")
    ] = 4.0
    pick_bits: Annotated[
        float,
        Meta(
            ge=0, description="Evidence (bits) one pick by an artist you have not judged yet adds"
        ),
    ] = 1.0
    genre_weight: Annotated[
        float,
        Meta(
            ge=0,
            description="How much what you liked and skipped of a genre moves its tracks (0: off)",
        ),
    ] = 1.0
    ignored_weight: Annotated[
        float,
        Meta(
            ge=0,
            le=1,
            description="How much a pushed track heard and neither liked nor dismissed counts"
            " against its artists (1: as a dismissal)",
        ),
    ] = 0.5
    position_hours: Annotated[
        float,
        Meta(
            ge=0,
            description="Age added per newer item ahead of a track in an artist's list when first"
            " seen (a backfill is not news)",
        ),
    ] = 2.0


class PlaylistSettings(_Section, frozen=True):
    """The discovery playlist pushed to SoundCloud"""

    title: Annotated[str, Meta(description="Title of the discovery playlist")] = (
        "Music Minion Discoveries"
    )
    size: Annotated[
        int, Meta(ge=1, le=500, description="Tracks pushed (SoundCloud's cap is 500)")
    ] = 100
    sharing: Annotated[
        Literal["private", "public"], Meta(description="Sharing of the discovery playlist")
    ] = "private"
    mixes_title: Annotated[
        str,
        Meta(description="When set, long mixes go to a second playlist of this title, same push"),
    ] = ""
    mode: Annotated[
        Literal["replace", "append"],
        Meta(
            description="replace: the playlist is the top of the feed; append: new picks go on"
            " top and, at 500 tracks, a '<title> 2' is started"
        ),
    ] = "replace"


class ReviewSettings(_Section, frozen=True):
    """The review page (`music-minion review`)"""

    max_unjudged_listens: Annotated[
        int,
        Meta(ge=1, description="Listens without a verdict after which a track leaves the queue"),
    ] = 3
    min_listen_seconds: Annotated[
        float, Meta(ge=0, description="Seconds played for a visit to count as a listen")
    ] = 20.0
    queue_size: Annotated[
        int, Meta(ge=1, le=1000, description="Tracks the page loads from the feed at once")
    ] = 200
    port: Annotated[
        int, Meta(ge=0, le=65535, description="Port of the page on 127.0.0.1 (0: any free port)")
    ] = 0


class LibrarySettings(_Section, frozen=True):
    """Local audio files and matching them to SoundCloud tracks"""

    paths: Annotated[list[str], Meta(description="Folders scanned by `library scan`")] = (
        msgspec.field(default_factory=list)
    )
    match_auto: Annotated[
        float,
        Meta(ge=0, le=100, description="Score (0-100) above which a file matches automatically"),
    ] = 92.0
    match_review: Annotated[
        float, Meta(ge=0, le=100, description="Score at or above which a match goes to review")
    ] = 80.0
    duration_tolerance_s: Annotated[
        float, Meta(ge=0, description="Largest duration difference of a match")
    ] = 4.0
    scan_workers: Annotated[
        int,
        Meta(ge=0, description="Processes reading tags on a big scan (0: one per core, at most 4)"),
    ] = 0
    match_after_scan: Annotated[
        bool, Meta(description="Run `library match` after a scan that found new or changed files")
    ] = True


class CuratorSettings(_Section, frozen=True):
    """Suggesting new curators: how far `artists suggest` walks"""

    suggest_likes: Annotated[
        int, Meta(ge=1, description="My most recent likes whose favoriters and reposters are read")
    ] = 50
    suggest_related_from: Annotated[
        int, Meta(ge=0, description="Best curators whose related users are read")
    ] = 5
    suggest_second_hop: Annotated[
        int,
        Meta(ge=0, description="Strongest first-pass suggestions whose related users are read"),
    ] = 0
    suggest_pages: Annotated[int, Meta(ge=1, description="Page cap per fetched list")] = 2
    suggest_budget: Annotated[
        int, Meta(ge=1, description="Most requests one `artists suggest` run spends")
    ] = 300
    suggest_like_prior: Annotated[
        float,
        Meta(ge=0, description="Likes added to every account's count when damping by activity"),
    ] = 20.0


class PathSettings(_Section, frozen=True):
    """Where data lives"""

    data_dir: Annotated[
        str,
        Meta(
            description=f"Data folder (empty: the platform's user data dir; env {ENV_DATA_DIR})",
            extra={"env": ENV_DATA_DIR},
        ),
    ] = ""
    digest_feed: Annotated[
        str, Meta(description="Atom feed written after each sync (empty: <data_dir>/digest.xml)")
    ] = ""
    digest_page: Annotated[
        str, Meta(description="HTML page written after each sync (empty: <data_dir>/digest.html)")
    ] = ""


class Settings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The whole config file, one field per section (in the order `init` writes them)."""

    soundcloud: SoundCloudSettings = msgspec.field(default_factory=SoundCloudSettings)
    discovery: DiscoverySettings = msgspec.field(default_factory=DiscoverySettings)
    judgments: JudgmentSettings = msgspec.field(default_factory=JudgmentSettings)
    ranking: RankingSettings = msgspec.field(default_factory=RankingSettings)
    playlist: PlaylistSettings = msgspec.field(default_factory=PlaylistSettings)
    library: LibrarySettings = msgspec.field(default_factory=LibrarySettings)
    curators: CuratorSettings = msgspec.field(default_factory=CuratorSettings)
    review: ReviewSettings = msgspec.field(default_factory=ReviewSettings)
    paths: PathSettings = msgspec.field(default_factory=PathSettings)
