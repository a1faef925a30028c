-- A person may link a file to a track by hand: match_status 'manual' (owned, kept by re-scans and
-- re-matching). SQLite cannot widen a CHECK in place, so the table is rebuilt with its rows.
CREATE TABLE local_files_new (
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
    match_status TEXT CHECK (match_status IN ('exact', 'auto', 'review', 'accepted', 'rejected', 'manual')),
    match_score  REAL,
    matched_at   TEXT
);
INSERT INTO local_files_new SELECT id, path, size, mtime_ns, format, title, artist, album,
    duration_ms, bpm, musical_key, year, sc_urn, sc_url, status, reason, scanned_at, gone_at,
    track_id, match_status, match_score, matched_at FROM local_files;
DROP TABLE local_files;
ALTER TABLE local_files_new RENAME TO local_files;
CREATE INDEX local_files_track ON local_files (track_id) WHERE track_id IS NOT NULL;
CREATE INDEX local_files_review ON local_files (match_score) WHERE match_status = 'review';
