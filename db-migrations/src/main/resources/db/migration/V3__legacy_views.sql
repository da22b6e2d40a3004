-- The old Python scraper's tables, as views, so that existing Grafana SQL panels keep working.
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

CREATE VIEW wwv_announcements AS
SELECT reported_at AS "timestamp",
       sfi         AS solar_flux,
       a_index,
       k_index,
       ssn         AS sunspot_number,
       raw_text
  FROM solar_report
 WHERE kind = 'WWV';

COMMENT ON VIEW wwv_announcements IS 'Compatibility view with the old scraper''s WWV table';
