package org.dxscraper.scraper.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.dxscraper.db.jooq.Tables.ANNOUNCEMENT;
import static org.dxscraper.db.jooq.Tables.SOLAR_REPORT;
import static org.dxscraper.db.jooq.Tables.SPOT;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.dxscraper.db.jooq.tables.records.SpotRecord;
import org.dxscraper.scraper.cluster.ConnectionPolicy;
import org.dxscraper.scraper.cluster.NodeConfig;
import org.dxscraper.scraper.enrich.BandPlan;
import org.dxscraper.scraper.retry.Backoff;
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

/** Simulator nodes to the daemon to a real PostgreSQL: what is sent is what is stored. */
class IngestIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final ConnectionPolicy FAST =
      ConnectionPolicy.DEFAULT.withBackoff(
          new Backoff(Duration.ofMillis(100), Duration.ofMillis(500)),
          new Backoff(Duration.ofMillis(100), Duration.ofMillis(500)));
  // One minute for every simulator, so that two of them make the very same spots; the current
  // one, because the daemon dates HHMMZ by its own clock.
  private static final InstantSource FIXED_CLOCK =
      InstantSource.fixed(Instant.now().truncatedTo(ChronoUnit.MINUTES));

  private final List<SimulatorServer> simulators = new ArrayList<>();
  private MigratedDatabase migrated;
  private Database database;
  private DSLContext dsl;
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
    simulators.forEach(SimulatorServer::close);
    migrated.close();
  }

  private SimulatorServer simulator(SimulatorOptions options) {
    SimulatorServer server = new SimulatorServer(options, FIXED_CLOCK).start();
    simulators.add(server);
    return server;
  }

  private Daemon startDaemon(List<NodeConfig> nodes) {
    daemon =
        new Daemon(
                nodes,
                database,
                null,
                SpotWriter.Settings.DEFAULTS,
                InstantSource.system(),
                FAST,
                new Random(1),
                new SpotWriter.Listener() {},
                null)
            .start(Duration.ofMinutes(1));
    return daemon;
  }

  @Test
  void everySpotSentBecomesOneRowWithTheFieldsTheNodeSent() {
    int count = 400;
    SimulatorServer node =
        simulator(SimulatorOptions.defaults().withRate(1000).withCount(count).withSeed(11));
    startDaemon(List.of(NodeConfig.of("sim", "127.0.0.1", node.port(), "N0CALL")));

    Await.until(
        () -> count + " rows, have " + dsl.fetchCount(SPOT),
        () -> dsl.fetchCount(SPOT) == count,
        DEADLINE);

    List<SimulatedSpot> sent =
        node.sentLines().stream().map(SentLine::spot).filter(Objects::nonNull).toList();
    Map<String, SpotRecord> stored =
        dsl.selectFrom(SPOT).fetch().stream()
            .collect(Collectors.toMap(r -> r.getDxCall() + " " + r.getFrequencyKhz(), r -> r));
    assertThat(sent).hasSize(count);
    for (SimulatedSpot spot : sent) {
      String khz = java.math.BigDecimal.valueOf(spot.frequencyHz(), 3).toPlainString();
      SpotRecord row = stored.get(spot.dxCall() + " " + khz);
      assertThat(row).as("row for " + spot).isNotNull();
      String comment =
          spot.comment().length() > 30 ? spot.comment().substring(0, 30) : spot.comment();
      assertThat(row.getSpotter()).isEqualTo(spot.spotter());
      assertThat(row.getComment()).isEqualTo(comment.strip());
      assertThat(row.getSpottedAt().toInstant())
          .isEqualTo(spot.time().truncatedTo(ChronoUnit.MINUTES));
      assertThat(row.getBand()).isEqualTo(BandPlan.bandOf(spot.frequencyHz()));
      assertThat(row.getNode()).isEqualTo("sim");
      if (comment.startsWith("FT8 ")) {
        assertThat(row.getMode()).isEqualTo("FT8");
        assertThat(row.getModeSource()).isEqualTo("stated");
      }
    }
    assertThat(daemon.writer().stats().spotsStored()).isEqualTo(count);
    assertThat(daemon.writer().stats().duplicates()).isZero();
  }

  @Test
  void solarReportsAndAnnouncementsLandInTheirTables() {
    SimulatorServer node =
        simulator(SimulatorOptions.defaults().withRate(2000).withCount(1500).withSeed(3));
    startDaemon(List.of(NodeConfig.of("sim", "127.0.0.1", node.port(), "N0CALL")));

    Await.until(
        () -> "1500 spots, have " + dsl.fetchCount(SPOT),
        () -> dsl.fetchCount(SPOT) == 1500,
        DEADLINE);
    List<SentLine> sent = node.sentLines();
    long announcements =
        sent.stream()
            .filter(l -> l.kind() == SentLine.Kind.ANNOUNCEMENT)
            .map(SentLine::text)
            .distinct()
            .count();
    // A WWV or WCY report is one row per station, hour and values: the fixed clock makes it one
    // hour, the simulator's random values make each line a report of its own (a correction, as
    // far as the table can tell), and a repeated line would be the same report.
    List<SentLine> solar =
        sent.stream()
            .filter(l -> l.kind() == SentLine.Kind.WWV || l.kind() == SentLine.Kind.WCY)
            .toList();
    long solarReports = solar.stream().map(SentLine::text).distinct().count();
    Await.until(
        () -> "announcements and solar reports",
        () ->
            dsl.fetchCount(ANNOUNCEMENT) == announcements
                && dsl.fetchCount(SOLAR_REPORT) == solarReports,
        DEADLINE);

    assertThat(announcements).isPositive();
    assertThat(solar.stream().map(SentLine::kind).distinct()).hasSize(2);
    assertThat(dsl.selectDistinct(SOLAR_REPORT.KIND).from(SOLAR_REPORT).fetch(SOLAR_REPORT.KIND))
        .containsExactlyInAnyOrder("WWV", "WCY");
  }

  @Test
  void theSameSpotsFromTwoNodesAreStoredOnceAndCountedAsDuplicates() {
    int count = 300;
    SimulatorOptions same = SimulatorOptions.defaults().withRate(1000).withCount(count).withSeed(5);
    SimulatorServer first = simulator(same);
    SimulatorServer second = simulator(same);
    startDaemon(
        List.of(
            NodeConfig.of("first", "127.0.0.1", first.port(), "N0CALL"),
            NodeConfig.of("second", "127.0.0.1", second.port(), "N0CALL")));

    Await.until(
        () -> "both nodes' spots received and written, " + daemon.writer().stats().spotsStored(),
        () ->
            daemon.spotsReceived() == 2L * count
                && daemon.writer().backlog() == 0
                && daemon.writer().stats().spotsStored() + daemon.writer().stats().duplicates()
                    == 2L * count,
        DEADLINE);

    assertThat(spotTexts(first)).isEqualTo(spotTexts(second));
    assertThat(dsl.fetchCount(SPOT)).isEqualTo(count);
    assertThat(daemon.writer().stats().spotsStored()).isEqualTo(count);
    assertThat(daemon.writer().stats().duplicates()).isEqualTo(count);
    Map<String, Long> byNode =
        dsl.select(SPOT.NODE).from(SPOT).fetch(SPOT.NODE).stream()
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertThat(byNode.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(count);
  }

  private static List<String> spotTexts(SimulatorServer server) {
    return server.sentLines().stream()
        .filter(l -> l.kind() == SentLine.Kind.SPOT)
        .map(SentLine::text)
        .toList();
  }
}
