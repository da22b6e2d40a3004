package org.dxscraper.scraper.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.dxscraper.scraper.store.PendingRow.SpotRow;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What a writer thread spends per row before the database sees a batch: {@link SpotCopyEncoder}
 * turning a batch of 1,000 rows into {@code COPY}'s text (what {@link RowInserts#copySpots} sends),
 * and {@link SpotArrayEncoder} turning it into the 23 array literals of the insert a batch falls
 * back to. Results are rows per second. What follows, pgjdbc sending the bytes and the server's
 * work, is measured end to end by the benchmark suite.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RowInsertsBenchmark {
  static final int BATCH = 1000;

  private static final String[] BANDS = {"160m", "80m", "40m", "30m", "20m", "17m", "15m", "10m"};
  private static final String[] ENTITIES = {"Germany", "United States", "Japan", "Spain", "Brazil"};
  private static final String[] CONTINENTS = {"EU", "NA", "AS", "EU", "SA"};

  private final List<SpotRow> rows = new ArrayList<>(BATCH);
  private final SpotArrayEncoder encoder = new SpotArrayEncoder();
  private final SpotCopyEncoder copy = new SpotCopyEncoder();

  @Setup
  public void makeBatch() {
    Random random = new Random(42);
    Instant now = Instant.parse("2026-12-04T18:00:30Z");
    for (int i = 0; i < BATCH; i++) {
      boolean skimmer = random.nextInt(4) == 0;
      int entity = random.nextInt(ENTITIES.length);
      int spotterEntity = random.nextInt(ENTITIES.length);
      rows.add(
          new SpotRow(
              now.minusSeconds(30),
              now.plusMillis(i),
              "sim",
              "DL" + random.nextInt(10) + "ABC" + (skimmer ? "-#" : ""),
              1_800_000L + random.nextInt(28_000_000),
              "K" + random.nextInt(10) + (char) ('A' + random.nextInt(26)) + "XY",
              skimmer ? "CW 24 dB 22 WPM CQ" : "599 tnx",
              BANDS[random.nextInt(BANDS.length)],
              "CW",
              skimmer ? "stated" : "inferred",
              skimmer ? 24 : null,
              skimmer ? 22 : null,
              skimmer ? "WPM" : null,
              skimmer ? "CQ" : null,
              null,
              null,
              ENTITIES[entity],
              CONTINENTS[entity],
              5 + entity,
              ENTITIES[spotterEntity],
              CONTINENTS[spotterEntity],
              5 + spotterEntity,
              false));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int copyText() {
    return copy.encode(rows, "daemon").length();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void insertStatement(Blackhole sink) {
    for (int column = 0; column < SpotArrayEncoder.COLUMNS.size(); column++) {
      sink.consume(encoder.encode(column, rows));
    }
  }
}
