package org.dxscraper.scraper.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dxscraper.db.jooq.Tables.SPOT;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.dxscraper.scraper.cluster.ConnectionPolicy;
import org.dxscraper.scraper.cluster.NodeConfig;
import org.dxscraper.scraper.cluster.NodeStatus;
import org.dxscraper.scraper.cluster.ReconnectReason;
import org.dxscraper.scraper.simulate.SentLine;
import org.dxscraper.scraper.simulate.SimulatedSpot;
import org.dxscraper.scraper.simulate.SimulatorOptions;
import org.dxscraper.scraper.simulate.SimulatorServer;
import org.dxscraper.scraper.store.Database;
import org.dxscraper.scraper.store.SpotWriter;
import org.dxscraper.scraper.testing.Await;
import org.dxscraper.scraper.testing.TestPostgres;
import org.dxscraper.scraper.testing.TestPostgres.MigratedDatabase;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node connection that breaks in the ways real ones do, against the daemon and a real PostgreSQL:
 * the daemon notices, reconnects, and asks the node for what it missed, so that every spot the node
 * made is stored once.
 */
class HealingIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private MigratedDatabase migrated;
  private Database database;
  private DSLContext dsl;
  private SimulatorServer node;
  private Daemon daemon;

  @BeforeEach
  void openDatabase() {
    migrated = TestPostgres.migratedDatabase();
    database = migrated.database();
    dsl = database.dsl();
  }

  @AfterEach
  void stopEverything() {
    if (daemon != null) {
      daemon.close();
    }
    if (node != null) {
      node.close();
    }
    migrated.close();
  }

  private NodeStatus startDaemon(ConnectionPolicy policy) {
    daemon =
        new Daemon(
                List.of(NodeConfig.of("sim", "127.0.0.1", node.port(), "N0CALL")),
                database,
                null,
                SpotWriter.Settings.DEFAULTS,
                InstantSource.system(),
                policy,
                new Random(3),
                new SpotWriter.Listener() {},
                null)
            .start(Duration.ofMinutes(1));
    return daemon.clusterClient().status("sim");
  }

  private NodeIngestStats stats() {
    return daemon.pipeline().nodes().get("sim");
  }

  /** Every spot the node made is a row, and there is no other row. */
  private void assertEverySpotStoredOnce(int count) {
    Await.until(
        () -> count + " rows, have " + dsl.fetchCount(SPOT),
        () -> dsl.fetchCount(SPOT) == count,
        DEADLINE);
    Set<String> sent =
        node.sentLines().stream()
            .map(SentLine::spot)
            .filter(Objects::nonNull)
            .map(HealingIT::key)
            .collect(Collectors.toSet());
    Set<String> stored =
        dsl.select(SPOT.DX_CALL, SPOT.SPOTTER, SPOT.FREQUENCY_KHZ).from(SPOT).fetch().stream()
            .map(r -> r.value1() + " " + r.value2() + " " + r.value3().toPlainString())
            .collect(Collectors.toSet());
    assertThat(sent).hasSize(count);
    assertThat(stored).isEqualTo(sent);
  }

  private static String key(SimulatedSpot spot) {
    return spot.dxCall()
        + " "
        + spot.spotter()
        + " "
        + BigDecimal.valueOf(spot.frequencyHz(), 3).toPlainString();
  }

  @Test
  void findsAHalfOpenConnectionByItsProbeAndBackfillsWhatItMissed() {
    int count = 150;
    node =
        new SimulatorServer(
                SimulatorOptions.defaults().withRate(25).withCount(count).withSeed(31),
                InstantSource.system())
            .start();
    NodeStatus status =
        startDaemon(
            ConnectionPolicy.DEFAULT.withProbe(Duration.ofMillis(500), Duration.ofMillis(500)));
    Await.until(() -> "live spots", () -> stats().spots() >= 20, DEADLINE);

    node.silenceClients(); // the socket stays open, nothing more comes: a half-open connection

    Await.until(
        () -> "a reconnect for the dead connection",
        () -> status.counters().reconnects(ReconnectReason.IDLE) == 1 && status.isLoggedIn(),
        DEADLINE);
    assertEverySpotStoredOnce(count);
    assertThat(node.commandsReceived()).contains("", "sh/dx 100");
    assertThat(status.counters().reconnects()).isEqualTo(1);
    assertThat(stats().backfillSpots()).isPositive();
    assertThat(dsl.fetchCount(SPOT, SPOT.BACKFILLED.isTrue())).isPositive();
  }

  @Test
  void logsInSoonAfterARestartedNodeListensAgainAndBackfillsTheGap() {
    int count = 100;
    node =
        new SimulatorServer(
                SimulatorOptions.defaults()
                    .withRate(5)
                    .withCount(count)
                    .withSeed(32)
                    .withSpotWithoutClients(true),
                InstantSource.system())
            .start();
    // The default policy: what an operator gets.
    NodeStatus status = startDaemon(ConnectionPolicy.DEFAULT);
    Await.until(() -> "live spots", () -> stats().spots() >= 10, DEADLINE);

    node.stopListening(); // the node goes down and keeps spotting into its history
    Await.until(
        () -> "three refused connects",
        () -> status.counters().reconnects(ReconnectReason.CONNECT_FAILED) >= 3,
        DEADLINE);
    long back = System.nanoTime();
    node.startListening();
    Await.until(() -> "logged in again", status::isLoggedIn, DEADLINE);
    Duration tookToLogIn = Duration.ofNanos(System.nanoTime() - back);

    assertThat(tookToLogIn).isLessThan(Duration.ofSeconds(5));
    assertEverySpotStoredOnce(count);
    assertThat(status.counters().reconnects(ReconnectReason.CLOSED)).isEqualTo(1);
  }
}
