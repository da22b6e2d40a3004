package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dxscraper.db.jooq.Tables.ANNOUNCEMENT;
import static org.dxscraper.db.jooq.Tables.SOLAR_REPORT;
import static org.dxscraper.db.jooq.Tables.SPOT;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.dxscraper.db.jooq.tables.records.SpotRecord;
import org.dxscraper.scraper.testing.TestPostgres;
import org.dxscraper.scraper.testing.TestPostgres.TestDatabase;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Flyway scripts on a real PostgreSQL, and the jOOQ classes generated from them. */
class SchemaIT {
  private static final OffsetDateTime SPOTTED =
      OffsetDateTime.of(2026, 11, 24, 1, 13, 0, 0, ZoneOffset.UTC);

  private TestDatabase testDatabase;
  private Database database;
  private DSLContext dsl;

  @BeforeEach
  void openEmptyDatabase() {
    testDatabase = TestPostgres.createDatabase();
    database = Database.open(testDatabase.config());
    dsl = database.dsl();
  }

  @AfterEach
  void dropDatabase() {
    database.close();
    testDatabase.close();
  }

  @Test
  void migratesFromEmptyAndChangesNothingTheSecondTime() throws SQLException {
    Migrations.Result first = Migrations.migrate(database.dataSource());
    List<String> schemaAfterFirst = schema();

    Migrations.Result second = Migrations.migrate(database.dataSource());

    assertThat(first.fromVersion()).isNull();
    assertThat(first.applied()).isEqualTo(12);
    assertThat(first.toVersion()).isEqualTo("12");
    assertThat(second.applied()).isZero();
    assertThat(second.toVersion()).isEqualTo("12");
    assertThat(second.summary()).isEqualTo("schema is up to date at version 12");
    assertThat(schema()).isEqualTo(schemaAfterFirst).contains("spot.frequency_khz numeric");
  }

  @Test
  void spotWrittenThroughJooqReadsBackEqual() {
    Migrations.migrate(database.dataSource());
    SpotRecord written = fullSpot();

    dsl.insertInto(SPOT).set(written).execute();
    SpotRecord read = dsl.selectFrom(SPOT).fetchSingle();

    written.setId(read.getId());
    // numeric(12, 3) gives the value back with three decimals: equal, not identical, BigDecimals.
    written.setFrequencyKhz(written.getFrequencyKhz().setScale(3));
    assertThat(read.intoMap()).isEqualTo(written.intoMap());
  }

  @Test
  void keepsFrequenciesExactFromQo100ToRbnHundredths() {
    Migrations.migrate(database.dataSource());
    insert(spot("N1SPOT", "QO100", "10489540.0", SPOTTED));
    insert(spot("LZ3CB-#", "RW1M", "7018.25", SPOTTED));

    assertThat(
            dsl.select(SPOT.FREQUENCY_KHZ)
                .from(SPOT)
                .orderBy(SPOT.FREQUENCY_KHZ)
                .fetch(SPOT.FREQUENCY_KHZ))
        .containsExactly(new BigDecimal("7018.250"), new BigDecimal("10489540.000"));
  }

  @Test
  void sameSpotWrittenTwiceIsOneRow() {
    Migrations.migrate(database.dataSource());

    int first = insert(spot("KM3T-2-#", "CS3B", "14100.0", SPOTTED));
    int again = insert(spot("KM3T-2-#", "CS3B", "14100.0", SPOTTED));
    // RBN prints 7018.30 where DXSpider relays 7018.3: the same spot.
    int relayed = insert(spot("KM3T-2-#", "CS3B", "14100.00", SPOTTED));

    assertThat(first).isEqualTo(1);
    assertThat(again).isZero();
    assertThat(relayed).isZero();
    assertThat(dsl.fetchCount(SPOT)).isEqualTo(1);
  }

