-- Which daemon stored a row (its --daemon-name, by default the host name), beside the node it came
-- from: with two or more daemons on the same nodes writing to one database, the first to insert a
-- spot stores it and the others' copies are no-ops, so a dashboard can show who delivered what.
-- Null for rows stored before this version. Adding a column without a default rewrites nothing.
ALTER TABLE spot ADD COLUMN daemon varchar;
ALTER TABLE solar_report ADD COLUMN daemon varchar;
ALTER TABLE announcement ADD COLUMN daemon varchar;

COMMENT ON COLUMN spot.daemon IS 'the dx-scraper (--daemon-name) that stored the row; null before schema version 11';
COMMENT ON COLUMN solar_report.daemon IS 'the dx-scraper (--daemon-name) that stored the row; null before schema version 11';
COMMENT ON COLUMN announcement.daemon IS 'the dx-scraper (--daemon-name) that stored the row; null before schema version 11';
