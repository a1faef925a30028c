-- The periodic full pass: when each (artist, kind) list is next walked in full, and when it last was.
CREATE TABLE full_walks (
    artist_id    INTEGER NOT NULL REFERENCES artists (id),
    kind         TEXT NOT NULL CHECK (kind IN ('like', 'repost', 'upload')),
    next_full_at TEXT NOT NULL,
    last_full_at TEXT,
    PRIMARY KEY (artist_id, kind)
) WITHOUT ROWID;
CREATE INDEX full_walks_due ON full_walks (next_full_at);
