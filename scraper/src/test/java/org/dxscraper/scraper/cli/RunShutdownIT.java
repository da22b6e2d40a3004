package org.dxscraper.scraper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dxscraper.scraper.simulate.SimulatorOptions;
import org.dxscraper.scraper.simulate.SimulatorServer;
import org.dxscraper.scraper.testing.Await;
import org.dxscraper.scraper.testing.JarProcess;
import org.dxscraper.scraper.testing.JarProcess.Outcome;
import org.dxscraper.scraper.testing.TestPostgres;
import org.dxscraper.scraper.testing.TestPostgres.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} as a service manager runs it: started, fed a steady stream, stopped by SIGTERM. */
class RunShutdownIT {
  private static final Pattern STOPPED =
      Pattern.compile(
          "stopped: received (\\d+) spots, stored (\\d+), duplicates (\\d+), rejected (\\d+),"
              + " not stored (\\d+)");

  @TempDir java.nio.file.Path temp;

  @Test
  void sigtermDuringASteadyStreamStoresEverythingReceivedAndExitsZero() throws Exception {
    try (TestDatabase db = TestPostgres.createDatabase();
        SimulatorServer node =
            new SimulatorServer(
                    SimulatorOptions.defaults().withRate(500).withSeed(9), InstantSource.system())
                .start()) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "run",
                  "--callsign",
                  "N0CALL",
                  "--node",
                  "sim=127.0.0.1:" + node.port(),
                  "--db-url",
                  db.url(),
                  // History answers would count as received without being sent as live spots.
                  "--no-backfill-at-start"));
      if (db.user() != null) {
        args.addAll(List.of("--db-user", db.user()));
      }
      if (db.password() != null) {
        args.addAll(List.of("--db-password", db.password()));
      }
      JarProcess daemon = JarProcess.start(temp, Map.of(), args.toArray(String[]::new));

      Await.until(
          () -> "300 stored rows while the stream runs",
          () -> rows(db) >= 300,
          Duration.ofSeconds(60));
      daemon.terminate();
      Outcome stopped = daemon.awaitExit(60);

      Matcher summary = STOPPED.matcher(stopped.err());
      assertThat(stopped.exitCode()).as(stopped.err()).isZero();
      assertThat(summary.find()).as(stopped.err()).isTrue();
      long received = Long.parseLong(summary.group(1));
      long stored = Long.parseLong(summary.group(2));
      long duplicates = Long.parseLong(summary.group(3));
      assertThat(received).isGreaterThanOrEqualTo(300).isLessThanOrEqualTo(node.spotsSent());
      assertThat(stored + duplicates).isEqualTo(received);
      assertThat(summary.group(5)).isEqualTo("0");
      assertThat(rows(db)).isEqualTo(stored);
    }
  }

  private static long rows(TestDatabase db) {
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select count(*) from pg_tables where tablename = 'spot' and schemaname = 'public'")) {
      rs.next();
      if (rs.getLong(1) == 0) {
        return 0;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from spot")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