  @Test
  void spotsThatDifferInMinuteFrequencyOrSpotterAreSeparateRows() {
    Migrations.migrate(database.dataSource());

    insert(spot("KM3T-2-#", "CS3B", "14100.0", SPOTTED));
    insert(spot("KM3T-2-#", "CS3B", "14100.0", SPOTTED.plusMinutes(1)));
    insert(spot("KM3T-2-#", "CS3B", "14100.1", SPOTTED));
    insert(spot("W1NT-6-#", "CS3B", "14100.0", SPOTTED));

    assertThat(dsl.fetchCount(SPOT)).isEqualTo(4);
  }

  @Test
  void commentThatLooksLikeSqlIsStoredVerbatim() {
    Migrations.migrate(database.dataSource());
    String hostile = "'); DROP TABLE spot;-- \u00e4\u00f6\u00fc <> \\ \"";
    SpotRecord spot = spot("N1SPOT", "K1ABC", "14025.0", SPOTTED);
    spot.setComment(hostile);

    insert(spot);

    assertThat(dsl.select(SPOT.COMMENT).from(SPOT).fetchSingle(SPOT.COMMENT)).isEqualTo(hostile);
  }

  @Test
  void legacyViewsKeepTheOldScrapersColumnNames() throws SQLException {
    Migrations.migrate(database.dataSource());
    SpotRecord spot = fullSpot();
    insert(spot);
    dsl.insertInto(SOLAR_REPORT)
        .set(SOLAR_REPORT.KIND, "WWV")
        .set(SOLAR_REPORT.STATION, "VE7CC")
        .set(SOLAR_REPORT.REPORTED_AT, SPOTTED.withMinute(0))
        .set(SOLAR_REPORT.HOUR, (short) 1)
        .set(SOLAR_REPORT.SFI, (short) 155)
        .set(SOLAR_REPORT.A_INDEX, (short) 8)
        .set(SOLAR_REPORT.K_INDEX, (short) 3)
        .set(SOLAR_REPORT.FORECAST, "No Storms -> No Storms")
        .set(SOLAR_REPORT.NODE, "test")
        .set(SOLAR_REPORT.RECEIVED_AT, SPOTTED)
        .set(SOLAR_REPORT.RAW_TEXT, "WWV de VE7CC <1>:   SFI=155, A=8, K=3, No Storms -> No Storms")
        .execute();

    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("select * from dx_spots order by timestamp desc limit 5")) {
        assertThat(columns(rs))
            .containsExactly(
                "id",
                "timestamp",
                "dx_call",
                "frequency",
                "spotter_call",
                "comment",
                "mode",
                "band",
                "dx_grid",
                "spotter_grid",
                "signal_report");
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("dx_call")).isEqualTo("CS3B");
        assertThat(rs.getBigDecimal("frequency")).isEqualByComparingTo("14100.0");
        assertThat(rs.getString("spotter_call")).isEqualTo("KM3T-2-#");
        assertThat(rs.getInt("signal_report")).isEqualTo(24);
      }
      try (ResultSet rs = s.executeQuery("select * from wwv_announcements")) {
        assertThat(columns(rs))
            .containsExactly(
                "timestamp", "solar_flux", "a_index", "k_index", "sunspot_number", "raw_text");
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt("solar_flux")).isEqualTo(155);
        assertThat(rs.getInt("k_index")).isEqualTo(3);
      }
    }
  }

  @Test
  void readOnlyRoleCanReadButNotInsert() throws SQLException {
    Migrations.migrate(database.dataSource());
    insert(fullSpot());

    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("set role dx_scraper_reader");
      try (ResultSet rs = s.executeQuery("select count(*) from dx_spots")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
      assertThatThrownBy(
              () ->
                  s.execute(
                      "insert into spot (spotted_at, received_at, node, spotter, frequency_khz,"
                          + " dx_call) values (now(), now(), 'n', 'N1SPOT', 14025, 'K1ABC')"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("permission denied");
      s.execute("reset role");
    }
  }

  @Test
  void writerRoleCanInsertButNotDeleteOrChangeTheSchema() throws SQLException {
    Migrations.migrate(database.dataSource());

    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("set role dx_scraper_writer");
      s.execute(
          "insert into spot (spotted_at, received_at, node, spotter, frequency_khz, dx_call)"
              + " values (now(), now(), 'n', 'N1SPOT', 14025, 'K1ABC')");
      s.execute(
          "insert into announcement (scope, sender, text, announced_at, node, received_at)"
              + " values ('ALL', 'N1SPOT', 'hello', now(), 'n', now())");
      assertThatThrownBy(() -> s.execute("delete from spot"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> s.execute("create table intruder (x int)"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("permission denied");
      // What `run` needs to check the schema at start as this role (the compose stack does).
      try (var history = s.executeQuery("select max(version) from flyway_schema_history")) {
        assertThat(history.next()).isTrue();
      }
      s.execute("reset role");
    }
    assertThat(dsl.fetchCount(SPOT)).isEqualTo(1);
    assertThat(dsl.fetchCount(ANNOUNCEMENT)).isEqualTo(1);
  }

  @Test
  void sameAnnouncementFromTwoNodesIsOneRow() {
    Migrations.migrate(database.dataSource());
    for (String node : List.of("node-a", "node-b")) {
      dsl.insertInto(ANNOUNCEMENT)
          .set(ANNOUNCEMENT.SCOPE, "ALL")
          .set(ANNOUNCEMENT.SENDER, "EA8CEN-9")
          .set(ANNOUNCEMENT.TEXT, "carnaval")
          .set(ANNOUNCEMENT.ANNOUNCED_AT, SPOTTED)
          .set(ANNOUNCEMENT.NODE, node)
          .set(ANNOUNCEMENT.RECEIVED_AT, SPOTTED.plusSeconds(3))
          .onConflictDoNothing()
          .execute();
    }

    assertThat(dsl.fetchCount(ANNOUNCEMENT)).isEqualTo(1);
  }

  private int insert(SpotRecord spot) {
    return dsl.insertInto(SPOT).set(spot).onConflictDoNothing().execute();
  }

  private SpotRecord spot(String spotter, String dxCall, String kHz, OffsetDateTime spottedAt) {
    SpotRecord spot = new SpotRecord();
    spot.setSpottedAt(spottedAt);
    spot.setReceivedAt(spottedAt.plusSeconds(7));
    spot.setNode("test-node");
    spot.setSpotter(spotter);
    spot.setFrequencyKhz(new BigDecimal(kHz));
    spot.setDxCall(dxCall);
    spot.setComment("");
    return spot;
  }

  private SpotRecord fullSpot() {
    SpotRecord spot = spot("KM3T-2-#", "CS3B", "14100.0", SPOTTED);
    spot.setComment("CW 24 dB 22 WPM NCDXF B");
    spot.setBand("20m");
    spot.setMode("CW");
    spot.setModeSource("stated");
    spot.setSnrDb((short) 24);
    spot.setSpeed((short) 22);
    spot.setSpeedUnit("WPM");
    spot.setSpotType("NCDXF");
    spot.setDxGrid("IM12");
    spot.setSpotterGrid("FN20");
    spot.setDxEntity("Madeira Islands");
    spot.setDxContinent("AF");
    spot.setDxCqZone((short) 33);
    spot.setSpotterEntity("United States");
    spot.setSpotterContinent("NA");
    spot.setSpotterCqZone((short) 5);
    spot.setBackfilled(false);
    return spot;
  }

  private static List<String> columns(ResultSet rs) throws SQLException {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
      names.add(rs.getMetaData().getColumnName(i));
    }
    return names;
  }

  /** Tables, columns, types and indexes of the public schema, in a stable order. */
  private List<String> schema() throws SQLException {
    List<String> lines = new ArrayList<>();
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "select table_name || '.' || column_name || ' ' || data_type from"
                  + " information_schema.columns where table_schema = 'public' order by 1")) {
        while (rs.next()) {
          lines.add(rs.getString(1));
        }
      }
      try (ResultSet rs =
          s.executeQuery(
              "select indexdef from pg_indexes where schemaname = 'public' order by 1")) {
        while (rs.next()) {
          lines.add(rs.getString(1));
        }
      }
    }
    return lines;
  }
}
