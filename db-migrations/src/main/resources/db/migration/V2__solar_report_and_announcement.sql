-- WWV (from WWV broadcasts relayed by nodes) and WCY (DK0WCY) solar reports.
-- A report is identified by its kind, its station and the hour it is for: the same report heard
-- from two nodes, or replayed after a crash, is one row.
CREATE TABLE solar_report (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind           varchar(3)      NOT NULL,
    station        varchar         NOT NULL,
    -- The date of reception with the report's hour, minutes zero.
    reported_at    timestamptz     NOT NULL,
    hour           smallint        NOT NULL,
    sfi            smallint,
    a_index        smallint,
    k_index        smallint,
    expected_k     smallint,
    r              smallint,
    ssn            smallint,
    sa             varchar,
    gmf            varchar,
    aurora         varchar,
    forecast       varchar,
    node           varchar         NOT NULL,
    received_at    timestamptz     NOT NULL,
    raw_text       varchar         NOT NULL,
    CONSTRAINT solar_report_kind_known CHECK (kind IN ('WWV', 'WCY')),
    CONSTRAINT solar_report_hour_range CHECK (hour BETWEEN 0 AND 23),
    CONSTRAINT solar_report_identity UNIQUE (kind, station, reported_at)
);

-- "To ALL de" and "To LOCAL de" announcements.
-- An announcement is identified by sender, scope, minute and text (by its md5, so that the
-- longest lines still fit in a btree entry).
CREATE TABLE announcement (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope          varchar(5)      NOT NULL,
    sender         varchar         NOT NULL,
    text           varchar         NOT NULL,
    -- Minute precision: from the line's <HHMMZ> where it has one (CC Cluster), else from reception.
    announced_at   timestamptz     NOT NULL,
    node           varchar         NOT NULL,
    received_at    timestamptz     NOT NULL,
    CONSTRAINT announcement_scope_known CHECK (scope IN ('ALL', 'LOCAL'))
);

-- [jooq ignore start]
CREATE UNIQUE INDEX announcement_identity ON announcement (announced_at, sender, scope, md5(text));
-- [jooq ignore stop]
CREATE INDEX solar_report_time ON solar_report (reported_at);
