package org.dxscraper.scraper.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import org.dxscraper.instrumentation.probe.ProbeTarget;
import org.dxscraper.scraper.cluster.ConnectionPolicy;
import org.dxscraper.scraper.cluster.NodeConfig;
import org.dxscraper.scraper.enrich.CtyDat;
import org.dxscraper.scraper.ingest.Daemon;
import org.dxscraper.scraper.retry.Backoff;
import org.dxscraper.scraper.simulate.SimulatorOptions;
import org.dxscraper.scraper.simulate.SimulatorServer;
import org.dxscraper.scraper.store.Database;
import org.dxscraper.scraper.store.EntityPositionWriter;
import org.dxscraper.scraper.store.Journal;
import org.dxscraper.scraper.store.Migrations;
import org.dxscraper.scraper.store.PartitionKeeper;
import org.dxscraper.scraper.store.SpotWriter;
import org.dxscraper.scraper.testing.TestFiles;
import org.dxscraper.scraper.testing.TestPostgres;
import org.dxscraper.scraper.testing.TestPostgres.TestDatabase;
import org.dxscraper.scraper.watch.IngestWatchdog;

/**
 * A daemon wired as {@code run} wires it, in this JVM: a simulator node "sim", a node "quiet" that
 * never answers, a fresh test database, and /metrics and /health on a free loopback port.
 */
final class DaemonFixture implements AutoCloseable {
  private static final ConnectionPolicy FAST =
      ConnectionPolicy.DEFAULT.withBackoff(
          new Backoff(Duration.ofMillis(100), Duration.ofMillis(500)),
          new Backoff(Duration.ofMillis(100), Duration.ofMillis(500)));

  static final Path DEBIAN_CTY = Path.of("/usr/share/hamradio-files/cty.dat");

  final TestDatabase testDatabase;
  final Database database;
  final SimulatorServer node;
  final Daemon daemon;
  private final Path journalDir;
  private final PartitionKeeper partitions;
  final Instrumentation instrumentation;

  /** Not started: tests call {@link IngestWatchdog#check()} after moving their clock. */
  final IngestWatchdog watchdog;

  // HTTP/1.1: the default HTTP/2 client first offers an h2c upgrade, which costs it ~40 ms a call
  // here, more than the scrape itself; Prometheus speaks HTTP/1.1 too.
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  DaemonFixture(SimulatorOptions options, InstantSource clock, Duration stallTimeout)
      throws IOException {
    journalDir = Files.createTempDirectory("dx-fixture-journal");
    testDatabase = TestPostgres.createDatabase();
    database = Database.open(testDatabase.config());
    Migrations.migrate(database.dataSource());
    // Enriched as `run` enriches where hamradio-files is installed (.ci/run installs it): the
    // dashboards' entity and map panels need the DXCC columns and dxcc_entity.
    CtyDat cty = CtyDat.loadIfPresent(DEBIAN_CTY).orElse(null);
    if (cty != null) {
      EntityPositionWriter.store(database.dsl(), cty.positions(), clock.instant());
    }
    node = new SimulatorServer(options, InstantSource.system()).start();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ScraperMetrics metrics = new ScraperMetrics(registry, clock);
    daemon =
        new Daemon(
            List.of(
                NodeConfig.of("sim", "127.0.0.1", node.port(), "N0CALL"),
                // Never reachable: its meters must show 0, not be missing.
                NodeConfig.of("quiet", "127.0.0.1", 1, "N0CALL")),
            database,
            cty,
            SpotWriter.Settings.DEFAULTS,
            clock,
            FAST,
            new Random(1),
            metrics.writerListener(),
            // As `run` has it by default: the journal's meters are part of the scrape.
            Journal.Settings.defaults(journalDir));
    daemon.pipeline().setSpotListener(metrics.spotListener());
    watchdog = new IngestWatchdog(daemon, stallTimeout, clock);
    metrics.bind(daemon, watchdog);
    // As `run` has it: partitions kept ahead, everything retained.
    partitions = new PartitionKeeper(database.dsl(), clock, null).start();
    metrics.bindPartitions(partitions);
    metrics.bindDaemonName("fixture");
    instrumentation =
        Instrumentation.start(
            registry,
            daemon,
            database,
            watchdog,
            new Instrumentation.Settings(
                new InetSocketAddress("127.0.0.1", 0),
                "test",
                // An open port (the simulator), a closed one and a web page nobody serves.
                List.of(
                    ProbeTarget.parse("node=tcp://127.0.0.1:" + node.port()),
                    ProbeTarget.parse("closed=tcp://127.0.0.1:1"),
                    ProbeTarget.parse("web=http://127.0.0.1:1/")),
                null));
    daemon.start(Duration.ofMinutes(1));
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).build());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + instrumentation.port() + path);
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    partitions.close();
    daemon.close();
    instrumentation.close();
    node.close();
    database.close();
    testDatabase.close();
    try {
      TestFiles.deleteTree(journalDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
