package org.dxscraper.scraper.ingest;

import static org.dxscraper.db.jooq.Tables.SPOT;

import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.dxscraper.scraper.cluster.ConnectionPolicy;
import org.dxscraper.scraper.cluster.NodeConfig;
import org.dxscraper.scraper.simulate.SimulatorOptions;
import org.dxscraper.scraper.simulate.SimulatorServer;
import org.dxscraper.scraper.store.Database;
import org.dxscraper.scraper.store.Journal;
import org.dxscraper.scraper.store.Migrations;
import org.dxscraper.scraper.store.SpotWriter;
import org.dxscraper.scraper.testing.Await;
import org.dxscraper.scraper.testing.TestFiles;
import org.dxscraper.scraper.testing.TestPostgres;
import org.dxscraper.scraper.testing.TestPostgres.TestDatabase;

/**
 * End-to-end harness, not a test: a simulator node streams spots at a steady rate to the daemon,
 * which stores them in a real PostgreSQL (embedded, or DX_SCRAPER_TEST_DB_URL), and every spot's
 * time from its line's arrival to its commit is recorded. Prints the percentiles.
 *
 * <p>Arguments: spots per second (default 1000), seconds (default 30), and a directory for the
 * journal (default: none, the daemon runs without one). With a journal, the directory is emptied
 * first.
 */
public final class IngestLatencyHarness {
  private IngestLatencyHarness() {}

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int count = rate * seconds;
    String journal = args.length > 2 ? args[2] : null;
    if (journal != null) {
      TestFiles.deleteTree(Path.of(journal));
    }
    long[] micros = new long[count * 2];
    AtomicInteger recorded = new AtomicInteger();
    try (TestDatabase testDatabase = TestPostgres.createDatabase();
        Database database = Database.open(testDatabase.config());
        SimulatorServer node =
            new SimulatorServer(
                    SimulatorOptions.defaults().withRate(rate).withCount(count).withSeed(1),
                    InstantSource.system())
                .start()) {
      Migrations.migrate(database.dataSource());
      Daemon daemon =
          new Daemon(
                  List.of(NodeConfig.of("sim", "127.0.0.1", node.port(), "N0CALL")),
                  database,
                  null,
                  SpotWriter.Settings.DEFAULTS,
                  InstantSource.system(),
                  ConnectionPolicy.DEFAULT,
                  RandomGenerator.getDefault(),
                  new SpotWriter.Listener() {
                    @Override
                    public void spotCommitted(Duration latency) {
                      int i = recorded.getAndIncrement();
                      if (i < micros.length) {
                        micros[i] = latency.toNanos() / 1000;
                      }
                    }
                  },
                  journal == null ? null : Journal.Settings.defaults(Path.of(journal)))
              .start(Duration.ofSeconds(10));
      try {
        Await.until(
            () -> count + " spots stored, have " + recorded.get(),
            () -> recorded.get() >= count,
            Duration.ofSeconds(seconds * 3L + 60));
      } finally {
        daemon.close();
      }
      long rows = database.dsl().fetchCount(SPOT);
      long[] sorted = Arrays.copyOf(micros, Math.min(recorded.get(), micros.length));
      Arrays.sort(sorted);
      System.out.printf(
          "ingest latency, line arrival to commit, %d spots at %d/s on %s (%d rows):%n"
              + "  p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms%n",
          sorted.length,
          rate,
          TestPostgres.describe(),
          rows,
          percentile(sorted, 50),
          percentile(sorted, 90),
          percentile(sorted, 99),
          percentile(sorted, 99.9),
          sorted[sorted.length - 1] / 1000.0);
    }
    System.exit(0);
  }

  private static double percentile(long[] sorted, double p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1000.0;
  }
}
