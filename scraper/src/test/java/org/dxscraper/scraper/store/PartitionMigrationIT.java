package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.dxscraper.scraper.testing.TestPostgres;
import org.dxscraper.scraper.testing.TestPostgres.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * V10 (#12) on a version-9 database that holds rows: the old tables become the first partitions of
 * partitioned ones without a row or an id changing. The populated database is migrated once for the
 * class; every test that writes does it in a transaction it rolls back, so each test sees the
 * database exactly as the migration left it.
 */
// A migration that waits on a lock forever (flyway#3508) fails the class instead of hanging the
// build: only a separate thread escapes a JDBC call blocked in a socket read, and JUnit takes the
// thread mode from the class, also for @BeforeAll.
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = ThreadMode.SEPARATE_THREAD)
@TestInstance(Lifecycle.PER_CLASS)
class PartitionMigrationIT {
  private static final List<String> TABLES = List.of("spot", "solar_report", "announcement");
  private static final List<String> VIEWS = List.of("dx_spots", "wwv_announcements");
  private static final int SPOTS = 50_000;

  private TestDatabase testDatabase;
  private Database database;
  private Migrations.Result migration;

  /** Each table's columns at version 9, the ones the checksums cover before and after. */
  private final Map<String, String> version9Columns = new HashMap<>();

  private final Map<String, Snapshot> before = new HashMap<>();
  private final Map<String, Snapshot> after = new HashMap<>();
  private final Map<String, Long> oldSequenceLastValue = new HashMap<>();
  private final Map<String, Long> oldMaxId = new HashMap<>();
  private long oldSpotTableOid;
  private List<Long> newestFiftyBefore;

  /** What must survive the conversion: row count, ids, and every row's text. */
  record Snapshot(long rows, long idSum, long minId, long maxId, String checksum) {}

  @BeforeAll
  @Timeout(value = 2, unit = TimeUnit.MINUTES)
  void migratePopulatedVersion9Database() throws SQLException {
    testDatabase = TestPostgres.createDatabase();
    database = Database.open(testDatabase.config());
    migrateToVersion9(database.dataSource());
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      fill(c, s);
      for (String table : TABLES) {
        version9Columns.put(table, columns(s, table));
        before.put(table, snapshot(s, table, version9Columns.get(table)));
        oldSequenceLastValue.put(
            table,
            queryLong(
                s,
                "select last_value from "
                    + queryString(s, "select pg_get_serial_sequence('" + table + "', 'id')")));
        oldMaxId.put(table, queryLong(s, "select max(id) from " + table));
      }
      for (String view : VIEWS) {
        version9Columns.put(view, columns(s, view));
        before.put(view, snapshot(s, view, version9Columns.get(view)));
      }
      oldSpotTableOid = queryLong(s, "select 'spot'::regclass::oid");
      newestFiftyBefore = newestFifty(s);
    }

