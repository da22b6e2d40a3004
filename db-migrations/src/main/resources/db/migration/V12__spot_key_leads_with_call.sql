-- Spot's indexes, made cheaper to insert into (#11): the text comparisons (in the database's
-- collation, not a byte compare, unless it is C) in two B-trees of four instead of three.
--
-- Before: spot_identity (spotted_at, dx_call, spotter, round(frequency_khz, 1)), the unique key,
-- also for time ranges; spot_dx_call_time (dx_call, spotted_at) for a call's spots. After: the
-- unique key leads with the call, so that it also serves a call's spots (its first two columns are
-- spot_dx_call_time's), and spot_time (spotted_at) serves time ranges and "the newest N" (a
-- backward scan) comparing timestamps only. COPY of 200,000 spots into an empty table with each
-- set of indexes, ten runs interleaved: 3.63 s before, 2.89 s after, 0.79 of the time
-- (docs/BENCHMARKS.md, "A twelfth session"). The key's columns are the same, so the rows that were
-- unique stay unique, ON CONFLICT DO NOTHING (no conflict target) finds the new index as it found
-- the old one, and its name stays spot_identity.
--
-- Built partition by partition, each in a transaction of its own (the DO block commits after
-- each; hence V12__spot_key_leads_with_call.sql.conf): building an index holds inserts into that
-- partition only, and only while it builds. Into the old weeks nothing is inserted; the current
-- week's partition waits as long as its own build takes (docs/PARTITIONING.md has the times on 10
-- million rows). The new indexes are made first ON ONLY spot, invalid until every partition has
-- its own attached; a partition created meanwhile (the daemon's maintenance) gets its copies at
-- once. Then one short transaction swaps the old indexes for the new ones. Every step skips what is
-- done, so a run that failed halfway runs again over what it left (Migrations.RERUNNABLE).
--
-- jOOQ's DDL simulation reads neither an expression index (V1 hid spot_identity from it) nor ON
-- ONLY: it sees spot_dx_call_time dropped, and its generated Indexes class lists spot_band_time.

-- [jooq ignore start]
CREATE UNIQUE INDEX IF NOT EXISTS spot_identity_by_call ON ONLY spot (dx_call, spotted_at, spotter, round(frequency_khz, 1));
CREATE INDEX IF NOT EXISTS spot_time ON ONLY spot (spotted_at);

DO $build$
DECLARE
    key_index regclass := to_regclass('spot_identity_by_call');
    time_index regclass := to_regclass('spot_time');
    p record;
    child text;
    rounds int := 0;
BEGIN
    -- A partition created while this runs gets both indexes from spot at once; the loop goes round
    -- again only if one was missed.
    WHILE EXISTS (SELECT 1 FROM pg_index WHERE indexrelid IN (key_index, time_index) AND NOT indisvalid) LOOP
        rounds := rounds + 1;
        IF rounds > 3 THEN
            RAISE EXCEPTION 'dx-scraper: spot''s new indexes are still not on every partition after % rounds', rounds - 1;
        END IF;
        FOR p IN SELECT c.oid, c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                  WHERE i.inhparent = 'spot'::regclass ORDER BY c.relname LOOP
            -- Each index skipped where the partition has one attached already.
            IF NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_index x ON x.indexrelid = i.inhrelid
                            WHERE i.inhparent = key_index AND x.indrelid = p.oid) THEN
                child := p.relname || '_identity_by_call';
                EXECUTE format('DROP INDEX IF EXISTS %I', child); -- left by a failed build
                EXECUTE format('CREATE UNIQUE INDEX %I ON %I (dx_call, spotted_at, spotter, round(frequency_khz, 1))',
                               child, p.relname);
                EXECUTE format('ALTER INDEX %s ATTACH PARTITION %I', key_index, child);
                COMMIT;
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_index x ON x.indexrelid = i.inhrelid
                            WHERE i.inhparent = time_index AND x.indrelid = p.oid) THEN
                child := p.relname || '_time';
                EXECUTE format('DROP INDEX IF EXISTS %I', child);
                EXECUTE format('CREATE INDEX %I ON %I (spotted_at)', child, p.relname);
                EXECUTE format('ALTER INDEX %s ATTACH PARTITION %I', time_index, child);
                COMMIT;
            END IF;
        END LOOP;
    END LOOP;
END
$build$;

-- The swap, one transaction: the old key goes (its files are removed at the commit) and the new
-- one takes its name; then the call index goes. Each holds a lock on spot and its partitions for
-- as long as that takes, milliseconds.
DO $swap$
BEGIN
    IF to_regclass('spot_identity_by_call') IS NOT NULL THEN
        DROP INDEX IF EXISTS spot_identity;
        ALTER INDEX spot_identity_by_call RENAME TO spot_identity;
    END IF;
    COMMENT ON INDEX spot_identity IS 'the unique key, led by the call: also a call''s spots over time';
    COMMENT ON INDEX spot_time IS 'time ranges and the newest spots';
END
$swap$;
-- [jooq ignore stop]
DROP INDEX IF EXISTS spot_dx_call_time;
