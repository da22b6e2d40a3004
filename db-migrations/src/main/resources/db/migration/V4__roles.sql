-- Two roles, created without a password and without LOGIN: the operator enables them with
--   ALTER ROLE dx_scraper_writer LOGIN PASSWORD '...';
--   ALTER ROLE dx_scraper_reader LOGIN PASSWORD '...';
-- (see README.md, "Database roles"). Roles belong to the whole server, so several databases on one
-- server share them; they are created only where they are missing. A migrating user that may not
-- create roles gets a notice instead of a failed migration, and the grants are skipped.
-- [jooq ignore start]
DO $roles$
DECLARE
    may_create_roles boolean;
BEGIN
    SELECT rolsuper OR rolcreaterole INTO may_create_roles FROM pg_roles WHERE rolname = current_user;
    IF NOT may_create_roles
       AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dx_scraper_writer')
       AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dx_scraper_reader') THEN
        RAISE NOTICE 'dx-scraper: % may not create roles; dx_scraper_writer and dx_scraper_reader were not created', current_user;
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dx_scraper_writer') THEN
        CREATE ROLE dx_scraper_writer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dx_scraper_reader') THEN
        CREATE ROLE dx_scraper_reader NOLOGIN;
    END IF;

    EXECUTE format('GRANT CONNECT ON DATABASE %I TO dx_scraper_writer, dx_scraper_reader', current_database());
    GRANT USAGE ON SCHEMA public TO dx_scraper_writer, dx_scraper_reader;
    -- The writer inserts and reads back; it never updates, deletes or changes the schema.
    GRANT SELECT, INSERT ON spot, solar_report, announcement TO dx_scraper_writer;
    GRANT SELECT ON dx_spots, wwv_announcements TO dx_scraper_writer;
    -- Grafana reads everything and writes nothing.
    GRANT SELECT ON spot, solar_report, announcement, dx_spots, wwv_announcements TO dx_scraper_reader;
END
$roles$;
-- [jooq ignore stop]
