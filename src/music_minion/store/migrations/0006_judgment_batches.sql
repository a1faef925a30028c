-- Every command or sync that changes judgments is a batch; each change keeps the judgment it
-- replaced, so a batch can be undone. An undone learned judgment is suppressed: the next sync does
-- not learn it again from that source while the source still holds the track.
CREATE TABLE judgment_batches (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('manual', 'learned')),
    label     TEXT NOT NULL,
    made_at   TEXT NOT NULL,
    undone_at TEXT
);
CREATE TABLE judgment_changes (
    batch_id         INTEGER NOT NULL REFERENCES judgment_batches (id) ON DELETE CASCADE,
    track_id         INTEGER NOT NULL REFERENCES tracks (id),
    before_verdict   TEXT,
    before_source    TEXT,
    before_judged_at TEXT,
    after_verdict    TEXT,
    after_source     TEXT,
    after_judged_at  TEXT,
    learned_from     TEXT,                 -- a learned change: its source ("playlist X")
    PRIMARY KEY (batch_id, track_id)
);
CREATE TABLE judgment_suppressions (
    track_id     INTEGER NOT NULL REFERENCES tracks (id),
    verdict      TEXT NOT NULL,
    learned_from TEXT NOT NULL,
    batch_id     INTEGER REFERENCES judgment_batches (id) ON DELETE SET NULL,
    PRIMARY KEY (track_id, verdict, learned_from)
);
