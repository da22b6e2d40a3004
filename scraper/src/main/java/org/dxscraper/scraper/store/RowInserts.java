package org.dxscraper.scraper.store;

import static org.dxscraper.db.jooq.Tables.ANNOUNCEMENT;
import static org.dxscraper.db.jooq.Tables.SOLAR_REPORT;
import static org.dxscraper.db.jooq.Tables.SPOT;
import static org.dxscraper.scraper.store.SingleRowInsert.smallint;
import static org.dxscraper.scraper.store.SingleRowInsert.timestamp;
import static org.dxscraper.scraper.store.SingleRowInsert.varchar;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.dxscraper.scraper.store.PendingRow.AnnouncementRow;
import org.dxscraper.scraper.store.PendingRow.SolarRow;
import org.dxscraper.scraper.store.PendingRow.SpotRow;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The SQL of storing: received rows to {@code COPY} and {@code INSERT ... ON CONFLICT DO NOTHING}
 * statements on the {@code spot}, {@code solar_report} and {@code announcement} tables. Every
 * insert is idempotent (the tables' identity keys), so a batch may be written again after a failure
 * or a replay without making a second row.
 *
 * <p>Spots, nearly all the rows, go in by {@link #copySpots}: {@code COPY spot (...) FROM STDIN} in
 * text format ({@link SpotCopyEncoder}), the cheapest way in for the server (9.8 µs a row on its
 * backend against 14.6 µs for the insert below, docs/BENCHMARKS.md, "The writer's insert"). A
 * {@code COPY} cannot skip a row stored before: it fails whole with a unique violation, and the
 * caller ({@link BatchStore}) stores the batch again with {@link #spots}, one statement whose text
 * never changes: {@code INSERT INTO spot (...) SELECT unnest($1::timestamptz[]), ...}, each
 * parameter an array literal holding one column of the whole batch ({@link SpotArrayEncoder}). The
 * driver prepares it once per connection; a batch costs encoding its values and one round trip. The
 * jOOQ multi-row {@code VALUES} insert it replaced rendered and bound 23 values per row, a new
 * statement text for every batch size: 15-17 µs of the writer's CPU and 12 KB of garbage per row at
 * 1,000 rows a batch, against 2.5 µs and 0.7 KB, storing 0.4-0.6 times the rows per second. Solar
 * reports and announcements, a few a minute, go in one by one, each with a fixed statement of its
 * own ({@link SingleRowInsert}).
 *
 * <p>One instance per writer thread (it keeps the encoders' buffers). Each method runs in the
 * caller's transaction ({@code tx}) and throws jOOQ's {@code DataAccessException}, with the
 * driver's {@code SQLException} as its cause, for the caller's retry policy to judge.
 */
final class RowInserts {

  /**
   * Bounds one statement's strings (about 250 bytes a row) when a batch is large; the default batch
   * is 1,000 rows. One statement of 5,000 rows measured cheaper than five of 1,000.
   */
  private static final int ROWS_PER_STATEMENT = 5000;

  /** What {@code RETURNING} gives for each spot row inserted: what metrics count it by. */
  record StoredSpot(String node, String band, String mode, boolean backfilled) {}

  static final String SPOT_INSERT = spotInsert();

  private final SpotArrayEncoder arrays = new SpotArrayEncoder();
  private final SpotCopyEncoder copy = new SpotCopyEncoder();
  private final String daemonName;

  /** Rows stored with no daemon name (a null {@code daemon} column). */
  RowInserts() {
    this(null);
  }

  /**
   * @param daemonName what goes in every row's {@code daemon} column: which daemon stored it, when
   *     several write to one database; null for none
   */
  RowInserts(String daemonName) {
    this.daemonName = daemonName;
  }

  /**
   * Names and types from the generated jOOQ classes, so the statement follows the schema: {@code
   * insert into "spot" ("spotted_at", ...) select unnest(?::timestamptz[]), ... on conflict do
   * nothing returning "node", "band", "mode", "backfilled"}.
   *
   * <p>The unnest calls stand in the select list, where PostgreSQL (10 and later) steps them in
   * lockstep, one row per array index; {@code select * from unnest(a, b, ...)} gives the same rows
   * but first copies each array into a tuplestore of its own: 1-2 µs more backend CPU per row,
   * measured.
   */
  private static String spotInsert() {
    DSLContext render = DSL.using(SQLDialect.POSTGRES);
    StringJoiner columns = new StringJoiner(", ");
    StringJoiner arrays = new StringJoiner(", ");
    for (SpotArrayEncoder.Column column : SpotArrayEncoder.COLUMNS) {
      columns.add(render.render(DSL.name(column.field().getName())));
      arrays.add("unnest(?::" + column.arrayType() + ")");
    }
    StringJoiner returning = new StringJoiner(", ");
    for (Field<?> field : List.of(SPOT.NODE, SPOT.BAND, SPOT.MODE, SPOT.BACKFILLED)) {
      returning.add(render.render(DSL.name(field.getName())));
    }
    // The daemon's name is one value for the whole batch: a plain parameter, the last one.
    columns.add(render.render(DSL.name(SPOT.DAEMON.getName())));
    arrays.add("?::text");
    return "insert into "
        + render.render(SPOT)
        + " ("
        + columns
        + ") select "
        + arrays
        + " on conflict do nothing returning "
        + returning;
  }

  /**
   * Inserts {@code spots}, skipping those whose identity is stored already, and returns the rows
   * inserted ({@code RETURNING}), so metrics count stored spots by band and mode without guessing
   * which of the batch were duplicates.
   */
  List<StoredSpot> spots(DSLContext tx, List<SpotRow> spots) {
    if (spots.isEmpty()) {
      return List.of();
    }
    List<StoredSpot> stored = new ArrayList<>(spots.size());
    tx.connection(
        connection -> {
          try (PreparedStatement insert = connection.prepareStatement(SPOT_INSERT)) {
            for (int from = 0; from < spots.size(); from += ROWS_PER_STATEMENT) {
              arrays.bind(
                  insert, spots.subList(from, Math.min(spots.size(), from + ROWS_PER_STATEMENT)));
              insert.setString(SpotArrayEncoder.COLUMNS.size() + 1, daemonName);
              try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                  stored.add(
                      new StoredSpot(
                          rows.getString(1),
                          rows.getString(2),
                          rows.getString(3),
                          rows.getBoolean(4)));
                }
              }
            }
          }
        });
    return stored;
  }

  /**
   * Stores {@code spots} with {@code COPY} ({@link SpotCopyEncoder}): every one becomes a row, so
   * the list returned holds them all. A spot whose identity is stored already fails the whole
   * statement with a unique violation ({@link #isDuplicate}); the caller then rolls back and uses
   * {@link #spots}. Cheaper for the server than the insert: no speculative insertion, no arbiter
   * index probe, no arrays to parse (docs/BENCHMARKS.md, "The writer's insert").
   */
  List<StoredSpot> copySpots(DSLContext tx, List<SpotRow> spots) {
    if (spots.isEmpty()) {
      return List.of();
    }
    tx.connection(
        connection -> {
          CopyIn in =
              connection.unwrap(PGConnection.class).getCopyAPI().copyIn(SpotCopyEncoder.COPY);
          try {
            // In pieces, so that the buffer stays small whatever --batch-size is.
            for (int from = 0; from < spots.size(); from += ROWS_PER_STATEMENT) {
              copy.encode(
                  spots.subList(from, Math.min(spots.size(), from + ROWS_PER_STATEMENT)),
                  daemonName);
              in.writeToCopy(copy.bytes(), 0, copy.length());
            }
            in.endCopy();
          } finally {
            if (in.isActive()) {
              in.cancelCopy();
            }
          }
        });
    List<StoredSpot> stored = new ArrayList<>(spots.size());
    for (SpotRow spot : spots) {
      stored.add(new StoredSpot(spot.node(), spot.band(), spot.mode(), spot.backfilled()));
    }
    return stored;
  }

  /** Whether {@code e} is a unique violation: a {@link #copySpots} met a stored spot. */
  static boolean isDuplicate(DataAccessException e) {
    return "23505".equals(e.sqlState());
  }

  static final SingleRowInsert<SolarRow> SOLAR_INSERT =
      new SingleRowInsert<>(
          SOLAR_REPORT,
          List.of(
              varchar(SOLAR_REPORT.KIND, row -> row.report().bulletin().name()),
              varchar(SOLAR_REPORT.STATION, row -> row.report().station()),
              timestamp(SOLAR_REPORT.REPORTED_AT, row -> row.report().reportedAt()),
              smallint(SOLAR_REPORT.HOUR, row -> row.report().hour()),
              smallint(SOLAR_REPORT.SFI, row -> row.report().sfi()),
              smallint(SOLAR_REPORT.A_INDEX, row -> row.report().aIndex()),
              smallint(SOLAR_REPORT.K_INDEX, row -> row.report().kIndex()),
              smallint(SOLAR_REPORT.EXPECTED_K, row -> row.report().expectedK()),
              smallint(SOLAR_REPORT.R, row -> row.report().r()),
              smallint(SOLAR_REPORT.SSN, row -> row.report().ssn()),
              varchar(SOLAR_REPORT.SA, row -> row.report().sa()),
              varchar(SOLAR_REPORT.GMF, row -> row.report().gmf()),
              varchar(SOLAR_REPORT.AURORA, row -> row.report().aurora()),
              varchar(SOLAR_REPORT.FORECAST, row -> row.report().forecast()),
              varchar(SOLAR_REPORT.NODE, SolarRow::node),
              timestamp(SOLAR_REPORT.RECEIVED_AT, SolarRow::receivedAt),
              varchar(SOLAR_REPORT.RAW_TEXT, row -> row.report().rawText())),
          SOLAR_REPORT.DAEMON);

  static final SingleRowInsert<AnnouncementRow> ANNOUNCEMENT_INSERT =
      new SingleRowInsert<>(
          ANNOUNCEMENT,
          List.of(
              varchar(ANNOUNCEMENT.SCOPE, row -> row.announcement().scope().name()),
              varchar(ANNOUNCEMENT.SENDER, row -> row.announcement().sender()),
              varchar(ANNOUNCEMENT.TEXT, row -> row.announcement().text()),
              timestamp(ANNOUNCEMENT.ANNOUNCED_AT, row -> row.announcement().announcedAt()),
              varchar(ANNOUNCEMENT.NODE, AnnouncementRow::node),
              timestamp(ANNOUNCEMENT.RECEIVED_AT, AnnouncementRow::receivedAt)),
          ANNOUNCEMENT.DAEMON);

  /** Inserts solar reports one by one; returns how many were new. */
  int solar(DSLContext tx, List<SolarRow> rows) {
    return SOLAR_INSERT.insert(tx, rows, daemonName);
  }

  /** Inserts announcements one by one; returns how many were new. */
  int announcements(DSLContext tx, List<AnnouncementRow> rows) {
    return ANNOUNCEMENT_INSERT.insert(tx, rows, daemonName);
  }

  /**
   * PostgreSQL refuses NUL in text, which would fail the whole batch. The parser already turns a
   * line holding a NUL into {@code Unparsed(nul)}, so no row from the wire carries one; this stays
   * as the last guard for rows made any other way. Returns its argument when there is none.
   */
  static String text(String s) {
    return s == null || s.indexOf('\u0000') < 0 ? s : s.replace("\u0000", "");
  }
}
