-- The old scraper's wwv_announcements had one row per station and hour; since V6 keeps every
-- correction, the view shows the latest of them (by received_at) so that the old Grafana queries
-- still see one row per station and hour.
-- DISTINCT ON is PostgreSQL's own: jOOQ's DDL simulation (H2) cannot read it, and no generated
-- class needs this view's new body, so the generator skips the statement.
-- [jooq ignore start]
CREATE OR REPLACE VIEW wwv_announcements AS
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
-- [jooq ignore stop]

COMMENT ON VIEW wwv_announcements IS 'Compatibility view with the old scraper''s WWV table; the latest correction per station and hour';
