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
-- partition only, and only while it builds. Into the old weeks nothing is inserted; the partition
-- of the current week waits as long as its own build takes (docs/PARTITIONING.md has the times on
-- 10 million rows). For a week or two after V10 that partition is spot_legacy, which also holds
-- every row from before V10 (a database upgraded from version 9 lately, or a new one): then inserts
-- wait for its whole build. The new indexes are made first ON ONLY spot, invalid until every
-- partition has its own attached; a partition attached meanwhile (the daemon's maintenance) gets
-- its copies at once. Then one short transaction swaps the old indexes for the new ones. Every
-- step skips what is done, so a run that failed anywhere runs again over what it left
-- (Migrations.RERUNNABLE), and a run after the swap changes nothing.
--
-- jOOQ's DDL simulation reads neither an expression index (V1 hid spot_identity from it) nor ON
-- ONLY: it sees spot_dx_call_time dropped, and its generated Indexes class lists spot_band_time.

-- [jooq ignore start]

-- The new indexes on spot alone, invalid until every partition has its own attached. Skipped once
-- the swap below has been made: a run after that (Flyway failed to note the success, say) must not
-- start a second key. Creating them takes a SHARE lock on spot for a moment, and inserts queue
-- behind a wait for it: each try waits 2 s at most, as V10's swap.
DO $prepare$
DECLARE
    attempt integer;
BEGIN
    IF to_regclass('spot_identity_by_call') IS NULL
       AND position('(dx_call, spotted_at, spotter,' IN
                    coalesce(pg_get_indexdef(to_regclass('spot_identity')), '')) > 0 THEN
        RETURN;
    END IF;
    FOR attempt IN 1..20 LOOP
        BEGIN
            SET LOCAL lock_timeout = '2s';
            CREATE UNIQUE INDEX IF NOT EXISTS spot_identity_by_call
                ON ONLY spot (dx_call, spotted_at, spotter, round(frequency_khz, 1));
            CREATE INDEX IF NOT EXISTS spot_time ON ONLY spot (spotted_at);
            EXIT;
        EXCEPTION WHEN lock_not_available THEN
            IF attempt = 20 THEN
                RAISE;
            END IF;
            PERFORM pg_sleep(1);
        END;
    END LOOP;
END
$prepare$;

-- Each partition's two indexes, built and attached in a transaction of its own (the COMMIT), with
-- the same 2 s tries for its SHARE lock: a long query on a partition would otherwise queue that
-- partition's inserts behind the build's wait.
DO $build$
DECLARE
    key_index regclass := to_regclass('spot_identity_by_call');
    time_index regclass := to_regclass('spot_time');
    p record;
    ix record;
    child text;
    rounds integer := 0;
    attempt integer;
BEGIN
    IF key_index IS NULL THEN
        RETURN; -- swapped by an earlier run
    END IF;
    -- A partition created while this runs gets both indexes from spot at once; the loop goes
    -- round again only if one was missed.
    WHILE EXISTS (SELECT 1 FROM pg_index WHERE indexrelid IN (key_index, time_index) AND NOT indisvalid) LOOP
        rounds := rounds + 1;
        IF rounds > 3 THEN
            RAISE EXCEPTION 'dx-scraper: spot''s new indexes are still not on every partition after % rounds', rounds - 1;
        END IF;
        FOR p IN SELECT c.oid, c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                  WHERE i.inhparent = 'spot'::regclass ORDER BY c.relname LOOP
            FOR attempt IN 1..20 LOOP
                BEGIN
                    SET LOCAL lock_timeout = '2s';
                    -- Dropped by retention since the list was read: nothing to build.
                    EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_inherits
                                           WHERE inhrelid = p.oid AND inhparent = 'spot'::regclass);
                    -- Each index skipped where the partition has one attached already.
                    FOR ix IN SELECT * FROM (VALUES
                                  (key_index, '_identity_by_call',
                                   'CREATE UNIQUE INDEX %I ON %I (dx_call, spotted_at, spotter, round(frequency_khz, 1))'),
                                  (time_index, '_time', 'CREATE INDEX %I ON %I (spotted_at)'))
                                  AS v(parent, suffix, ddl) LOOP
                        CONTINUE WHEN EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_index x ON x.indexrelid = i.inhrelid
                                               WHERE i.inhparent = ix.parent AND x.indrelid = p.oid);
                        child := p.relname || ix.suffix;
                        -- An index of this name attached to nothing is not V12's (it builds and
                        -- attaches in one transaction) but in the way: made by hand, say.
                        IF to_regclass(child) IS NOT NULL
                           AND NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(child)) THEN
                            EXECUTE format('DROP INDEX %I', child);
                        END IF;
                        EXECUTE format(ix.ddl, child, p.relname);
                        EXECUTE format('ALTER INDEX %s ATTACH PARTITION %I', ix.parent, child);
                    END LOOP;
                    EXIT;
                EXCEPTION WHEN lock_not_available THEN
                    IF attempt = 20 THEN
                        RAISE;
                    END IF;
                    PERFORM pg_sleep(1);
                END;
            END LOOP;
            COMMIT;
        END LOOP;
    END LOOP;
END
$build$;

-- The swap, one transaction: the old key goes (its files are removed at the commit) and the new
-- one takes its name, and the call index goes. ACCESS EXCLUSIVE on spot and its partitions for as
-- long as that takes, milliseconds; waiting for it queues every insert and query behind, so again
-- 2 s tries.
DO $swap$
DECLARE
    attempt integer;
BEGIN
    IF to_regclass('spot_identity_by_call') IS NULL AND to_regclass('spot_dx_call_time') IS NULL THEN
        RETURN; -- swapped by an earlier run
    END IF;
    FOR attempt IN 1..20 LOOP
        BEGIN
            SET LOCAL lock_timeout = '2s';
            LOCK TABLE spot IN ACCESS EXCLUSIVE MODE;
            EXIT;
        EXCEPTION WHEN lock_not_available THEN
            IF attempt = 20 THEN
                RAISE;
            END IF;
            PERFORM pg_sleep(1);
        END;
    END LOOP;
    IF to_regclass('spot_identity_by_call') IS NOT NULL THEN
        DROP INDEX IF EXISTS spot_identity;
        ALTER INDEX spot_identity_by_call RENAME TO spot_identity;
    END IF;
    DROP INDEX IF EXISTS spot_dx_call_time;
    COMMENT ON INDEX spot_identity IS 'the unique key, led by the call: also a call''s spots over time';
    COMMENT ON INDEX spot_time IS 'time ranges and the newest spots';
END
$swap$;
-- [jooq ignore stop]
-- For jOOQ's DDL simulation, which reads no DO block: the swap above dropped it already.
DROP INDEX IF EXISTS spot_dx_call_time;
