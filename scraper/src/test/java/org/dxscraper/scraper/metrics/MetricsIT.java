package org.dxscraper.scraper.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dxscraper.db.jooq.Tables.SPOT;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dxscraper.scraper.ingest.Daemon;
import org.dxscraper.scraper.simulate.SimulatorOptions;
import org.dxscraper.scraper.store.Database;
import org.dxscraper.scraper.testing.Await;
import org.dxscraper.scraper.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A running daemon scraped over HTTP: what /metrics and /health say against what happened. */
class MetricsIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private DaemonFixture fixture;
  private Database database;
  private Daemon daemon;
  private Instrumentation instrumentation;

  @AfterEach
  void stopEverything() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private void start(SimulatorOptions options, InstantSource clock, Duration stallTimeout)
      throws IOException {
    fixture = new DaemonFixture(options, clock, stallTimeout);
    database = fixture.database;
    daemon = fixture.daemon;
    instrumentation = fixture.instrumentation;
  }

  private HttpResponse<String> get(String path) {
    return fixture.get(path);
  }

  @Test
  void countersInTheScrapeAgreeWithTheRowsInTheDatabase() throws IOException {
    int count = 500;
    start(
        SimulatorOptions.defaults().withRate(2000).withCount(count).withSeed(21),
        InstantSource.system(),
        null);
    Await.until(() -> count + " rows", () -> database.dsl().fetchCount(SPOT) == count, DEADLINE);
    instrumentation.database().sample();

    String scrape = get("/metrics").body();

    assertThat(sum(scrape, "dx_scraper_spots_stored_total")).isEqualTo(count);
    assertThat(sum(scrape, "dx_scraper_spots_total")).isEqualTo(count);
    assertThat(value(scrape, "dx_scraper_db_insert_seconds_count")).isPositive();
    assertThat(value(scrape, "dx_scraper_lines_received_total{node=\"sim\"}"))
        .isGreaterThanOrEqualTo(count);
    assertThat(value(scrape, "dx_scraper_lines_received_total{node=\"quiet\"}")).isZero();
    assertThat(value(scrape, "dx_scraper_cluster_connected{node=\"sim\"}")).isEqualTo(1);
    assertThat(value(scrape, "dx_scraper_cluster_connected{node=\"quiet\"}")).isZero();
    assertThat(value(scrape, "dx_scraper_backlog_spots")).isZero();
    // The quiet node's failed connects count as they happen.
    assertThat(value(scrape, "dx_scraper_connection_errors_total")).isPositive();
    assertThat(value(scrape, "dx_scraper_duplicates_total")).isZero();
    assertThat(value(scrape, "pg_up")).isEqualTo(1);
    assertThat(value(scrape, "dx_scraper_db_newest_spot_timestamp_seconds"))
        .isEqualTo(
            database
                .dsl()
                .select(org.jooq.impl.DSL.max(SPOT.SPOTTED_AT))
                .from(SPOT)
                .fetchOne(0, java.time.OffsetDateTime.class)
                .toEpochSecond());
    assertThat(scrape)
        .contains("dx_scraper_build_info{version=\"test\"} 1")
        .contains("dx_scraper_reconnects_total{node=\"quiet\",reason=\"connect_failed\"}")
        .contains("pg_database_size_bytes{datname=")
        .doesNotContain("N0CALL");
  }

  @Test
  void servesOpenMetricsWhenAskedAndGzipWhenAccepted() throws Exception {
    start(SimulatorOptions.defaults().withRate(10).withSeed(2), InstantSource.system(), null);

    HttpResponse<String> openMetrics =
        fixture.send(
            HttpRequest.newBuilder(fixture.uri("/metrics"))
                .header("Accept", "application/openmetrics-text; version=1.0.0")
                .build());
    HttpResponse<String> gzip =
        fixture.send(
            HttpRequest.newBuilder(fixture.uri("/metrics"))
                .header("Accept-Encoding", "gzip")
                .build());

    assertThat(openMetrics.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/openmetrics-text");
    assertThat(openMetrics.body()).endsWith("# EOF\n");
    assertThat(gzip.headers().firstValue("Content-Encoding")).hasValue("gzip");
  }

  @Test
  void watchdogReconnectsASilentNodeAndHealthRecoversWithItsNextLiveSpot() throws IOException {
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    // Every session gets 50 spots and then nothing, with the socket left open: a stuck node.
    start(
        SimulatorOptions.defaults().withRate(500).withSilentAfter(50).withSeed(4),
        clock,
        Duration.ofMinutes(2));
    Await.until(
        () -> "the first spots, then silence",
        () -> daemon.pipeline().nodes().get("sim").spots() == 50,
        DEADLINE);
    // Stored before the clock jumps: rows still waiting then would make the writer stalled too.
    Await.until(
        () -> "the 50 spots stored",
        () -> daemon.writer().backlog() == 0 && daemon.writer().stats().spotsStored() == 50,
        DEADLINE);
    fixture.watchdog.check();
    assertThat(get("/health").statusCode()).isEqualTo(200);

    clock.advance(Duration.ofMinutes(3));
    fixture.watchdog.check();
    HttpResponse<String> stalled = get("/health");

    assertThat(stalled.statusCode()).isEqualTo(503);
    assertThat(stalled.body()).contains("\"stalled\":true", "\"status\":\"DOWN\"", "sim: stalled");
    assertThat(value(get("/metrics").body(), "dx_scraper_stalled{node=\"sim\"}")).isEqualTo(1);
    // The watchdog heals: a new session, counted under its reason, and the node speaks again.
    // Live spots are stamped by the test's clock, which now reads the stall's time; history lines
    // from the backfill do not move the last live spot.
    Await.until(
        () -> "a reconnect for the stall and live spots from the new session",
        () -> clock.instant().equals(daemon.pipeline().nodes().get("sim").lastSpotAt()),
        DEADLINE);
    assertThat(
            value(
                get("/metrics").body(),
                "dx_scraper_reconnects_total{node=\"sim\",reason=\"stalled\"}"))
        .isEqualTo(1);

    fixture.watchdog.check();
    HttpResponse<String> healed = get("/health");

    assertThat(healed.statusCode()).as(healed.body()).isEqualTo(200);
    assertThat(value(get("/metrics").body(), "dx_scraper_stalled{node=\"sim\"}")).isZero();
  }

  private static double value(String scrape, String series) {
    for (String line : scrape.lines().toList()) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no series " + series + " in the scrape");
  }

  private static double sum(String scrape, String family) {
    Matcher m = Pattern.compile("(?m)^" + family + "\\{[^}]*\\} (\\S+)$").matcher(scrape);
    double total = 0;
    while (m.find()) {
      total += Double.parseDouble(m.group(1));
    }
    return total;
  }
}
