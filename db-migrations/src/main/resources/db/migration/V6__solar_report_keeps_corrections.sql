-- A WWV or WCY report corrected by its station within the hour (same kind, station and hour, other
-- values) was dropped as a duplicate of the first. Now every distinct report is kept, each a row
-- with its own received_at, so the newest is the one with the latest received_at and nothing the
-- station said is lost. "Latest wins" would need UPDATE, which dx_scraper_writer does not have
-- (it may only INSERT), and would hide that a correction happened.
--
-- A report is therefore identified by kind, station, hour and its values: the same report heard
-- from two nodes (each may space the line its own way), or replayed after a crash, is still one
-- row, and INSERT ... ON CONFLICT DO NOTHING keeps working unchanged. NULLs are coalesced because
-- a unique index treats NULLs as distinct (NULLS NOT DISTINCT needs PostgreSQL 15; 13 is
-- supported); the forecast enters by its md5 so that any length fits a btree entry.
ALTER TABLE solar_report DROP CONSTRAINT solar_report_identity;

-- [jooq ignore start]
CREATE UNIQUE INDEX solar_report_identity ON solar_report (
    kind,
    station,
    reported_at,
    coalesce(sfi, -1),
    coalesce(a_index, -1),
    coalesce(k_index, -1),
    coalesce(expected_k, -1),
    coalesce(r, -1),
    coalesce(ssn, -1),
    coalesce(sa, ''),
    coalesce(gmf, ''),
    coalesce(aurora, ''),
    md5(coalesce(forecast, ''))
);
-- [jooq ignore stop]
