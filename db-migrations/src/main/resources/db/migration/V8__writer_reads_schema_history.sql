-- The daemon checks the schema at every start (Flyway reads its history table) and runs as
-- dx_scraper_writer where the operator set the roles up (README, "Database roles"; the compose
-- stack does): without this grant that check fails with "permission denied" and the daemon exits.
-- Reading is all it needs: a pending migration still needs `dx-scraper migrate` as the owner.
-- [jooq ignore start]
DO $grant$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dx_scraper_writer')
       AND has_table_privilege(current_user, 'flyway_schema_history', 'SELECT WITH GRANT OPTION') THEN
        GRANT SELECT ON flyway_schema_history TO dx_scraper_writer;
    ELSE
        RAISE NOTICE 'dx-scraper: dx_scraper_writer may not read flyway_schema_history (no role, or % may not grant it)', current_user;
    END IF;
END
$grant$;
-- [jooq ignore stop]
