-- Curators: sources muted per artist, removals remembered, and the cache of the suggestion walk.

-- A muted (artist, kind) is not fetched and its picks stop counting; its provenance stays.
CREATE TABLE artist_mutes (
    artist_id INTEGER NOT NULL REFERENCES artists (id),
    kind      TEXT NOT NULL CHECK (kind IN ('like', 'repost', 'upload')),
    muted_at  TEXT NOT NULL,
    PRIMARY KEY (artist_id, kind)
) WITHOUT ROWID;

-- When `artists remove` last stopped watching the artist (suggestions leave removed accounts out).
ALTER TABLE artists ADD COLUMN removed_at TEXT;

-- What the keys were computed with: the artist's muted kinds, comma-separated.
ALTER TABLE rank_artists ADD COLUMN muted TEXT NOT NULL DEFAULT '';

-- One fetched list of the suggestion walk: favoriters / reposters of a track, related users of a
-- user. `users` is a JSON list of {urn, username, permalink_url, likes, followers}; `status` is
-- ok or gone (deleted, private), so a re-run costs nothing for what it already has.
CREATE TABLE suggest_cache (
    endpoint   TEXT NOT NULL CHECK (endpoint IN ('favoriters', 'reposters', 'related')),
    urn        TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('ok', 'gone')),
    users      TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (endpoint, urn)
) WITHOUT ROWID;
