package org.dxscraper.scraper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dxscraper.scraper.simulate.SentLine;
import org.dxscraper.scraper.simulate.SimulatorOptions;
import org.dxscraper.scraper.simulate.SimulatorServer;
import org.dxscraper.scraper.testing.Await;
import org.dxscraper.scraper.testing.JarProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Database outages longer than memory, against the built jar and a private PostgreSQL that the test
 * stops and starts: the daemon keeps reading into the journal, says so on /health, drains the
 * backlog when the server is back, and a SIGTERM in the middle of an outage exits 0 in time with
 * everything kept for the next start.
 */
class JournalOutageIT {
  private static final int RATE = 500;
  private static final int COUNT = 20_000;
  // Far below what the outages make (500 spots/s): the backlog must go to the journal, not RAM.
  private static final int MAX_BACKLOG = 1000;
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  @TempDir Path temp;

  private int dbPort;
  private EmbeddedPostgres server;
  private final List<JarProcess> started = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @AfterEach
  void stopEverything() throws Exception {
    for (JarProcess process : started) {
      process.kill();
    }
    if (server != null) {
      server.close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private EmbeddedPostgres startServer() throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(temp.resolve("pg"))
        .setCleanDataDirectory(false) // true would delete the data when the server stops
        .setPort(dbPort)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
  }

  private Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + dbPort + "/" + database, "postgres", null);
  }

  @Test
  void keepsReadingThroughOutagesAndASigtermInOneLosesNothing() throws Exception {
    dbPort = freePort();
    Files.createDirectories(temp.resolve("pg"));
    server = startServer();
    try (Connection c = connect("postgres");
        Statement s = c.createStatement()) {
      s.execute("create database dx");
    }
    int metricsPort = freePort();
    try (SimulatorServer node =
        new SimulatorServer(
                SimulatorOptions.defaults().withRate(RATE).withCount(COUNT).withSeed(43),
                InstantSource.system())
            .start()) {
      JarProcess first = start(node.port(), metricsPort);
      Await.until(() -> "1,000 rows:\n" + first.stderrOrWhy(), () -> rows() >= 1000, DEADLINE);
      assertThat(health(metricsPort)).isEqualTo(200);

      // Outage 1: the server stops for 10 s under 500 spots/s, ten times what memory may hold.
      server.close();
      long down = System.nanoTime();
      Await.until(
          () -> "/health 503 after the database stopped",
          () -> health(metricsPort) == 503,
          DEADLINE);
      Duration noticed = Duration.ofNanos(System.nanoTime() - down);
      long spotsAtStop = spotsSent(node);
      Await.until(
          () -> "5,000 spots sent during the outage",
          () -> spotsSent(node) >= spotsAtStop + 5000,
          DEADLINE);
      server = startServer();
      Await.until(
          () -> "every spot sent so far stored, have " + rows() + ":\n" + first.stderrOrWhy(),
          () -> rows() >= spotsSent(node) - RATE,
          DEADLINE);
      Await.until(
          () -> "the drain to catch up:\n" + first.stderrOrWhy(),
          () -> first.stderrOrWhy().contains("journal: caught up"),
          DEADLINE);
      assertThat(noticed).isLessThan(Duration.ofSeconds(5));
      String log = first.stderrOrWhy();
      assertThat(log).contains("new lines wait in the journal");
      long outageLogLines =
          log.lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).count();

      // Outage 2: the server stops again and the daemon is told to stop in the middle of it.
      server.close();
      Await.until(
          () -> "/health 503 in the second outage", () -> health(metricsPort) == 503, DEADLINE);
      long spotsAtSecondStop = spotsSent(node);
      Await.until(
          () -> "2,000 spots sent in the second outage",
          () -> spotsSent(node) >= spotsAtSecondStop + 2000,
          DEADLINE);
      long terminated = System.nanoTime();
      first.terminate();
      JarProcess.Outcome stopped = first.awaitExit(30);
      Duration stopTook = Duration.ofNanos(System.nanoTime() - terminated);
      assertThat(stopped.exitCode()).as(stopped.err()).isZero();
      assertThat(stopTook).isLessThan(Duration.ofSeconds(10));
      assertThat(stopped.err()).contains("wait in the journal and are stored at the next start");

      // Both back; the node kept its spots for the next login (it only spots with a client on).
      server = startServer();
      JarProcess second = start(node.port(), metricsPort);
      Await.until(
          () -> "all " + COUNT + " spots stored, have " + rows() + ":\n" + second.stderrOrWhy(),
          () -> rows() >= COUNT,
          Duration.ofSeconds(120));
      assertThat(spotsSent(node)).isEqualTo(COUNT);
      assertThat(rows()).isEqualTo(COUNT);
      assertThat(distinctSentStored(node)).isEqualTo(COUNT);
      System.out.printf(
          "outage under %d spots/s: /health 503 after %d ms; %d WARN/ERROR lines through a 10 s"
              + " outage and its recovery; SIGTERM in an outage: exit 0 after %d ms%n",
          RATE, noticed.toMillis(), outageLogLines, stopTook.toMillis());
      assertThat(outageLogLines).isLessThan(20);
    }
  }

  private JarProcess start(int nodePort, int metricsPort) throws IOException {
    JarProcess process =
        JarProcess.start(
            temp,
            Map.of(),
            "run",
            "--callsign",
            "N0CALL",
            "--node",
            "sim=127.0.0.1:" + nodePort,
            "--db-url",
            "jdbc:postgresql://127.0.0.1:" + dbPort + "/dx",
            "--db-user",
            "postgres",
            "--db-connect-timeout",
            "2s",
            "--data-dir",
            temp.resolve("data").toString(),
            "--metrics-listen",
            "127.0.0.1:" + metricsPort,
            "--max-backlog",
            Integer.toString(MAX_BACKLOG));
    started.add(process);
    return process;
  }

  private int health(int port) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static long spotsSent(SimulatorServer node) {
    return node.spotsSent();
  }

  private long rows() {
    try (Connection c = connect("dx");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from spot")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      return -1; // down, or not migrated yet
    }
  }

  /** Rows that are spots the node sent: every row, when nothing was stored twice or made up. */
  private long distinctSentStored(SimulatorServer node) throws SQLException {
    List<String> calls =
        node.sentLines().stream()
            .map(SentLine::spot)
            .filter(Objects::nonNull)
            .map(s -> s.dxCall() + "|" + s.spotter() + "|" + s.frequencyHz())
            .toList();
    long matched = 0;
    java.util.Set<String> stored = new java.util.HashSet<>();
    try (Connection c = connect("dx");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("select dx_call, spotter, (frequency_khz * 1000)::bigint from spot")) {
      while (rs.next()) {
        stored.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getLong(3));
      }
    }
    for (String call : calls) {
      if (stored.contains(call)) {
        matched++;
      }
    }
    return matched;
  }
}
