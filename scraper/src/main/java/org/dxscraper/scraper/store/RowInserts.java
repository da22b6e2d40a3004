package org.dxscraper.scraper.store;

import static org.dxscraper.db.jooq.Tables.ANNOUNCEMENT;
import static org.dxscraper.db.jooq.Tables.SOLAR_REPORT;
import static org.dxscraper.db.jooq.Tables.SPOT;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.dxscraper.db.jooq.tables.records.SpotRecord;
import org.dxscraper.scraper.parse.Announcement;
import org.dxscraper.scraper.parse.SolarReport;
import org.dxscraper.scraper.store.PendingRow.AnnouncementRow;
import org.dxscraper.scraper.store.PendingRow.SolarRow;
import org.dxscraper.scraper.store.PendingRow.SpotRow;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.InsertValuesStepN;
import org.jooq.Record4;

/**
 * The SQL of storing: received rows to {@code INSERT ... ON CONFLICT DO NOTHING} statements on the
 * {@code spot}, {@code solar_report} and {@code announcement} tables, column for column. Every
 * insert is idempotent (the tables' identity keys), so a batch may be written again after a failure
 * or a replay without making a second row.
 *
 * <p>Stateless; each method runs in the caller's transaction ({@code tx}) and throws jOOQ's {@code
 * DataAccessException} for the caller's retry policy to judge.
 */
final class RowInserts {

  private static final int ROWS_PER_STATEMENT = 1000;

  private static final List<Field<?>> SPOT_COLUMNS =
      List.of(
          SPOT.SPOTTED_AT,
          SPOT.RECEIVED_AT,
          SPOT.NODE,
          SPOT.SPOTTER,
          SPOT.FREQUENCY_KHZ,
          SPOT.DX_CALL,
          SPOT.COMMENT,
          SPOT.BAND,
          SPOT.MODE,
          SPOT.MODE_SOURCE,
          SPOT.SNR_DB,
          SPOT.SPEED,
          SPOT.SPEED_UNIT,
          SPOT.SPOT_TYPE,
          SPOT.DX_GRID,
          SPOT.SPOTTER_GRID,
          SPOT.DX_ENTITY,
          SPOT.DX_CONTINENT,
          SPOT.DX_CQ_ZONE,
          SPOT.SPOTTER_ENTITY,
          SPOT.SPOTTER_CONTINENT,
          SPOT.SPOTTER_CQ_ZONE,
          SPOT.BACKFILLED);

  private RowInserts() {}

  static List<Record4<String, String, String, Boolean>> spots(DSLContext tx, List<SpotRow> spots) {
    List<Record4<String, String, String, Boolean>> stored = new ArrayList<>();
    for (int from = 0; from < spots.size(); from += ROWS_PER_STATEMENT) {
      InsertValuesStepN<SpotRecord> insert = tx.insertInto(SPOT, SPOT_COLUMNS);
      for (SpotRow s : spots.subList(from, Math.min(spots.size(), from + ROWS_PER_STATEMENT))) {
        insert =
            insert.values(
                utc(s.spottedAt()),
                utc(s.receivedAt()),
                text(s.node()),
                text(s.spotter()),
                BigDecimal.valueOf(s.frequencyHz(), 3),
                text(s.dxCall()),
                text(s.comment()),
                s.band(),
                s.mode(),
                s.modeSource(),
                shortOrNull(s.snrDb()),
                shortOrNull(s.speed()),
                s.speedUnit(),
                s.spotType(),
                s.dxGrid(),
                s.spotterGrid(),
                s.dxEntity(),
                s.dxContinent(),
                shortOrNull(s.dxCqZone()),
                s.spotterEntity(),
                s.spotterContinent(),
                shortOrNull(s.spotterCqZone()),
                s.backfilled());
      }
      // RETURNING gives exactly the rows inserted, so metrics count stored spots by band and
      // mode without guessing which of the batch were duplicates.
      stored.addAll(
          insert
              .onConflictDoNothing()
              .returningResult(SPOT.NODE, SPOT.BAND, SPOT.MODE, SPOT.BACKFILLED)
              .fetch());
    }
    return stored;
  }

  static int solar(DSLContext tx, List<SolarRow> rows) {
    int inserted = 0;
    for (SolarRow row : rows) {
      SolarReport r = row.report();
      inserted +=
          tx.insertInto(SOLAR_REPORT)
              .set(SOLAR_REPORT.KIND, r.bulletin().name())
              .set(SOLAR_REPORT.STATION, r.station())
              .set(SOLAR_REPORT.REPORTED_AT, utc(r.reportedAt()))
              .set(SOLAR_REPORT.HOUR, (short) r.hour())
              .set(SOLAR_REPORT.SFI, shortOrNull(r.sfi()))
              .set(SOLAR_REPORT.A_INDEX, shortOrNull(r.aIndex()))
              .set(SOLAR_REPORT.K_INDEX, shortOrNull(r.kIndex()))
              .set(SOLAR_REPORT.EXPECTED_K, shortOrNull(r.expectedK()))
              .set(SOLAR_REPORT.R, shortOrNull(r.r()))
              .set(SOLAR_REPORT.SSN, shortOrNull(r.ssn()))
              .set(SOLAR_REPORT.SA, r.sa())
              .set(SOLAR_REPORT.GMF, r.gmf())
              .set(SOLAR_REPORT.AURORA, r.aurora())
              .set(SOLAR_REPORT.FORECAST, text(r.forecast()))
              .set(SOLAR_REPORT.NODE, row.node())
              .set(SOLAR_REPORT.RECEIVED_AT, utc(row.receivedAt()))
              .set(SOLAR_REPORT.RAW_TEXT, text(r.rawText()))
              .onConflictDoNothing()
              .execute();
    }
    return inserted;
  }

  static int announcements(DSLContext tx, List<AnnouncementRow> rows) {
    int inserted = 0;
    for (AnnouncementRow row : rows) {
      Announcement a = row.announcement();
      inserted +=
          tx.insertInto(ANNOUNCEMENT)
              .set(ANNOUNCEMENT.SCOPE, a.scope().name())
              .set(ANNOUNCEMENT.SENDER, a.sender())
              .set(ANNOUNCEMENT.TEXT, text(a.text()))
              .set(ANNOUNCEMENT.ANNOUNCED_AT, utc(a.announcedAt()))
              .set(ANNOUNCEMENT.NODE, row.node())
              .set(ANNOUNCEMENT.RECEIVED_AT, utc(row.receivedAt()))
              .onConflictDoNothing()
              .execute();
    }
    return inserted;
  }

  /**
   * PostgreSQL refuses NUL in text, which would fail the whole batch. The parser already turns a
   * line holding a NUL into {@code Unparsed(nul)}, so no row from the wire carries one; this stays
   * as the last guard for rows made any other way. Returns its argument when there is none.
   */
  static String text(String s) {
    return s == null || s.indexOf('\u0000') < 0 ? s : s.replace("\u0000", "");
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private static Short shortOrNull(Integer value) {
    return value == null ? null : value.shortValue();
  }
}
