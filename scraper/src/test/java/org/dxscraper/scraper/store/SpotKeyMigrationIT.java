package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.dxscraper.scraper.testing.Await;
import org.dxscraper.scraper.testing.TestPostgres;
import org.dxscraper.scraper.testing.TestPostgres.TestDatabase;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * V12 on a populated version 11 database: spot's unique key rebuilt to lead with the call and a
 * time index added, partition by partition, while a writer keeps inserting; and a run that failed
 * halfway, run again over what it left.
 */
// A migration that waits on a lock forever fails the test instead of hanging the build.
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = ThreadMode.SEPARATE_THREAD)
class SpotKeyMigrationIT {
  /** Spots ten minutes apart going back about 70 days. */
  private static final int SPOTS = 10_000;

  @Test
  void rebuildsTheKeyOnEveryPartitionWhileAWriterKeepsInserting() throws Exception {
    try (TestDatabase db = TestPostgres.createDatabase();
        Database database = Database.open(db.config())) {
      DataSource dataSource = database.dataSource();
      migrateTo(dataSource, "11");
      fill(dataSource);

      Inserter inserter = new Inserter(dataSource);
      Thread thread = Thread.ofPlatform().name("inserter").start(inserter);
      // The writer is under way before the migration starts, and goes on to its end.
      Await.until(
          () -> "the inserter's first rows",
          () -> inserter.inserted.get() > 10,
          Duration.ofSeconds(30));
      Migrations.Result result;
      long insertedDuring;
      try {
        result = Migrations.migrate(dataSource);
        insertedDuring = inserter.inserted.get();
      } finally {
        inserter.stop.set(true);
        thread.join();
      }

      assertThat(result.toVersion()).isEqualTo("12");
      assertThat(inserter.failure.get()).as("an insert failed meanwhile").isNull();
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        assertThat(count(s, "select count(*) from spot"))
            .isEqualTo(SPOTS + inserter.inserted.get());
        assertKeyAndTimeOnEveryPartition(s);
        System.out.printf(
            "V12 on %d spots: %s; the inserter stored %d rows, %d of them before the migration"
                + " ended, longest insert %d ms%n",
            SPOTS,
            result.summary(),
            inserter.inserted.get(),
            insertedDuring,
            inserter.longestNanos.get() / 1_000_000);

        // Still the unique key: a copy is refused, or a no-op with ON CONFLICT.
        String copy =
            "insert into spot (spotted_at, received_at, node, spotter, frequency_khz, dx_call,"
                + " comment) select spotted_at, now(), 'again', spotter, frequency_khz + 0.04,"
                + " dx_call, 'again' from spot where node = 'fill' limit 1";
        assertThatThrownBy(() -> s.executeUpdate(copy))
            .isInstanceOfSatisfying(
                SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("23505"))
            .hasMessageContaining("(dx_call, spotted_at, spotter, round(frequency_khz, 1))");
        assertThat(s.executeUpdate(copy + " on conflict do nothing")).isZero();

        // What the indexes are for: a call's spots and the newest spots. Partitions of a
        // thousand rows are read whole where they can be; with that off, the plan shows which
        // index can serve the query.
        s.execute("analyze spot");
        s.execute("set enable_seqscan = off");
        assertThat(
                plan(
                    s,
                    "select * from spot where dx_call = 'DX7' order by spotted_at desc"
                        + " limit 50"))
            .contains("identity_by_call");
        assertThat(plan(s, "select * from spot order by spotted_at desc limit 50"))
            .containsPattern("using (spot_legacy|spot_p\\d+)_time ");

        // A partition made afterwards gets both from spot.
        s.execute(
            "select dx_scraper_create_partitions('spot', array[now() + interval '200 days'])");
        assertKeyAndTimeOnEveryPartition(s);
      }
    }
  }

  @Test
  void aRunThatFailedHalfwayRunsAgainOverWhatItLeft() throws Exception {
    try (TestDatabase db = TestPostgres.createDatabase();
        Database database = Database.open(db.config())) {
      DataSource dataSource = database.dataSource();
      migrateTo(dataSource, "11");
      fill(dataSource);
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        // What V12 leaves when it fails in its third partition (a lock not granted, say): the new
        // indexes made on spot, two partitions done, and Flyway's entry of a failed version 12;
        // and on the third an index of the name V12 would give it, attached to nothing (made by
        // hand).
        s.execute(
            "create unique index spot_identity_by_call on only spot"
                + " (dx_call, spotted_at, spotter, round(frequency_khz, 1))");
        s.execute("create index spot_time on only spot (spotted_at)");
        List<String> partitions = partitions(s);
        for (String p : partitions.subList(0, 2)) {
          s.execute(
              "create unique index "
                  + p
                  + "_identity_by_call on "
                  + p
                  + " (dx_call, spotted_at, spotter, round(frequency_khz, 1))");
          s.execute(
              "alter index spot_identity_by_call attach partition " + p + "_identity_by_call");
          s.execute("create index " + p + "_time on " + p + " (spotted_at)");
          s.execute("alter index spot_time attach partition " + p + "_time");
        }
        s.execute(
            "create index "
                + partitions.get(2)
                + "_time on "
                + partitions.get(2)
                + " (spotted_at)");
        s.execute(
            "insert into flyway_schema_history (installed_rank, version, description, type,"
                + " script, checksum, installed_by, execution_time, success)"
                + " select max(installed_rank) + 1, '12', 'spot key leads with call', 'SQL',"
                + " 'V12__spot_key_leads_with_call.sql', 0, current_user, 0, false"
                + " from flyway_schema_history");
      }

      Migrations.Result result = Migrations.migrate(dataSource);

      assertThat(result.toVersion()).isEqualTo("12");
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        assertKeyAndTimeOnEveryPartition(s);
        assertThat(
                count(
                    s,
                    "select count(*) from flyway_schema_history where version = '12'"
                        + " and success"))
            .isEqualTo(1);
        assertThat(count(s, "select count(*) from spot")).isEqualTo(SPOTS);
      }
    }
  }

  @Test
  void aRunAfterTheSwapChangesNothing() throws Exception {
    try (TestDatabase db = TestPostgres.createDatabase();
        Database database = Database.open(db.config())) {
      DataSource dataSource = database.dataSource();
      migrateTo(dataSource, "11");
      fill(dataSource);
      Migrations.migrate(dataSource);
      String indexesBefore;
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        indexesBefore = indexOids(s);
        // V12 ran whole, and Flyway noted it as failed (the connection lost before its success
        // row, say): the next run must find everything done, not start a second key.
        s.execute(
            "update flyway_schema_history set success = false, checksum = 0 where version = '12'");
      }

      Migrations.Result again = Migrations.migrate(dataSource);

      assertThat(again.toVersion()).isEqualTo("12");
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        assertKeyAndTimeOnEveryPartition(s);
        assertThat(indexOids(s)).as("the same indexes, none rebuilt").isEqualTo(indexesBefore);
      }
    }
  }

  /** Every index of spot and its partitions, by name and OID. */
  private static String indexOids(Statement s) throws SQLException {
    StringBuilder indexes = new StringBuilder();
    try (ResultSet rs =
        s.executeQuery(
            "select c.relname || ' ' || c.oid from pg_index x join pg_class c on c.oid ="
                + " x.indexrelid join pg_class t on t.oid = x.indrelid where t.relname like 'spot%'"
                + " order by 1")) {
      while (rs.next()) {
        indexes.append(rs.getString(1)).append('\n');
      }
    }
    return indexes.toString();
  }

  /**
   * After V12: spot has its primary key, spot_band_time, spot_identity led by the call and
   * spot_time, each valid and with an index of the same definition on every partition.
   */
  private static void assertKeyAndTimeOnEveryPartition(Statement s) throws SQLException {
    List<String> indexes = new ArrayList<>();
    try (ResultSet rs =
        s.executeQuery(
            "select c.relname || ' ' || x.indisvalid || ' ' || pg_get_indexdef(x.indexrelid)"
                + " from pg_index x join pg_class c on c.oid = x.indexrelid"
                + " where x.indrelid = 'spot'::regclass order by 1")) {
      while (rs.next()) {
        indexes.add(rs.getString(1));
      }
    }
    assertThat(indexes)
        .containsExactly(
            "spot_band_time true CREATE INDEX spot_band_time ON ONLY public.spot USING btree"
                + " (band, spotted_at)",
            "spot_identity true CREATE UNIQUE INDEX spot_identity ON ONLY public.spot USING btree"
                + " (dx_call, spotted_at, spotter, round(frequency_khz, 1))",
            "spot_pkey true CREATE UNIQUE INDEX spot_pkey ON ONLY public.spot USING btree"
                + " (id, spotted_at)",
            "spot_time true CREATE INDEX spot_time ON ONLY public.spot USING btree (spotted_at)");
    long partitions =
        count(s, "select count(*) from pg_inherits where inhparent = 'spot'::regclass");
    assertThat(partitions).as("spot_legacy and the weeks to come").isGreaterThanOrEqualTo(8);
    for (String index : List.of("spot_identity", "spot_time")) {
      assertThat(
              count(
                  s,
                  "select count(*) from pg_inherits i join pg_index x"
                      + " on x.indexrelid = i.inhrelid where x.indisvalid and i.inhparent = '"
                      + index
                      + "'::regclass"))
          .as(index + " on every partition")
          .isEqualTo(partitions);
    }
  }

  private static void migrateTo(DataSource dataSource, String version) {
    Migrations.migrate(dataSource, MigrationVersion.fromVersion(version));
  }

  /**
   * {@link #SPOTS} spots ten minutes apart, back from now, all in spot_legacy (V10's old table,
   * which holds everything before the week after version 10, this week included, and so also gets
   * the inserter's rows); and empty partitions for the eight weeks ahead.
   */
  private static void fill(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "select dx_scraper_create_partitions('spot', array(select generate_series(now(),"
              + " now() + interval '56 days', interval '7 days')))");
      s.executeUpdate(
          "insert into spot (spotted_at, received_at, node, spotter, frequency_khz, dx_call,"
              + " comment, band) select t, t, 'fill', 'SP' || g % 131, 7000 + g % 3000 / 10.0,"
              + " 'DX' || g % 977, 'tnx', '40m' from (select g, date_trunc('minute', now())"
              + " - g * interval '10 minutes' as t from generate_series(1, "
              + SPOTS
              + ") g) f");
    }
  }

  private static List<String> partitions(Statement s) throws SQLException {
    List<String> partitions = new ArrayList<>();
    try (ResultSet rs =
        s.executeQuery(
            "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
                + " where i.inhparent = 'spot'::regclass order by 1")) {
      while (rs.next()) {
        partitions.add(rs.getString(1));
      }
    }
    return partitions;
  }

  private static String plan(Statement s, String query) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (ResultSet rs = s.executeQuery("explain " + query)) {
      while (rs.next()) {
        plan.append(rs.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }

  private static long count(Statement s, String query) throws SQLException {
    try (ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** A writer of new spots, one a transaction, as fast as the database takes them. */
  private static final class Inserter implements Runnable {
    final DataSource dataSource;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong inserted = new AtomicLong();
    final AtomicLong longestNanos = new AtomicLong();
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Inserter(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    @Override
    public void run() {
      try (Connection c = dataSource.getConnection();
          PreparedStatement insert =
              c.prepareStatement(
                  "insert into spot (spotted_at, received_at, node, spotter, frequency_khz,"
                      + " dx_call, comment) values (date_trunc('minute', now()), now(),"
                      + " 'inserter', 'SP1', 14025.0, ?, 'live') on conflict do nothing")) {
        for (long i = 0; !stop.get(); i++) {
          insert.setString(1, "LIVE" + i);
          long started = System.nanoTime();
          inserted.addAndGet(insert.executeUpdate());
          longestNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
        }
      } catch (SQLException | RuntimeException e) {
        failure.set(e);
      }
    }
  }
}
