package org.dxscraper.scraper.metrics;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import org.dxscraper.scraper.simulate.SimulatorOptions;
import org.dxscraper.scraper.store.WriterStats;
import org.dxscraper.scraper.testing.TestPostgres;

/**
 * End-to-end harness, not a test: while a simulator streams spots at a high rate through the daemon
 * into PostgreSQL, {@code /metrics} is scraped over HTTP back to back and each scrape's time is
 * recorded. Prints percentiles, and the ingest rate reached meanwhile.
 *
 * <p>Arguments: spots per second (default 10000), seconds (default 20).
 */
public final class MetricsScrapeHarness {
  private MetricsScrapeHarness() {}

  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    try (DaemonFixture fixture =
        new DaemonFixture(
            SimulatorOptions.defaults().withRate(rate).withSeed(1), InstantSource.system(), null)) {
      // Warm-up: let the stream settle and the JIT compile the scrape path.
      for (int i = 0; i < 200; i++) {
        fixture.get("/metrics");
      }
      WriterStats stats = fixture.daemon.writer().stats();
      long storedBefore = stats.spotsStored() + stats.duplicates();
      long[] nanos = new long[seconds * 1000];
      int scrapes = 0;
      long bytes = 0;
      long start = System.nanoTime();
      long end = start + Duration.ofSeconds(seconds).toNanos();
      while (System.nanoTime() < end && scrapes < nanos.length) {
        long t0 = System.nanoTime();
        HttpResponse<String> response = fixture.get("/metrics");
        nanos[scrapes++] = System.nanoTime() - t0;
        bytes += response.body().length();
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      long written = stats.spotsStored() + stats.duplicates() - storedBefore;
      long[] sorted = Arrays.copyOf(nanos, scrapes);
      Arrays.sort(sorted);
      System.out.printf(
          "/metrics while ingesting %.0f spots/s (simulator asked for %d/s) on %s:%n"
              + "  %d scrapes of %d bytes: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms;"
              + " backlog at the end %d%n",
          written / elapsed,
          rate,
          TestPostgres.describe(),
          scrapes,
          bytes / Math.max(scrapes, 1),
          percentile(sorted, 50),
          percentile(sorted, 90),
          percentile(sorted, 99),
          sorted[sorted.length - 1] / 1e6,
          fixture.daemon.writer().backlog());
    }
    System.exit(0);
  }

  private static double percentile(long[] sorted, double p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }
}
