-- Schema v1: the design's data model. Timestamps are UTC ISO-8601 text ("2026-01-02T03:04:05Z").

CREATE TABLE artists (
    id                   INTEGER PRIMARY KEY,
    urn                  TEXT UNIQUE,                 -- soundcloud:users:N; NULL until resolved
    input                TEXT UNIQUE,                 -- what the user gave (URL or permalink), if any
    permalink            TEXT,
    permalink_url        TEXT,
    username             TEXT,
    watched              INTEGER NOT NULL DEFAULT 0 CHECK (watched IN (0, 1)),
    weight               REAL NOT NULL DEFAULT 1.0 CHECK (weight >= 0),
    tier                 TEXT,
    resolve_status       TEXT NOT NULL DEFAULT 'ok'
                         CHECK (resolve_status IN ('ok', 'pending', 'failed_transient', 'failed_permanent')),
    resolve_error        TEXT,
    check_interval_hours REAL NOT NULL DEFAULT 6,
    last_checked_at      TEXT,
    next_check_at        TEXT,
    last_activity_at     TEXT,
    added_at             TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    CHECK (urn IS NOT NULL OR input IS NOT NULL)
);
CREATE INDEX artists_watched_due ON artists (next_check_at) WHERE watched = 1;

CREATE TABLE tracks (
    id                INTEGER PRIMARY KEY,
    urn               TEXT NOT NULL UNIQUE,           -- soundcloud:tracks:N
    title             TEXT,
    uploader_urn      TEXT,
    uploader_name     TEXT,
    permalink_url     TEXT,
    duration_ms       INTEGER,
    genre             TEXT,
    tags              TEXT,
    bpm               REAL,
    created_at        TEXT,                           -- upload date (not the like/repost date)
    access            TEXT,                           -- playable | preview | blocked
    playback_count    INTEGER,
    likes_count       INTEGER,
    reposts_count     INTEGER,
    first_seen_at     TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'deleted', 'unavailable')),
    status_changed_at TEXT
);
CREATE INDEX tracks_uploader ON tracks (uploader_urn);

-- Who surfaced what. The heart of ranking: never delete a row (gone_at marks disappearance).
CREATE TABLE provenance (
    track_id      INTEGER NOT NULL REFERENCES tracks (id),
    artist_id     INTEGER NOT NULL REFERENCES artists (id),
    kind          TEXT NOT NULL CHECK (kind IN ('like', 'repost', 'upload')),
    first_seen_at TEXT NOT NULL,
    position      INTEGER NOT NULL,                   -- 0 = newest in the artist's list when first seen
    gone_at       TEXT,                               -- a full pass no longer saw it
    PRIMARY KEY (track_id, artist_id, kind)
) WITHOUT ROWID;
CREATE INDEX provenance_artist ON provenance (artist_id, kind);

-- One judgment per track. Priority rules live in discovery/.
CREATE TABLE judgments (
    track_id  INTEGER PRIMARY KEY REFERENCES tracks (id),
    verdict   TEXT NOT NULL CHECK (verdict IN ('liked', 'not_interested', 'not_quite')),
    source    TEXT NOT NULL CHECK (source IN ('manual', 'soundcloud_like', 'soundcloud_playlist')),
    judged_at TEXT NOT NULL
);
CREATE INDEX judgments_verdict ON judgments (verdict);

-- My SoundCloud likes: library tracks of source SoundCloud; they count as owned.
CREATE TABLE my_likes (
    track_id      INTEGER PRIMARY KEY REFERENCES tracks (id),
    first_seen_at TEXT NOT NULL,
    position      INTEGER NOT NULL,
    gone_at       TEXT
);

CREATE TABLE local_files (
    id           INTEGER PRIMARY KEY,
    path         TEXT NOT NULL UNIQUE,
    size         INTEGER NOT NULL,
    mtime_ns     INTEGER NOT NULL,
    format       TEXT,
    title        TEXT,
    artist       TEXT,
    album        TEXT,
    duration_ms  INTEGER,
    bpm          REAL,
    musical_key  TEXT,
    year         INTEGER,
    sc_urn       TEXT,                                -- SoundCloud URN carried in a custom tag
    sc_url       TEXT,                                -- soundcloud.com track page URL found in a comment/URL tag
    status       TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'unreadable', 'gone')),
    reason       TEXT,                                -- why unreadable / tagless
    scanned_at   TEXT NOT NULL,
    gone_at      TEXT,
    track_id     INTEGER REFERENCES tracks (id),      -- matched (or proposed, see match_status)
    match_status TEXT CHECK (match_status IN ('exact', 'auto', 'review', 'accepted', 'rejected')),
    match_score  REAL,
    matched_at   TEXT
);
CREATE INDEX local_files_track ON local_files (track_id) WHERE track_id IS NOT NULL;
CREATE INDEX local_files_review ON local_files (match_score) WHERE match_status = 'review';

CREATE TABLE playlist_pushes (
    id           INTEGER PRIMARY KEY,
    playlist_urn TEXT,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'ok', 'failed')),
    error        TEXT,
    track_count  INTEGER NOT NULL
);
CREATE TABLE playlist_push_tracks (
    push_id  INTEGER NOT NULL REFERENCES playlist_pushes (id),
    track_id INTEGER NOT NULL REFERENCES tracks (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (push_id, track_id)
) WITHOUT ROWID;
CREATE INDEX playlist_push_tracks_track ON playlist_push_tracks (track_id);

-- Ranking keys kept by discovery/ranking: log2 of each candidate's score at a fixed epoch. The order
-- of keys never changes with the clock, so the feed reads the top of this index instead of
-- scoring every track. Refreshed for the tracks of "dirty" artists (judgments, weights, new rows).
CREATE TABLE rank_scores (
    track_id      INTEGER PRIMARY KEY REFERENCES tracks (id),
    key           REAL NOT NULL,
    first_seen_at TEXT NOT NULL,                      -- earliest first_seen_at of its counted support
    supporters    INTEGER NOT NULL                    -- distinct counted supporting artists
);
CREATE INDEX rank_scores_key ON rank_scores (key DESC, track_id DESC);
-- What the keys were computed with, per artist (the feed reads these instead of recounting).
CREATE TABLE rank_artists (
    artist_id INTEGER PRIMARY KEY,
    name      TEXT NOT NULL,
    weight    REAL NOT NULL,
    watched   INTEGER NOT NULL,
    liked     INTEGER NOT NULL,                       -- its surfaced tracks judged liked
    dismissed INTEGER NOT NULL                        -- ... judged not_interested or not_quite
);
CREATE TABLE rank_dirty (
    artist_id INTEGER PRIMARY KEY                     -- whose tracks need their keys recomputed
);

CREATE TABLE sync_runs (
    id              INTEGER PRIMARY KEY,
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    status          TEXT NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'ok', 'partial', 'failed', 'interrupted')),
    options         TEXT,                             -- JSON: the flags of the run
    artists_planned INTEGER NOT NULL DEFAULT 0,
    artists_done    INTEGER NOT NULL DEFAULT 0,
    tracks_new      INTEGER NOT NULL DEFAULT 0,
    provenance_new  INTEGER NOT NULL DEFAULT 0,
    requests        INTEGER NOT NULL DEFAULT 0,
    stats           TEXT                              -- JSON: requests by endpoint, errors by class, durations
);

CREATE TABLE kv (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
