package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.dxscraper.db.jooq.Tables.ANNOUNCEMENT;
import static org.dxscraper.db.jooq.Tables.SOLAR_REPORT;
import static org.dxscraper.db.jooq.Tables.SPOT;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dxscraper.db.jooq.tables.records.AnnouncementRecord;
import org.dxscraper.db.jooq.tables.records.SolarReportRecord;
import org.dxscraper.db.jooq.tables.records.SpotRecord;
import org.dxscraper.scraper.parse.Announcement;
import org.dxscraper.scraper.parse.SolarReport;
import org.dxscraper.scraper.store.PendingRow.AnnouncementRow;
import org.dxscraper.scraper.store.PendingRow.SolarRow;
import org.dxscraper.scraper.store.PendingRow.SpotRow;
import org.dxscraper.scraper.store.RowInserts.StoredSpot;
import org.dxscraper.scraper.testing.TestPostgres;
import org.dxscraper.scraper.testing.TestPostgres.MigratedDatabase;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The spot insert against a real PostgreSQL: every value as received, and only new rows back. */
class RowInsertsIT {
  private static final Instant SPOTTED = Instant.parse("2026-12-05T18:07:00Z");

  private MigratedDatabase database;
  private DSLContext dsl;
  private final RowInserts inserts = new RowInserts("alpha");

  @BeforeEach
  void open() {
    database = TestPostgres.migratedDatabase();
    dsl = database.database().dsl();
  }

  @AfterEach
  void close() {
    database.close();
  }

  /** A spot with every column set; received at a half microsecond, odd or even by the call. */
  static SpotRow spot(String dxCall, String comment, String band, String modeSource) {
    return new SpotRow(
        SPOTTED,
        SPOTTED.plusNanos(12_345_678_500L + 1000L * (dxCall.hashCode() & 7)),
        "node-\u00e4",
        "DL1ABC-#",
        14_025_300,
        dxCall,
        comment,
        band,
        "CW",
        modeSource,
        -5,
        25,
        "WPM",
        "CQ",
        "JO31",
        "FN42",
        "Fed. Rep. of Germany",
        "EU",
        14,
        "United States",
        "NA",
        5,
        true);
  }

  private static SpotRow sparse(String dxCall) {
    return new SpotRow(
        SPOTTED,
        SPOTTED,
        "n",
        "N1SPOT",
        10_489_540_000L,
        dxCall,
        "",
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        false);
  }

