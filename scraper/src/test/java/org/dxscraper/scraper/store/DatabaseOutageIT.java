package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dxscraper.db.jooq.Tables.SPOT;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.dxscraper.scraper.ingest.Enricher;
import org.dxscraper.scraper.parse.LineParser;
import org.dxscraper.scraper.parse.Spot;
import org.dxscraper.scraper.store.PendingRow.SpotRow;
import org.dxscraper.scraper.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A private PostgreSQL, stopped and started again under the writer: the writer says so at once,
 * logs the outage once, keeps every row and stores it when the server is back.
 */
class DatabaseOutageIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final LineParser PARSER = new LineParser();
  private static final Enricher ENRICHER = new Enricher(null);

  @TempDir Path dataDir;

  private int port;
  private EmbeddedPostgres server;
  private Database database;
  private SpotWriter writer;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger writerLog = (Logger) LoggerFactory.getLogger(SpotWriter.class);

  @BeforeEach
  void startServer() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Files.createDirectories(dataDir.resolve("pg"));
    server = start();
    database =
        Database.open(
            new DatabaseConfig(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "postgres",
                null,
                dataDir,
                0,
                Duration.ofSeconds(2)));
    Migrations.migrate(database.dataSource());
    logs.start();
    writerLog.setLevel(Level.INFO); // the test configuration logs WARN and above
    writerLog.addAppender(logs);
  }

  private EmbeddedPostgres start() throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDir.resolve("pg"))
        .setCleanDataDirectory(false) // true would delete the data when the server stops
        .setPort(port)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
  }

  @AfterEach
  void stopEverything() throws IOException {
    writerLog.detachAppender(logs);
    writerLog.setLevel(null);
    if (writer != null) {
      writer.close();
    }
    database.close();
    server.close();
  }

  /** A spot as the pipeline makes it: a DX line through the real parser and enricher. */
  private static SpotRow spot(int i) {
    Instant now = Instant.now();
    String khz = (140_000 + i) / 10 + "." + i % 10;
    String line = "DX de N1SPOT:    " + khz + "  K" + i + "ABC   test " + i + " 1200Z";
    return ENRICHER.row("sim", (Spot) PARSER.parse(line, now), now);
  }

  private long warnings() {
    return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).count();
  }

  @Test
  void keepsEveryRowThroughAnOutageAndSaysSoOnceAtItsStart() throws IOException {
    writer =
        new SpotWriter(
                database.dsl(),
                SpotWriter.Settings.DEFAULTS,
                InstantSource.system(),
                SpotWriter.Backpressure.NONE,
                new SpotWriter.Listener() {})
            .start();
    for (int i = 0; i < 100; i++) {
      writer.submit(spot(i));
    }
    Await.until(() -> "100 stored", () -> writer.stats().spotsStored() == 100, DEADLINE);

    server.close(); // the database goes away under the writer
    long down = System.nanoTime();
    for (int i = 100; i < 300; i++) {
      writer.submit(spot(i));
    }
    Await.until(() -> "the writer to notice", () -> writer.problem() != null, DEADLINE);
    Duration noticed = Duration.ofNanos(System.nanoTime() - down);
    Await.until(() -> "a failed write", () -> writer.failingSince() != null, DEADLINE);
    // Some retries while it is down, each with its backoff wait.
    Await.until(
        () -> "three failed attempts", () -> writer.stats().failedAttempts() >= 3, DEADLINE);

    assertThat(noticed).isLessThan(Duration.ofSeconds(5));
    assertThat(writer.lastError()).doesNotContainIgnoringCase("insert").hasSizeLessThan(260);
    assertThat(writer.backlog()).isEqualTo(200);
    assertThat(warnings()).isEqualTo(1);

    server = start(); // back, same data, same port
    Await.until(() -> "300 stored", () -> writer.stats().spotsStored() == 300, DEADLINE);

    assertThat(database.dsl().fetchCount(SPOT)).isEqualTo(300);
    assertThat(writer.failingSince()).isNull();
    assertThat(writer.stats().duplicates()).isZero();
    assertThat(warnings()).isEqualTo(1);
    assertThat(logs.list)
        .anySatisfy(
            e -> assertThat(e.getFormattedMessage()).contains("database writes work again"));
  }
}