    migration = Migrations.migrate(database.dataSource());

    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      for (Map.Entry<String, String> relation : version9Columns.entrySet()) {
        after.put(relation.getKey(), snapshot(s, relation.getKey(), relation.getValue()));
      }
    }
  }

  @AfterAll
  void dropDatabase() {
    if (database != null) {
      database.close();
    }
    if (testDatabase != null) {
      testDatabase.close();
    }
  }

  @Test
  void fillHasIdGapsAndSequencesAheadOfTheLargestId() {
    for (String table : TABLES) {
      Snapshot rows = before.get(table);
      assertThat(rows.maxId() - rows.minId() + 1).as(table).isGreaterThan(rows.rows());
      assertThat(oldSequenceLastValue.get(table)).as(table).isGreaterThan(oldMaxId.get(table));
    }
    assertThat(before.get("spot").rows()).isGreaterThan(SPOTS - 100);
  }

  @Test
  void migratesFromVersion9ToTheLatestScript() {
    assertThat(migration.fromVersion()).isEqualTo("9");
    assertThat(migration.applied()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void keepsEveryRowWithItsIdInAllThreeTables() {
    for (String table : TABLES) {
      assertThat(after.get(table)).as(table).isEqualTo(before.get(table));
    }
  }

  @Test
  void legacyViewsShowTheSameRowsAsBefore() {
    for (String view : VIEWS) {
      assertThat(after.get(view)).as(view).isEqualTo(before.get(view));
    }
    assertThat(before.get("dx_spots").rows()).isEqualTo(before.get("spot").rows());
    assertThat(before.get("wwv_announcements").rows()).isPositive();
  }

  @Test
  void oldTablesAreAttachedAsTheFirstPartitionsNotCopied() throws SQLException {
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      for (String table : TABLES) {
        assertThat(
                queryLong(
                    s,
                    "select count(*) from pg_partitioned_table where partrelid = '"
                        + table
                        + "'::regclass"))
            .as(table + " partitioned")
            .isEqualTo(1);
        assertThat(
                queryString(
                    s,
                    "select pg_get_expr(c.relpartbound, c.oid) from pg_inherits i join pg_class c"
                        + " on c.oid = i.inhrelid where i.inhparent = '"
                        + table
                        + "'::regclass and c.relname = '"
                        + table
                        + "_legacy'"))
            .as(table + "_legacy's bound")
            .startsWith("FOR VALUES FROM (MINVALUE) TO (");
      }
      // The same table, not a copy of it.
      assertThat(queryLong(s, "select 'spot_legacy'::regclass::oid")).isEqualTo(oldSpotTableOid);
      // Four indexes, each attached to the partitioned table's: V10 adopted the old table's
      // primary key and band index (one more built by ATTACH PARTITION would be built under an
      // exclusive lock), and V12 built the key led by the call and the time index on it.
      assertThat(
              queryLong(
                  s,
                  "select count(*) from pg_index x join pg_inherits i on i.inhrelid = x.indexrelid"
                      + " where x.indrelid = 'spot_legacy'::regclass"))
          .isEqualTo(4);
      assertThat(
              queryLong(
                  s, "select count(*) from pg_index where indrelid = 'spot_legacy'::regclass"))
          .isEqualTo(4);
    }
  }

  @Test
  void partitionsAfterTheOldTableHoldSpotsOfTheWeeksAhead() throws SQLException {
    try (Connection c = database.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        assertThat(insertSpotAt(s, "now()", "K1NOW")).isEqualTo("spot_legacy");
        String threeWeeksAhead = insertSpotAt(s, "now() + interval '20 days'", "K1AHEAD");
        assertThat(threeWeeksAhead).startsWith("spot_").isNotEqualTo("spot_legacy");
        assertThat(
                queryString(
                    s,
                    "select pg_get_expr(relpartbound, oid) from pg_class where relname = '"
                        + threeWeeksAhead
                        + "'"))
            .matches("FOR VALUES FROM \\('.+'\\) TO \\('.+'\\)");
      } finally {
        c.rollback();
      }
    }
  }

  @Test
  void newRowsGetIdsAfterTheOldSequence() throws SQLException {
    try (Connection c = database.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        long spotId =
            queryLong(
                s,
                "insert into spot (spotted_at, received_at, node, spotter, frequency_khz, dx_call)"
                    + " values (now(), now(), 'test', 'N1NEW', 14025.0, 'K1NEW') returning id");
        long reportId =
            queryLong(
                s,
                "insert into solar_report (kind, station, reported_at, hour, node, received_at,"
                    + " raw_text) values ('WCY', 'DK0WCY', date_trunc('hour', now()), 0, 'test',"
                    + " now(), 'new') returning id");
        long announcementId =
            queryLong(
                s,
                "insert into announcement (scope, sender, text, announced_at, node, received_at)"
                    + " values ('ALL', 'N1NEW', 'new', now(), 'test', now()) returning id");

        assertThat(spotId).isGreaterThan(oldSequenceLastValue.get("spot"));
        assertThat(reportId).isGreaterThan(oldSequenceLastValue.get("solar_report"));
        assertThat(announcementId).isGreaterThan(oldSequenceLastValue.get("announcement"));
      } finally {
        c.rollback();
      }
    }
  }

  @Test
  void sameSpotAgainIsANoOp() throws SQLException {
    try (Connection c = database.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        // An old spot relayed again: same minute, calls and frequency to 0.1 kHz (7018.32 and
        // 7018.3 are one spot), another node and comment, into the partitioned table.
        int inserted =
            s.executeUpdate(
                "insert into spot (spotted_at, received_at, node, spotter, frequency_khz, dx_call,"
                    + " comment) select spotted_at, now(), 'other-node', spotter, frequency_khz +"
                    + " 0.02, dx_call, 'relayed' from spot where id = "
                    + before.get("spot").minId()
                    + " on conflict do nothing");
        assertThat(inserted).isZero();
        int again =
            s.executeUpdate(
                "insert into announcement (scope, sender, text, announced_at, node, received_at)"
                    + " select scope, sender, text, announced_at, 'other-node', now() from"
                    + " announcement where id = "
                    + before.get("announcement").maxId()
                    + " on conflict do nothing");
        assertThat(again).isZero();
      } finally {
        c.rollback();
      }
    }
  }

  @Test
  void sameSpotTwiceInANewPartitionIsOneRow() throws SQLException {
    String insert =
        "insert into spot (spotted_at, received_at, node, spotter, frequency_khz, dx_call)"
            + " values (date_trunc('minute', now() + interval '20 days'), now(), '%s', 'N1TWICE',"
            + " %s, 'K1TWICE') on conflict do nothing";
    try (Connection c = database.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        int first = s.executeUpdate(insert.formatted("node-a", "7018.3"));
        // A partition made after the conversion has the identity index only if the partitioned
        // table has it: the old table's own index does not help here.
        int relayed = s.executeUpdate(insert.formatted("node-b", "7018.32"));

        assertThat(first).isEqualTo(1);
        assertThat(relayed).isZero();
      } finally {
        c.rollback();
      }
    }
  }

  @Test
  void legacyViewsReadTheNewTables() throws SQLException {
    try (Connection c = database.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        insertSpotAt(s, "now() + interval '20 days'", "K1VIEW");
        s.executeUpdate(
            "insert into solar_report (kind, station, reported_at, hour, sfi, node, received_at,"
                + " raw_text) values ('WWV', 'VE7CC', date_trunc('hour', now() + interval '70"
                + " days'), 1, 321, 'test', now(), 'view')");

        assertThat(queryLong(s, "select count(*) from dx_spots where dx_call = 'K1VIEW'"))
            .isEqualTo(1);
        assertThat(queryLong(s, "select count(*) from wwv_announcements where solar_flux = 321"))
            .isEqualTo(1);
      } finally {
        c.rollback();
      }
    }
  }

  @Test
  void rolesKeepTheirGrantsAndOnlyTheWriterKeepsPartitions() throws SQLException {
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      assumeTrue(
          queryLong(s, "select count(*) from pg_roles where rolname = 'dx_scraper_reader'") == 1,
          "V4 created no roles: the migrating user may not create them");
      for (String relation : List.of("spot", "solar_report", "announcement", "dx_spots")) {
        assertThat(
                queryString(
                    s,
                    "select has_table_privilege('dx_scraper_reader', '"
                        + relation
                        + "', 'SELECT')::text"))
            .as(relation)
            .isEqualTo("true");
      }
      assertThat(
              queryString(
                  s,
                  "select has_function_privilege('dx_scraper_reader',"
                      + " 'dx_scraper_drop_partitions(text, timestamptz, interval)', 'EXECUTE')::text"))
          .isEqualTo("false");
      assertThat(
              queryString(
                  s, "select has_table_privilege('dx_scraper_writer', 'spot', 'INSERT')::text"))
          .isEqualTo("true");
      assertThat(
              queryString(
                  s,
                  "select has_function_privilege('dx_scraper_writer',"
                      + " 'dx_scraper_create_partitions(text, timestamptz[])', 'EXECUTE')::text"))
          .isEqualTo("true");
    }
  }

  @Test
  void latestFiftyAreStillTheNewest() throws SQLException {
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement()) {
      assertThat(newestFifty(s)).hasSize(50).isEqualTo(newestFiftyBefore);
    }
  }

  @Test
  void lastHourWithConstantBoundsScansOnlyThatHoursPartition() throws Exception {
    try (Connection c = database.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        OffsetDateTime hourStart;
        try (ResultSet rs =
            s.executeQuery("select date_trunc('hour', now() + interval '20 days', 'UTC')")) {
          rs.next();
          hourStart = rs.getObject(1, OffsetDateTime.class);
        }
        String from = "'" + hourStart + "'";
        String to = "'" + hourStart.plusHours(1) + "'";
        String partition =
            queryString(
                s,
                "insert into spot (spotted_at, received_at, node, spotter, frequency_khz, dx_call)"
                    + " select "
                    + from
                    + "::timestamptz + g * interval '1 minute', now(), 'test', 'N1HOUR', 14025.0,"
                    + " 'K' || g || 'H' from generate_series(0, 59) g returning"
                    + " tableoid::regclass::text");

        // What Grafana's $__timeFilter(spotted_at) sends for the last hour.
        Set<String> scanned =
            relationsScanned(
                s,
                "select band, count(*) from spot where spotted_at between "
                    + from
                    + " and "
                    + to
                    + " group by band");

        assertThat(partition).isNotEqualTo("spot_legacy");
        assertThat(scanned).containsExactly(partition);
        assertThat(
                queryLong(
                    s,
                    "select count(*) from dx_spots where \"timestamp\" between "
                        + from
                        + " and "
                        + to))
            .isEqualTo(60);
      } finally {
        c.rollback();
      }
    }
  }

  @Test
  void emptyVersion9DatabaseBecomesWritablePartitionedTables() throws SQLException {
    try (TestDatabase empty = TestPostgres.createDatabase();
        Database emptyDatabase = Database.open(empty.config())) {
      DataSource dataSource = emptyDatabase.dataSource();
      migrateToVersion9(dataSource);

      Migrations.Result result = Migrations.migrate(dataSource);

      assertThat(result.fromVersion()).isEqualTo("9");
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        assertThat(
                queryLong(
                    s,
                    "select count(*) from pg_partitioned_table where partrelid in"
                        + " ('spot'::regclass, 'solar_report'::regclass,"
                        + " 'announcement'::regclass)"))
            .isEqualTo(3);
        assertThat(insertSpotAt(s, "now()", "K1NOW")).isEqualTo("spot_legacy");
        assertThat(insertSpotAt(s, "now() + interval '20 days'", "K1AHEAD"))
            .isNotEqualTo("spot_legacy");
        s.executeUpdate(
            "insert into solar_report (kind, station, reported_at, hour, sfi, node, received_at,"
                + " raw_text) values ('WWV', 'VE7CC', date_trunc('hour', now()), 1, 150, 'test',"
                + " now(), 'empty')");
        s.executeUpdate(
            "insert into announcement (scope, sender, text, announced_at, node, received_at)"
                + " values ('ALL', 'N1NEW', 'hello', now(), 'test', now())");
        assertThat(queryLong(s, "select count(*) from dx_spots")).isEqualTo(2);
        assertThat(queryLong(s, "select count(*) from wwv_announcements")).isEqualTo(1);
        assertThat(queryLong(s, "select count(*) from announcement")).isEqualTo(1);
      }
    }
  }

  @Test
  void aSpotDatedWeeksAheadDoesNotStopTheConversion() throws SQLException {
    // A node's clock off by forty days: the first partition's bound goes past that row.
    try (TestDatabase ahead = TestPostgres.createDatabase();
        Database aheadDatabase = Database.open(ahead.config())) {
      DataSource dataSource = aheadDatabase.dataSource();
      migrateToVersion9(dataSource);
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        insertSpotAt(s, "now() + interval '40 days'", "K1LATE");
        insertSpotAt(s, "now()", "K1NOW");
      }

      Migrations.migrate(dataSource);

      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        assertThat(queryLong(s, "select count(*) from spot_legacy")).isEqualTo(2);
        assertThat(
                queryLong(
                    s,
                    "select dx_scraper_create_partitions('spot', array[now() + interval '100"
                        + " days'])"))
            .isEqualTo(1);
        assertThat(insertSpotAt(s, "now() + interval '100 days'", "K1LATER"))
            .isNotEqualTo("spot_legacy");
      }
    }
  }

  private static void migrateToVersion9(DataSource dataSource) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations(Migrations.LOCATION)
        .target("9")
        .load()
        .migrate();
  }

  /**
   * 50,000 spots three minutes apart going back about 104 days, 300 solar reports and 200
   * announcements, each table with ids missing in the middle (deleted rows) and its sequence ahead
   * of the largest id (an insert rolled back).
   */
  private static void fill(Connection c, Statement s) throws SQLException {
    s.executeUpdate(
        "insert into spot (spotted_at, received_at, node, spotter, frequency_khz, dx_call,"
            + " comment, band, mode, mode_source, snr_db, speed, speed_unit, spot_type,"
            + " dx_entity, dx_continent, dx_cq_zone, backfilled)"
            + " select t, t + interval '7 seconds', 'node-' || g % 3,"
            + " 'SP' || g % 131 || case when g % 4 = 0 then '-#' else '' end,"
            + " 7000 + g % 3000 / 10.0, 'DX' || g % 977,"
            + " case when g % 4 = 0 then 'CW ' || g % 40 || ' dB 22 WPM CQ' else 'tnx ' || g end,"
            + " '40m', 'CW', case when g % 4 = 0 then 'stated' else 'inferred' end,"
            + " case when g % 4 = 0 then g % 40 end, case when g % 4 = 0 then 22 end,"
            + " case when g % 4 = 0 then 'WPM' end, case when g % 4 = 0 then 'CQ' end,"
            + " case when g % 2 = 0 then 'Japan' end, case when g % 2 = 0 then 'AS' end,"
            + " case when g % 2 = 0 then 25 end, g % 5 = 0"
            + " from (select g, date_trunc('minute', now()) - g * interval '3 minutes' as t"
            + " from generate_series(1, "
            + SPOTS
            + ") g) s");
    s.executeUpdate("delete from spot where id % 1000 = 0");
    s.executeUpdate(
        "insert into solar_report (kind, station, reported_at, hour, sfi, a_index, k_index, ssn,"
            + " forecast, node, received_at, raw_text)"
            + " select case when g % 2 = 0 then 'WWV' else 'WCY' end,"
            + " case when g % 2 = 0 then 'VE7CC' else 'DK0WCY' end, t,"
            + " extract(hour from t at time zone 'UTC'), 100 + g % 90, g % 30, g % 9, g % 200,"
            + " case when g % 3 = 0 then 'No Storms -> No Storms' end, 'node-a', t,"
            + " 'WWV de VE7CC <' || g || '>: SFI=' || 100 + g % 90"
            + " from (select g, date_trunc('hour', now()) - g * interval '1 hour' as t"
            + " from generate_series(1, 300) g) s");
    // Corrections of the same hour: wwv_announcements shows the latest.
    s.executeUpdate(
        "insert into solar_report (kind, station, reported_at, hour, sfi, node, received_at,"
            + " raw_text) select kind, station, reported_at, hour, sfi + 1, node, received_at +"
            + " interval '5 minutes', raw_text || ' corrected' from solar_report where kind ="
            + " 'WWV' and id % 10 = 0");
    s.executeUpdate("delete from solar_report where id % 7 = 0");
    s.executeUpdate(
        "insert into announcement (scope, sender, text, announced_at, node, received_at)"
            + " select case when g % 3 = 0 then 'LOCAL' else 'ALL' end, 'N' || g % 17 || 'ANN',"
            + " 'announcement ' || g || repeat(' x', g % 50), t, 'node-b', t"
            + " from (select g, date_trunc('minute', now()) - g * interval '11 hours' as t"
            + " from generate_series(1, 200) g) s");
    s.executeUpdate("delete from announcement where id % 9 = 0");

    c.setAutoCommit(false);
    s.executeUpdate(
        "insert into spot (spotted_at, received_at, node, spotter, frequency_khz, dx_call)"
            + " select now() + g * interval '1 minute', now(), 'rolled-back', 'N1RB', 14000,"
            + " 'K1RB' from generate_series(1, 25) g");
    s.executeUpdate(
        "insert into solar_report (kind, station, reported_at, hour, node, received_at, raw_text)"
            + " values ('WCY', 'DK0WCY', now(), 0, 'rolled-back', now(), 'x')");
    s.executeUpdate(
        "insert into announcement (scope, sender, text, announced_at, node, received_at)"
            + " values ('ALL', 'N1RB', 'rolled back', now(), 'rolled-back', now())");
    c.rollback();
    c.setAutoCommit(true);
    s.execute("analyze");
  }

  private static Snapshot snapshot(Statement s, String relation, String columns)
      throws SQLException {
    // The views have no id: their rows are ordered by their whole text instead.
    boolean table = TABLES.contains(relation);
    String text = "row(" + columns + ")::text";
    try (ResultSet rs =
        s.executeQuery(
            "select count(*), "
                + (table
                    ? "coalesce(sum(id), 0), coalesce(min(id), 0), coalesce(max(id), 0)"
                    : "0, 0, 0")
                + ", md5(coalesce(string_agg("
                + text
                + ", E'\\n' order by "
                + (table ? "id" : text)
                + "), '')) from "
                + relation)) {
      rs.next();
      return new Snapshot(
          rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5));
    }
  }

  /** The relation's columns, in order, for the checksum's row text. */
  private static String columns(Statement s, String relation) throws SQLException {
    return queryString(
        s,
        "select string_agg(quote_ident(column_name), ', ' order by ordinal_position)"
            + " from information_schema.columns where table_schema = 'public' and table_name = '"
            + relation
            + "'");
  }

  private static List<Long> newestFifty(Statement s) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (ResultSet rs = s.executeQuery("select * from spot order by spotted_at desc limit 50")) {
      while (rs.next()) {
        ids.add(rs.getLong("id"));
      }
    }
    return ids;
  }

  /** Inserts a spot at {@code time} (SQL) and returns the partition it went to. */
  private static String insertSpotAt(Statement s, String time, String dxCall) throws SQLException {
    return queryString(
        s,
        "insert into spot (spotted_at, received_at, node, spotter, frequency_khz, dx_call) values ("
            + time
            + ", now(), 'test', 'N1TEST', 14025.0, '"
            + dxCall
            + "') returning tableoid::regclass::text");
  }

  /** The tables and partitions {@code query}'s executed plan reads, from EXPLAIN's JSON. */
  private static Set<String> relationsScanned(Statement s, String query) throws Exception {
    String json = queryString(s, "explain (analyze, format json) " + query);
    Set<String> names = new TreeSet<>();
    collectRelations(new ObjectMapper().readTree(json).get(0).get("Plan"), names);
    return names;
  }

  private static void collectRelations(JsonNode plan, Set<String> names) {
    if (plan.has("Relation Name")) {
      names.add(plan.get("Relation Name").asText());
    }
    if (plan.has("Plans")) {
      for (JsonNode child : plan.get("Plans")) {
        collectRelations(child, names);
      }
    }
  }

  private static long queryLong(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String queryString(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