  /** The row as the jOOQ insert stored it: the values the old binding produced, by column. */
  private Map<String, Object> expected(SpotRow s) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("spotted_at", utc(s.spottedAt()));
    row.put("received_at", utc(s.receivedAt()));
    row.put("node", s.node());
    row.put("spotter", s.spotter());
    row.put("frequency_khz", BigDecimal.valueOf(s.frequencyHz(), 3));
    row.put("dx_call", s.dxCall());
    row.put("comment", RowInserts.text(s.comment()));
    row.put("band", s.band());
    row.put("mode", s.mode());
    row.put("mode_source", s.modeSource());
    row.put("snr_db", shortOrNull(s.snrDb()));
    row.put("speed", shortOrNull(s.speed()));
    row.put("speed_unit", s.speedUnit());
    row.put("spot_type", s.spotType());
    row.put("dx_grid", s.dxGrid());
    row.put("spotter_grid", s.spotterGrid());
    row.put("dx_entity", s.dxEntity());
    row.put("dx_continent", s.dxContinent());
    row.put("dx_cq_zone", shortOrNull(s.dxCqZone()));
    row.put("spotter_entity", s.spotterEntity());
    row.put("spotter_continent", s.spotterContinent());
    row.put("spotter_cq_zone", shortOrNull(s.spotterCqZone()));
    row.put("backfilled", s.backfilled());
    row.put("daemon", "alpha");
    return row;
  }

  /** The instant as the jOOQ insert bound it and PostgreSQL rounded it to microseconds. */
  private OffsetDateTime utc(Instant t) {
    return dsl.select(DSL.val(t.atOffset(ZoneOffset.UTC)))
        .fetchSingle()
        .value1()
        .withOffsetSameInstant(ZoneOffset.UTC);
  }

  private static Short shortOrNull(Integer value) {
    return value == null ? null : value.shortValue();
  }

  private Map<String, Object> stored(String dxCall) {
    SpotRecord record = dsl.selectFrom(SPOT).where(SPOT.DX_CALL.eq(dxCall)).fetchSingle();
    Map<String, Object> row = new LinkedHashMap<>(record.intoMap());
    row.remove("id");
    row.computeIfPresent(
        "spotted_at", (k, v) -> ((OffsetDateTime) v).withOffsetSameInstant(ZoneOffset.UTC));
    row.computeIfPresent(
        "received_at", (k, v) -> ((OffsetDateTime) v).withOffsetSameInstant(ZoneOffset.UTC));
    return row;
  }

  @Test
  void storesEveryValueAsReceived() {
    List<SpotRow> rows =
        List.of(
            spot(
                "K1ABC",
                "a \"quoted\" \\ back, {braced} \u00fc \uD83D\uDE00 tab\there",
                "20m",
                null),
            spot("K2ABC", "NULL", "20m", "stated"),
            spot("K3ABC", "nul\u0000inside", "20m", "inferred"),
            sparse("K4ABC"));

    List<StoredSpot> stored = inserts.spots(dsl, rows);

    assertThat(stored)
        .containsExactlyInAnyOrder(
            new StoredSpot("node-\u00e4", "20m", "CW", true),
            new StoredSpot("node-\u00e4", "20m", "CW", true),
            new StoredSpot("node-\u00e4", "20m", "CW", true),
            new StoredSpot("n", null, null, false));
    for (SpotRow row : rows) {
      assertThat(stored(row.dxCall())).as(row.dxCall()).isEqualTo(expected(row));
    }
    assertThat(stored("K3ABC")).containsEntry("comment", "nulinside");
  }

  @Test
  void copyStoresEveryValueAsTheInsertDoes() {
    List<SpotRow> rows =
        List.of(
            spot(
                "K1ABC",
                "a \"quoted\" \\ back, {braced} \u00fc \uD83D\uDE00 tab\there",
                "20m",
                null),
            spot("K2ABC", "NULL", "20m", "stated"),
            spot("K3ABC", "nul\u0000inside", "20m", "inferred"),
            spot("K5ABC", "\\N line\nfeed\r\n lone \uD83D surrogate \\t", "20m", null),
            spot("K6ABC", "\\", "20m", null),
            sparse("K4ABC"));

    List<StoredSpot> stored = inserts.copySpots(dsl, rows);

    assertThat(stored)
        .containsExactly(
            new StoredSpot("node-\u00e4", "20m", "CW", true),
            new StoredSpot("node-\u00e4", "20m", "CW", true),
            new StoredSpot("node-\u00e4", "20m", "CW", true),
            new StoredSpot("node-\u00e4", "20m", "CW", true),
            new StoredSpot("node-\u00e4", "20m", "CW", true),
            new StoredSpot("n", null, null, false));
    for (SpotRow row : rows) {
      if (!row.dxCall().equals("K5ABC")) { // a lone surrogate: '?' by either path, below
        assertThat(stored(row.dxCall())).as(row.dxCall()).isEqualTo(expected(row));
      }
    }
    assertThat(stored("K5ABC")).containsEntry("comment", "\\N line\nfeed\r\n lone ? surrogate \\t");
    // The same spots by the insert, under other calls: the rows must not differ but for the call.
    List<SpotRow> again =
        rows.stream()
            .map(row -> variant(row, row.dxCall().replace("ABC", "XYZ"), row.backfilled()))
            .toList();
    inserts.spots(dsl, again);
    for (SpotRow row : again) {
      Map<String, Object> byInsert = stored(row.dxCall());
      Map<String, Object> byCopy = stored(row.dxCall().replace("XYZ", "ABC"));
      byInsert.remove("dx_call");
      byCopy.remove("dx_call");
      assertThat(byCopy).as(row.dxCall()).isEqualTo(byInsert);
    }
  }

  @Test
  void aCopyMeetingAStoredSpotFailsWholeAsADuplicate() {
    inserts.spots(dsl, List.of(sparse("K1ABC")));

    DataAccessException e =
        catchThrowableOfType(
            DataAccessException.class,
            () ->
                dsl.transaction(
                    tx -> inserts.copySpots(tx.dsl(), List.of(sparse("K2ABC"), sparse("K1ABC")))));

    assertThat(RowInserts.isDuplicate(e)).as(e.getMessage()).isTrue();
    assertThat(dsl.fetchCount(SPOT)).isEqualTo(1);
  }

  /** {@code s} with another DX call and {@code backfilled}: the test's variations of a spot. */
  static SpotRow variant(SpotRow s, String dxCall, boolean backfilled) {
    return variant(s, s.spottedAt(), dxCall, backfilled);
  }

  /** {@code s} with another time, DX call and {@code backfilled}. */
  static SpotRow variant(SpotRow s, Instant spottedAt, String dxCall, boolean backfilled) {
    return new SpotRow(
        spottedAt,
        s.receivedAt(),
        s.node(),
        s.spotter(),
        s.frequencyHz(),
        dxCall,
        s.comment(),
        s.band(),
        s.mode(),
        s.modeSource(),
        s.snrDb(),
        s.speed(),
        s.speedUnit(),
        s.spotType(),
        s.dxGrid(),
        s.spotterGrid(),
        s.dxEntity(),
        s.dxContinent(),
        s.dxCqZone(),
        s.spotterEntity(),
        s.spotterContinent(),
        s.spotterCqZone(),
        backfilled);
  }

  @Test
  void returnsOnlyTheRowsItInserted() {
    inserts.spots(dsl, List.of(sparse("K1ABC"), sparse("K2ABC")));

    List<StoredSpot> second =
        inserts.spots(dsl, List.of(sparse("K1ABC"), sparse("K2ABC"), sparse("K3ABC")));

    assertThat(second).containsExactly(new StoredSpot("n", null, null, false));
    assertThat(dsl.fetchCount(SPOT)).isEqualTo(3);
  }

  @Test
  void aBatchLargerThanOneStatementIsStoredWhole() {
    List<SpotRow> rows =
        java.util.stream.IntStream.range(0, 2500).mapToObj(i -> sparse("K" + i + "XY")).toList();

    assertThat(inserts.spots(dsl, rows)).hasSize(2500);
    assertThat(dsl.fetchCount(SPOT)).isEqualTo(2500);
  }

  @Test
  void aValueTheSchemaRefusesFailsAsDataNotCutOrCoerced() {
    DataAccessException tooLong =
        catchThrowableOfType(
            DataAccessException.class,
            () -> inserts.spots(dsl, List.of(spot("K1ABC", "", "toolongband", null))));
    DataAccessException unknown =
        catchThrowableOfType(
            DataAccessException.class,
            () -> inserts.spots(dsl, List.of(spot("K1ABC", "", "20m", "guessed"))));

    // 22001: string data right truncation; 23514: check violation. Both make the writer go row
    // by row (BatchStore), where only the row that carries the value is skipped.
    assertThat(tooLong.sqlState()).isEqualTo("22001");
    assertThat(unknown.sqlState()).isEqualTo("23514");
    assertThat(dsl.fetchCount(SPOT)).isZero();
  }

  @Test
  void storesSolarReportsAndAnnouncementsAsTheJooqInsertDidAndEachOnce() {
    Instant received = SPOTTED.plusNanos(9_876_543_500L);
    SolarReport wwv =
        wwvReport(
            SPOTTED.truncatedTo(ChronoUnit.HOURS),
            "WWV de VE7CC <18>:   SFI=70, A=12, K=3, No Storms -> No Storms\u0000");
    Announcement all =
        new Announcement(
            Announcement.Scope.ALL, "EA8XX-9", "contest \"tomorrow\" \u00fc", SPOTTED, false);
    List<SolarRow> solar = List.of(new SolarRow("node-a", received, wwv));
    List<AnnouncementRow> announcements = List.of(new AnnouncementRow("node-a", received, all));

    assertThat(inserts.solar(dsl, solar)).isEqualTo(1);
    assertThat(inserts.announcements(dsl, announcements)).isEqualTo(1);
    assertThat(inserts.solar(dsl, solar)).isZero();
    assertThat(inserts.announcements(dsl, announcements)).isZero();

    SolarReportRecord report = dsl.selectFrom(SOLAR_REPORT).fetchSingle();
    assertThat(report.getKind()).isEqualTo("WWV");
    assertThat(report.getStation()).isEqualTo("VE7CC");
    assertThat(report.getReportedAt()).isAtSameInstantAs(utc(wwv.reportedAt()));
    assertThat(report.getHour()).isEqualTo((short) 18);
    assertThat(report.getSfi()).isEqualTo((short) 70);
    assertThat(report.getAIndex()).isEqualTo((short) 12);
    assertThat(report.getKIndex()).isEqualTo((short) 3);
    assertThat(report.getExpectedK()).isNull();
    assertThat(report.getSa()).isNull();
    assertThat(report.getForecast()).isEqualTo("No Storms -> No Storms");
    assertThat(report.getNode()).isEqualTo("node-a");
    assertThat(report.getReceivedAt()).isAtSameInstantAs(utc(received));
    assertThat(report.getRawText())
        .isEqualTo(RowInserts.text(wwv.rawText()))
        .doesNotContain("\u0000");
    AnnouncementRecord stored = dsl.selectFrom(ANNOUNCEMENT).fetchSingle();
    assertThat(stored.getScope()).isEqualTo("ALL");
    assertThat(stored.getSender()).isEqualTo("EA8XX-9");
    assertThat(stored.getText()).isEqualTo("contest \"tomorrow\" \u00fc");
    assertThat(stored.getAnnouncedAt()).isAtSameInstantAs(utc(SPOTTED));
    assertThat(stored.getNode()).isEqualTo("node-a");
    assertThat(stored.getReceivedAt()).isAtSameInstantAs(utc(received));
  }

  @Test
  void severalReportsGoInOneStatementBatchAndARefusedOneFailsAsTheDriverSaidIt() {
    Instant hour = SPOTTED.truncatedTo(ChronoUnit.HOURS);
    SolarRow first = wwv(hour.minus(2, ChronoUnit.HOURS));
    SolarRow second = wwv(hour.minus(1, ChronoUnit.HOURS));
    SolarRow third = wwv(hour);
    assertThat(inserts.solar(dsl, List.of(first))).isEqualTo(1);

    assertThat(inserts.solar(dsl, List.of(first, second, third))).isEqualTo(2);
    assertThat(dsl.fetchCount(SOLAR_REPORT)).isEqualTo(3);

    // A report far beyond the partitions made ahead: through the driver's batch exception the
    // writer must still see the server's own error (it creates the partition and goes again).
    SolarRow later = wwv(Instant.now().plus(400, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS));
    DataAccessException refused =
        catchThrowableOfType(
            DataAccessException.class,
            () -> inserts.solar(dsl, List.of(wwv(hour.plus(1, ChronoUnit.HOURS)), later)));
    assertThat(refused.sqlState()).isEqualTo("23514");
    assertThat(Partitions.isMissingPartition(refused)).isTrue();
    // What the log and /health say: the server's words, not the statement and its values.
    assertThat(BatchStore.describe(refused))
        .contains("no partition", "23514")
        .doesNotContainIgnoringCase("insert into");
  }

  private static SolarRow wwv(Instant reportedAt) {
    int hour = reportedAt.atZone(ZoneOffset.UTC).getHour();
    return new SolarRow(
        "node-a",
        reportedAt.plusSeconds(30),
        wwvReport(
            reportedAt,
            "WWV de VE7CC <" + hour + ">:   SFI=70, A=12, K=3, No Storms -> No Storms"));
  }

  /** A WWV bulletin of VE7CC for the hour of {@code reportedAt}, as {@code rawText} says. */
  private static SolarReport wwvReport(Instant reportedAt, String rawText) {
    return new SolarReport(
        SolarReport.Kind.WWV,
        "VE7CC",
        reportedAt.atZone(ZoneOffset.UTC).getHour(),
        reportedAt,
        70,
        12,
        3,
        null,
        null,
        null,
        null,
        null,
        null,
        "No Storms -> No Storms",
        rawText);
  }
}
