-- Ranking learns from pushed tracks that were heard and not kept: what the keys were computed with.
ALTER TABLE rank_artists ADD COLUMN ignored INTEGER NOT NULL DEFAULT 0;
