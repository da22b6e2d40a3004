-- The DXCC entities of cty.dat with their positions, so that a dashboard can put the spotted
-- entities on a world map: spot.dx_entity and spotter_entity hold the entity's name, which is this
-- table's key. cty.dat changes several times a year, so the daemon writes the table from the file
-- it loaded at every start (insert or update by name); an entity the file no longer lists stays,
-- because old spots still name it.
CREATE TABLE dxcc_entity (
    entity         varchar          PRIMARY KEY,
    -- As cty.dat writes it; a leading '*' marks an entity of the WAE or another award list.
    primary_prefix varchar          NOT NULL,
    continent      varchar(2)       NOT NULL,
    cq_zone        smallint         NOT NULL,
    itu_zone       smallint         NOT NULL,
    -- Degrees, north and east positive (cty.dat writes west longitudes positive; the daemon turns
    -- them round so that maps need no conversion).
    latitude       double precision NOT NULL,
    longitude      double precision NOT NULL,
    updated_at     timestamptz      NOT NULL,
    CONSTRAINT dxcc_entity_continent_known CHECK (continent IN ('AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA')),
    CONSTRAINT dxcc_entity_latitude_range CHECK (latitude BETWEEN -90 AND 90),
    CONSTRAINT dxcc_entity_longitude_range CHECK (longitude BETWEEN -180 AND 180)
);

COMMENT ON TABLE dxcc_entity IS 'DXCC and award-list entities from cty.dat with latitude and longitude (east positive); written by the daemon at start';

-- The writer keeps the table current (an upsert needs UPDATE); Grafana reads it.
-- [jooq ignore start]
DO $grant$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dx_scraper_writer') THEN
        GRANT SELECT, INSERT, UPDATE ON dxcc_entity TO dx_scraper_writer;
    ELSE
        RAISE NOTICE 'dx-scraper: no role dx_scraper_writer; dxcc_entity not granted to it';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dx_scraper_reader') THEN
        GRANT SELECT ON dxcc_entity TO dx_scraper_reader;
    ELSE
        RAISE NOTICE 'dx-scraper: no role dx_scraper_reader; dxcc_entity not granted to it';
    END IF;
END
$grant$;
-- [jooq ignore stop]
