-- One row per DX spot, whichever node it came from.
--
-- Identity of a spot (what makes a re-insert a no-op): the same spotter, DX call, frequency rounded
-- to 0.1 kHz and minute. Spotter and DX call are stored upper case exactly as the node printed them
-- (an SSID or RBN's "-#" stays part of the spotter). Rounding to 0.1 kHz makes RBN's "7018.30" and
-- DXSpider's relayed "7018.3" the same spot, while a skimmer hearing the same call on two
-- frequencies in one minute stays two spots. The comment is not part of the identity: the same spot
-- relayed by two nodes may have its comment cut to different widths (set/width).
-- Text from the wire is an unbounded varchar (stored like text; jOOQ's DDL simulation cannot index
-- a text column): the parser bounds it, and a length limit here would turn one odd line into a
-- failed batch.
CREATE TABLE spot (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Minute precision: the line carries only HHMMZ; the date comes from the time of reception.
    spotted_at        timestamptz     NOT NULL,
    received_at       timestamptz     NOT NULL,
    node              varchar         NOT NULL,
    spotter           varchar         NOT NULL,
    -- 10489540.0 (QO-100) and 7018.25 (RBN) both fit exactly.
    frequency_khz     numeric(12, 3)  NOT NULL,
    dx_call           varchar         NOT NULL,
    comment           varchar         NOT NULL DEFAULT '',
    band              varchar(8),
    mode              varchar(16),
    -- Whether the mode was stated (comment, skimmer field) or inferred from the band plan.
    mode_source       varchar(8),
    -- Skimmer (RBN) fields; null for spots by people.
    snr_db            smallint,
    speed             smallint,
    speed_unit        varchar(3),
    spot_type         varchar(6),
    dx_grid           varchar,
    spotter_grid      varchar,
    -- DXCC enrichment from cty.dat, for both calls.
    dx_entity         varchar,
    dx_continent      varchar(2),
    dx_cq_zone        smallint,
    spotter_entity    varchar,
    spotter_continent varchar(2),
    spotter_cq_zone   smallint,
    CONSTRAINT spot_mode_source_known CHECK (mode_source IN ('stated', 'inferred')),
    CONSTRAINT spot_speed_unit_known CHECK (speed_unit IN ('WPM', 'BPS')),
    CONSTRAINT spot_type_known CHECK (spot_type IN ('CQ', 'DX', 'BEACON', 'NCDXF')),
    CONSTRAINT spot_frequency_positive CHECK (frequency_khz > 0),
    CONSTRAINT spot_dx_continent_known CHECK (dx_continent IN ('AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA')),
    CONSTRAINT spot_spotter_continent_known
        CHECK (spotter_continent IN ('AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA'))
);

COMMENT ON TABLE spot IS 'DX cluster spots; one row per (spotted_at, dx_call, spotter, frequency to 0.1 kHz)';

-- The unique key leads with the time so that it also serves "latest N spots" (a backward index
-- scan) and time-range scans; ON CONFLICT DO NOTHING needs no conflict target to use it.
-- [jooq ignore start]
CREATE UNIQUE INDEX spot_identity
    ON spot (spotted_at, dx_call, spotter, round(frequency_khz, 1));
-- [jooq ignore stop]

-- "This call over time" and "this band over time".
CREATE INDEX spot_dx_call_time ON spot (dx_call, spotted_at);
CREATE INDEX spot_band_time ON spot (band, spotted_at);
