package org.dxscraper.scraper.store;

import static org.dxscraper.db.jooq.Tables.SPOT;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.dxscraper.scraper.store.PendingRow.SpotRow;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.tools.jdbc.MockConnection;
import org.jooq.tools.jdbc.MockResult;
import org.jooq.tools.jdbc.SingleConnectionDataSource;
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

/**
 * What the writer thread spends per row before the database sees a batch: {@link RowInserts#spots}
 * on a batch of 1,000 rows, which builds jOOQ's multi-row {@code INSERT ... ON CONFLICT DO NOTHING
 * RETURNING}, renders its SQL and binds its 23,000 values. Results are rows per second.
 *
 * <p>The writer has no encoding step of its own to measure (it hands the rows to jOOQ), so this
 * runs the real method against jOOQ's {@link MockConnection}, which binds into a statement that
 * goes nowhere and answers with no rows: it measures jOOQ's share, not the JDBC driver's encoding
 * of the values for the wire, nor the server. A JDBC mock is out of place in a test; here it is
 * what separates the client's cost from the server's.
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
  private DSLContext dsl;

  @Setup
  public void makeBatch() {
    // RETURNING finds no rows: the metrics' count of stored spots stays 0, nothing else reads it.
    MockResult[] noRows = new MockResult[1];
    // Through a DataSource, as the daemon does: using(Connection, ...) has a Settings overload
    // whose
    // JAXB annotations javac cannot resolve, a warning that -Werror turns into an error.
    dsl =
        DSL.using(
            new SingleConnectionDataSource(new MockConnection(context -> noRows)),
            SQLDialect.POSTGRES);
    noRows[0] = new MockResult(0, dsl.newResult(SPOT.NODE, SPOT.BAND, SPOT.MODE, SPOT.BACKFILLED));
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
  public Object insertStatement() {
    return RowInserts.spots(dsl, rows);
  }
}
