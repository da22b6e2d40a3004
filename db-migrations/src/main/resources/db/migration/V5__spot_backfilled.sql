-- Whether a spot was recovered after a gap (a reconnect, a restart) from the node's history
-- (sh/dx, whose lines carry a full date) instead of arriving live. The first copy stored wins, so a
-- spot seen live and again in the history stays false. A constant default adds the column without
-- rewriting the table.
ALTER TABLE spot ADD COLUMN backfilled boolean NOT NULL DEFAULT false;

COMMENT ON COLUMN spot.backfilled IS 'true when the spot was recovered from the node''s sh/dx history after a gap';
