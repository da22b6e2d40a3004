-- spot, solar_report and announcement become tables partitioned by time (declarative range
-- partitioning), so that retention drops whole partitions instead of deleting rows and a query for
-- the last hour reads only the newest partition. spot is partitioned by week (Monday 00:00 UTC),
-- the two small tables by month: docs/PARTITIONING.md has the measurements behind the widths.
--
-- An existing table is not copied: it becomes the first partition, covering everything before a
-- bound B (the first week or month boundary at least two days ahead; in a new database it is empty
-- and holds what is older than the daemon, such as an import or a node's history), so that a table
-- of millions
-- of rows converts in seconds, and inserts wait only for the swap at the end (milliseconds):
--   1. a CHECK (time < B) added NOT VALID and then validated (a scan that does not block inserts);
--   2. for spot, a unique index on (id, spotted_at) built CONCURRENTLY (no lock on inserts): the
--      partitioned table's primary key must contain the partition key, and ATTACH PARTITION would
--      otherwise build that index under an exclusive lock;
--   3. one transaction: rename the table to <table>_legacy, make that index its primary key, create
--      the partitioned table with the same columns, checks and indexes, attach the old table for
--      (MINVALUE, B) (PostgreSQL sees the CHECK and skips the scan), restart the identity after the
--      old sequence, and create the views and grants again (a view follows the renamed table).
-- Partitions from B on are created ahead of time by the daemon, and on demand for a row whose
-- period has none, through dx_scraper_create_partitions(); retention drops them through
-- dx_scraper_drop_partitions(). Both are SECURITY DEFINER, so the writer role (which may only
-- insert and select) can keep partitions without owning the tables.
--
-- jOOQ's DDL simulation cannot partition: the whole script is between "jooq ignore" markers, and
-- the generated classes keep V1's columns, which are unchanged. Only the primary key differs:
-- (id, spotted_at) here, id in the generated classes; no code uses jOOQ's key metadata.

-- [jooq ignore start]

-- The period a partition covers: spot by week, the small tables by month.
CREATE OR REPLACE FUNCTION dx_scraper_partition_unit(parent text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
SELECT CASE parent
         WHEN 'spot' THEN 'week'
         WHEN 'solar_report' THEN 'month'
         WHEN 'announcement' THEN 'month'
       END
$$;

-- Creates the missing partitions of a table for the periods the given times fall in; returns how
-- many it created. A period already covered (by the first, converted partition) is skipped. The
-- partition is made as a plain table and attached, which locks the parent only against other schema
-- changes (SHARE UPDATE EXCLUSIVE): CREATE TABLE ... PARTITION OF would block inserts meanwhile.
-- Both functions run as their owner: pg_catalog alone is on their search path, and every name of
-- ours is written with its schema, so that no function or table a caller makes in public can stand
-- in for a built-in one.
CREATE OR REPLACE FUNCTION dx_scraper_create_partitions(parent text, times timestamptz[]) RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET lock_timeout = '10s'
AS $$
DECLARE
    unit text := public.dx_scraper_partition_unit(parent);
    period_start timestamptz;
    partition_name text;
    created integer := 0;
BEGIN
    IF unit IS NULL THEN
        RAISE EXCEPTION 'dx-scraper: % is not a partitioned dx-scraper table', parent;
    END IF;
    -- Two daemons creating the same partition at once: the second waits, then finds it.
    PERFORM pg_advisory_xact_lock(hashtext('dx_scraper_partitions'));
    FOR period_start IN
        SELECT DISTINCT date_trunc(unit, t) FROM unnest(times) AS t WHERE t IS NOT NULL ORDER BY 1
    LOOP
        partition_name := format('%s_p%s', parent, to_char(period_start, 'YYYYMMDD'));
        CONTINUE WHEN to_regclass('public.' || quote_ident(partition_name)) IS NOT NULL;
        BEGIN
            EXECUTE format('CREATE TABLE public.%I (LIKE public.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
                           partition_name, parent);
            EXECUTE format('ALTER TABLE public.%I ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)',
                           parent, partition_name, period_start, period_start + ('1 ' || unit)::interval);
            created := created + 1;
        EXCEPTION WHEN invalid_object_definition THEN
            -- "would overlap partition": the first partition holds this period already.
            NULL;
        END;
    END LOOP;
    RETURN created;
END
$$;

-- Drops every partition of a table whose whole range ends at or before older_than, and returns
-- their names. Rows are never deleted one by one: a partition goes whole or stays. The first
-- (converted) partition goes only when its bound has passed too.
-- DROP TABLE of a partition locks the parent against inserts too: behind a long query it waits 2 s
-- at most (inserts queue behind it meanwhile), and the daemon tries again 5 minutes later.
CREATE OR REPLACE FUNCTION dx_scraper_drop_partitions(parent text, older_than timestamptz, retain interval)
RETURNS SETOF text
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET lock_timeout = '2s'
AS $$
DECLARE
    part record;
BEGIN
    IF public.dx_scraper_partition_unit(parent) IS NULL THEN
        RAISE EXCEPTION 'dx-scraper: % is not a partitioned dx-scraper table', parent;
    END IF;
    -- Guards against a wrong clock or a wrong unit: nothing from the last day is ever dropped, and
    -- a daemon whose clock runs ahead of the database's (older_than is its clock less retain) may
    -- not drop what the database's own clock would keep.
    IF older_than > now() - interval '1 day' THEN
        RAISE EXCEPTION 'dx-scraper: refusing to drop partitions of % newer than %', parent, older_than;
    END IF;
    IF older_than > now() - retain + interval '1 hour' THEN
        RAISE EXCEPTION 'dx-scraper: refusing to drop partitions of % newer than % (the caller''s clock runs ahead of the database''s)',
            parent, now() - retain;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('dx_scraper_partitions'));
    FOR part IN
        SELECT c.relname AS name,
               (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz AS upper_bound
          FROM pg_inherits i
          JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = ('public.' || quote_ident(parent))::regclass
         ORDER BY 2
    LOOP
        IF part.upper_bound IS NOT NULL AND part.upper_bound <= older_than THEN
            EXECUTE format('DROP TABLE public.%I', part.name);
            RETURN NEXT part.name;
        END IF;
    END LOOP;
END
$$;

-- Only the daemon keeps partitions: not the reader role, not PUBLIC.
REVOKE ALL ON FUNCTION dx_scraper_create_partitions(text, timestamptz[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION dx_scraper_drop_partitions(text, timestamptz, interval) FROM PUBLIC;

-- Step 1: the CHECK that lets ATTACH PARTITION skip its scan, added without a scan...
DO $check$
DECLARE
    t record;
    bound timestamptz;
BEGIN
    SET LOCAL timezone = 'UTC';
    -- Adding a constraint takes a brief exclusive lock: fail rather than queue inserts behind a
    -- long query (run `dx-scraper migrate` again).
    SET LOCAL lock_timeout = '2s';
    FOR t IN SELECT * FROM (VALUES ('spot', 'spotted_at'),
                                   ('solar_report', 'reported_at'),
                                   ('announcement', 'announced_at')) AS v(name, time_column)
    LOOP
        CONTINUE WHEN (SELECT relkind FROM pg_class WHERE oid = t.name::regclass) <> 'r';
        -- Left by a run that failed later: its bound may be close by now, so it is made anew.
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT IF EXISTS %I', t.name, t.name || '_before_partitions');
        -- Past the newest row too: a row dated ahead (a node's clock) would fail the validation.
        EXECUTE format('SELECT greatest(now() + interval ''2 days'', (SELECT max(%I) FROM %I))',
                       t.time_column, t.name) INTO bound;
        bound := date_trunc(dx_scraper_partition_unit(t.name), bound)
                 + ('1 ' || dx_scraper_partition_unit(t.name))::interval;
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (%I < %L) NOT VALID',
                       t.name, t.name || '_before_partitions', t.time_column, bound);
    END LOOP;
END
$check$;

-- ...then validated: a scan under SHARE UPDATE EXCLUSIVE, which inserts do not wait for.
-- (Each step of V10 skips what an earlier, failed run of it finished: `Migrations` runs it again.)
DO $validate$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['spot', 'solar_report', 'announcement'] LOOP
        IF (SELECT relkind FROM pg_class WHERE oid = t::regclass) = 'r' THEN
            EXECUTE format('ALTER TABLE %I VALIDATE CONSTRAINT %I', t, t || '_before_partitions');
        END IF;
    END LOOP;
END
$validate$;

-- Step 2: the primary key's index with the partition key in it, built without blocking inserts.
-- A build that failed before leaves an invalid index behind: it goes first.
DO $invalid$
BEGIN
    SET LOCAL lock_timeout = '2s';
    IF EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass('spot_id_time') AND NOT indisvalid) THEN
        DROP INDEX spot_id_time;
    END IF;
END
$invalid$;

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS spot_id_time ON spot (id, spotted_at);

-- Step 3: the swap, one transaction.
DO $swap$
DECLARE
    t record;
    attempt integer;
    bound timestamptz;
    next_id bigint;
    next_ids jsonb := '{}';
    id_sequence text;
BEGIN
    IF (SELECT relkind FROM pg_class WHERE oid = 'spot'::regclass) = 'p' THEN
        RETURN; -- swapped by an earlier run that failed after it
    END IF;
    SET LOCAL timezone = 'UTC';
    -- Inserts wait while this transaction waits for its lock: a long query holding the tables
    -- would queue them all behind it. So each try waits 2 s at most, and between tries inserts
    -- flow; after 20 tries the migration fails (run `dx-scraper migrate` again).
    FOR attempt IN 1..20 LOOP
        BEGIN
            SET LOCAL lock_timeout = '2s';
            -- The views too: a query through one would otherwise deadlock with the swap.
            LOCK TABLE spot, solar_report, announcement, dx_spots, wwv_announcements
                IN ACCESS EXCLUSIVE MODE;
            EXIT;
        EXCEPTION WHEN lock_not_available THEN
            IF attempt = 20 THEN
                RAISE;
            END IF;
            PERFORM pg_sleep(1);
        END;
    END LOOP;
    FOR t IN SELECT * FROM (VALUES ('spot', 'spotted_at', 'spot_id_time'),
                                   ('solar_report', 'reported_at', NULL),
                                   ('announcement', 'announced_at', NULL)) AS v(name, time_column, id_index)
    LOOP
        -- The identity goes on after the old sequence, which dropping the old identity drops.
        id_sequence := pg_get_serial_sequence(t.name, 'id');
        EXECUTE format('SELECT greatest((SELECT max(id) FROM %I), (SELECT last_value FROM %s)) + 1',
                       t.name, id_sequence) INTO next_id;
        next_ids := next_ids || jsonb_build_object(t.name, next_id);

        -- The old table, under its new name, with a primary key that contains the time.
        EXECUTE format('ALTER TABLE %I RENAME TO %I', t.name, t.name || '_legacy');
        EXECUTE format('ALTER TABLE %I ALTER COLUMN id DROP IDENTITY', t.name || '_legacy');
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', t.name || '_legacy', t.name || '_pkey');
        IF t.id_index IS NULL THEN
            -- The small tables: building the index here takes milliseconds.
            EXECUTE format('CREATE UNIQUE INDEX %I ON %I (id, %I)',
                           t.name || '_id_time', t.name || '_legacy', t.time_column);
        END IF;
        -- Named as its index, which keeps its name: a run of V10 after a failure later on finds
        -- spot_id_time there and builds no other.
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY USING INDEX %I',
                       t.name || '_legacy', t.name || '_id_time', t.name || '_id_time');

        -- The partitioned table: same columns, defaults, checks and column comments.
        EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING COMMENTS)'
                       ' PARTITION BY RANGE (%I)', t.name, t.name || '_legacy', t.time_column);
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', t.name, t.name || '_before_partitions');
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY (id, %I)',
                       t.name, t.name || '_pkey', t.time_column);
    END LOOP;

    -- The other indexes as V1, V2 and V6 made them, on the partitioned tables; ATTACH PARTITION
    -- adopts the old table's matching indexes instead of building new ones.
    ALTER INDEX spot_identity RENAME TO spot_legacy_identity;
    ALTER INDEX spot_dx_call_time RENAME TO spot_legacy_dx_call_time;
    ALTER INDEX spot_band_time RENAME TO spot_legacy_band_time;
    CREATE UNIQUE INDEX spot_identity ON spot (spotted_at, dx_call, spotter, round(frequency_khz, 1));
    CREATE INDEX spot_dx_call_time ON spot (dx_call, spotted_at);
    CREATE INDEX spot_band_time ON spot (band, spotted_at);
    ALTER INDEX solar_report_identity RENAME TO solar_report_legacy_identity;
    ALTER INDEX solar_report_time RENAME TO solar_report_legacy_time;
    CREATE UNIQUE INDEX solar_report_identity ON solar_report (
        kind, station, reported_at,
        coalesce(sfi, -1), coalesce(a_index, -1), coalesce(k_index, -1), coalesce(expected_k, -1),
        coalesce(r, -1), coalesce(ssn, -1), coalesce(sa, ''), coalesce(gmf, ''), coalesce(aurora, ''),
        md5(coalesce(forecast, '')));
    CREATE INDEX solar_report_time ON solar_report (reported_at);
    ALTER INDEX announcement_identity RENAME TO announcement_legacy_identity;
    CREATE UNIQUE INDEX announcement_identity ON announcement (announced_at, sender, scope, md5(text));

    FOR t IN SELECT * FROM (VALUES ('spot'), ('solar_report'), ('announcement')) AS v(name)
    LOOP
        SELECT (regexp_match(pg_get_constraintdef(oid), '''([^'']+)'''))[1]::timestamptz INTO bound
          FROM pg_constraint
         WHERE conrelid = (t.name || '_legacy')::regclass AND conname = t.name || '_before_partitions';
        EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (MINVALUE) TO (%L)',
                       t.name, t.name || '_legacy', bound);
        EXECUTE format('ALTER TABLE %I ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (START WITH %s)',
                       t.name, next_ids ->> t.name);
    END LOOP;

    COMMENT ON TABLE spot IS 'DX cluster spots; one row per (spotted_at, dx_call, spotter, frequency to 0.1 kHz); partitioned by week of spotted_at';
    COMMENT ON TABLE solar_report IS 'WWV and WCY solar reports, every correction kept; partitioned by month of reported_at';
    COMMENT ON TABLE announcement IS 'Announcements (To ALL, To LOCAL); partitioned by month of announced_at';

    -- The views followed the old tables: they are made again on the new ones (V3, V7).
    DROP VIEW dx_spots;
    CREATE VIEW dx_spots AS
    SELECT id,
           spotted_at    AS "timestamp",
           dx_call,
           frequency_khz AS frequency,
           spotter       AS spotter_call,
           comment,
           mode,
           band,
           dx_grid,
           spotter_grid,
           snr_db        AS signal_report
      FROM spot;
    COMMENT ON VIEW dx_spots IS 'Compatibility view with the old scraper''s columns; frequency in kHz';
    DROP VIEW wwv_announcements;
    CREATE VIEW wwv_announcements AS
    SELECT DISTINCT ON (reported_at, station)
           reported_at AS "timestamp",
           sfi         AS solar_flux,
           a_index,
           k_index,
           ssn         AS sunspot_number,
           raw_text
      FROM solar_report
     WHERE kind = 'WWV'
     ORDER BY reported_at, station, received_at DESC;
    COMMENT ON VIEW wwv_announcements IS 'Compatibility view with the old scraper''s WWV table; the latest correction per station and hour';

    -- The grants of V4, on the new tables and views, and the partition functions for the writer.
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dx_scraper_writer') THEN
        GRANT SELECT, INSERT ON spot, solar_report, announcement TO dx_scraper_writer;
        GRANT SELECT ON dx_spots, wwv_announcements TO dx_scraper_writer;
        GRANT EXECUTE ON FUNCTION dx_scraper_create_partitions(text, timestamptz[]) TO dx_scraper_writer;
        GRANT EXECUTE ON FUNCTION dx_scraper_drop_partitions(text, timestamptz, interval) TO dx_scraper_writer;
    ELSE
        RAISE NOTICE 'dx-scraper: no role dx_scraper_writer; the partitioned tables were not granted to it';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dx_scraper_reader') THEN
        GRANT SELECT ON spot, solar_report, announcement, dx_spots, wwv_announcements TO dx_scraper_reader;
    ELSE
        RAISE NOTICE 'dx-scraper: no role dx_scraper_reader; the partitioned tables were not granted to it';
    END IF;
END
$swap$;

-- The first partitions after the converted table: those of the current and the next three periods.
-- Nothing after the swap may fail V10 (a run after a swap could not build step 2's index again):
-- a lock not granted here leaves the partitions to the daemon, which makes them at start.
DO $ahead$
BEGIN
    PERFORM dx_scraper_create_partitions(
                name,
                ARRAY(SELECT now() + n * ('1 ' || dx_scraper_partition_unit(name))::interval
                        FROM generate_series(0, 3) AS n))
       FROM (VALUES ('spot'), ('solar_report'), ('announcement')) AS v(name);
EXCEPTION WHEN lock_not_available THEN
    RAISE NOTICE 'dx-scraper: partitions ahead not made now (%); the daemon makes them', SQLERRM;
END
$ahead$;

-- [jooq ignore stop]
