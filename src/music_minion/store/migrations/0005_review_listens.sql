-- The review page records what was played and for how long: a track heard
-- review.max_unjudged_listens times without a verdict leaves the queue.
CREATE TABLE listens (
    id INTEGER PRIMARY KEY,
    track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    heard_at TEXT NOT NULL,
    seconds REAL NOT NULL,
    counted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX listens_by_track ON listens(track_id) WHERE counted = 1;
