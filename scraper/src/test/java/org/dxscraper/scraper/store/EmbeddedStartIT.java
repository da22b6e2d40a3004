package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server's start on a data directory that a previous run left in some state. The
 * orphan itself needs a JVM killed with SIGKILL: {@code EmbeddedDatabaseCrashIT} runs the jar for
 * that.
 */
class EmbeddedStartIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  // Without the check the library waits its whole start-up time, 120 s, and fails.
  private static final Duration QUICK_START = Duration.ofSeconds(30);

  @TempDir Path temp;

  private Process unrelated;

  @AfterEach
  void stopUnrelatedProcess() {
    if (unrelated != null) {
      unrelated.destroyForcibly();
    }
  }

  private DatabaseConfig embedded(Path dataDir, int port) {
    return new DatabaseConfig(null, null, null, dataDir, port, TIMEOUT);
  }

  @Test
  void makesEveryCommitDurable() throws Exception {
    // The library's defaults are a test database's: fsync and synchronous_commit off.
    try (Database db = Database.open(embedded(temp.resolve("data"), 0));
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet settings =
            s.executeQuery(
                "select name, setting from pg_settings"
                    + " where name in ('fsync', 'synchronous_commit', 'full_page_writes')"
                    + " order by name")) {
      List<String> read = new ArrayList<>();
      while (settings.next()) {
        read.add(settings.getString(1) + "=" + settings.getString(2));
      }
      assertThat(read).containsExactly("fsync=on", "full_page_writes=on", "synchronous_commit=on");
    }
  }

  @Test
  void startsAtOnceWhenTheLockFileNamesALiveUnrelatedProcessAndLeavesThatProcessAlone()
      throws Exception {
    Path dataDir = temp.resolve("data");
    Database.open(embedded(dataDir, 0)).close();
    // After a reboot or a container restart the pid of the old postmaster may belong to anything;
    // PostgreSQL alone would refuse to start while that process lives.
    unrelated = new ProcessBuilder("sleep", "600").start();
    Files.writeString(
        dataDir.resolve("postgres/postmaster.pid"),
        unrelated.pid()
            + "\n"
            + dataDir.resolve("postgres")
            + "\n1796398050\n45119\n/tmp\n127.0.0.1\n  1 2\nready\n");

    long started = System.nanoTime();
    try (Database db = Database.open(embedded(dataDir, 0))) {
      long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();

      System.out.printf("embedded start with a reused pid in postmaster.pid: %d ms%n", millis);
      assertThat(db.embedded()).isTrue();
      assertThat(millis).isLessThan(QUICK_START.toMillis());
    }
    assertThat(unrelated.isAlive()).isTrue();
  }

  @Test
  void refusesAtOnceADataDirectoryThatALiveDatabaseUses() {
    Path dataDir = temp.resolve("shared");
    try (Database first = Database.open(embedded(dataDir, 0))) {
      long started = System.nanoTime();

      assertThatThrownBy(() -> Database.open(embedded(dataDir, 0)))
          .isInstanceOf(DatabaseUnavailableException.class)
          .hasMessageStartingWith("--data-dir " + dataDir.toAbsolutePath())
          .hasMessageContaining("is in use by another running dx-scraper (its PostgreSQL is pid ");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT);
      // The live one was not touched.
      assertThat(first.dsl().fetchValue("select 1")).isEqualTo(1);
    }
  }

  @Test
  void aPinnedPortInUseFailsAtOnceWithTheOption() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      long started = System.nanoTime();

      assertThatThrownBy(() -> Database.open(embedded(temp.resolve("data"), taken.getLocalPort())))
          .isInstanceOf(DatabaseUnavailableException.class)
          .hasMessageStartingWith(
              "--embedded-db-port " + taken.getLocalPort() + " on 127.0.0.1 is in use");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(TIMEOUT);
    }
  }
}
