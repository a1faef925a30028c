-- A push says whether it replaced the playlist's tracks or put new ones on top: a replace ends
-- the stay of every track it left out (so how long a track sat in the playlist can be told).
-- Pushes made before were replaces (the default mode).
ALTER TABLE playlist_pushes ADD COLUMN mode TEXT NOT NULL DEFAULT 'replace';
-- `restore` brings a retired track back: its pushes and review listens before the mark no longer
-- count (the history itself is kept).
CREATE TABLE restores (
    track_id    INTEGER PRIMARY KEY REFERENCES tracks (id) ON DELETE CASCADE,
    restored_at TEXT NOT NULL
);
