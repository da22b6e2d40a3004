package org.dxscraper.scraper.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.dxscraper.scraper.store.Journal;
import org.dxscraper.scraper.store.SpotWriter;
import org.dxscraper.scraper.testing.Await;
import org.dxscraper.scraper.testing.TestPostgres;
import org.dxscraper.scraper.testing.TestPostgres.MigratedDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drain of a journal backlog against a real PostgreSQL: it is paced by the writer's batches,
 * not by the drain's fallback timer. The event loop here runs what is executed at once but never
 * fires a delayed task, so a drain that waited for its timer would stop at the first full backlog.
 */
class JournaledSinkIT {
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final int LINES = 5_000;

  @TempDir Path dir;

  private final TimerlessLoop loop = new TimerlessLoop();
  private Journal journal;
  private SpotWriter writer;

  @AfterEach
  void close() {
    loop.shutdownNow();
    if (writer != null) {
      writer.close();
    }
    if (journal != null) {
      journal.close();
    }
  }

  private Journal.Settings journalSettings() {
    return new Journal.Settings(dir, 1024 * 1024, 64 * 1024 * 1024, Duration.ofMillis(100), 0);
  }

  @Test
  void aBacklogLeftByAnEarlierRunDrainsWithoutWaitingForTheTimer() throws IOException {
    // The earlier run: LINES spots journalled, none stored (it was killed).
    try (Journal earlier =
        Journal.open(journalSettings(), InstantSource.system(), Journal.Listener.NONE)) {
      Instant at = Instant.parse("2026-12-04T20:00:00Z");
      for (int i = 0; i < LINES; i++) {
        earlier.append("sim", spotLine(i), at.plusMillis(i));
      }
      assertThat(earlier.flush()).hasSize(LINES);
    }

    try (MigratedDatabase db = TestPostgres.migratedDatabase()) {
      journal = Journal.open(journalSettings(), InstantSource.system(), Journal.Listener.NONE);
      // Batches of 100, and the drain feeds the writer only while it holds fewer than 200 rows:
      // the drain has to wait for the writer some 25 times.
      writer =
          new SpotWriter(
                  db.database().dsl(),
                  new SpotWriter.Settings(
                      100, Duration.ofMillis(20), 1_000, 200, Duration.ofSeconds(30)),
                  InstantSource.system(),
                  SpotWriter.Backpressure.NONE,
                  new SpotWriter.Listener() {})
              .checkpointTo(journal);
      IngestPipeline pipeline = new IngestPipeline(List.of("sim"), new Enricher(null), writer);
      JournaledSink sink =
          new JournaledSink(journal, pipeline, writer, 1_000, 200, RandomGenerator.getDefault());
      writer.start();

      sink.start(loop);

      Await.until(
          () -> "every journalled spot stored (" + db.count("spot") + " rows)",
          () -> db.count("spot") == LINES,
          DEADLINE);
      assertThat(sink.replayed()).isEqualTo(LINES);
      assertThat(loop.delayedRan.get()).as("delayed tasks run").isZero();
      assertThat(loop.delayedAsked.get()).as("fallback timers armed").isPositive();
    }
  }

  private static String spotLine(int i) {
    // Distinct spots: the frequency and the DX call change with i.
    return String.format(
        "DX de K1ABC:     %7.1f  DL%dXYZ       CW 599                         2000Z",
        14_000.0 + (i % 300) * 0.1, i / 300);
  }

  /** Runs executed tasks on one thread; a task delayed by more than zero never runs. */
  private static final class TimerlessLoop extends ScheduledThreadPoolExecutor {
    final AtomicInteger delayedAsked = new AtomicInteger();
    final AtomicInteger delayedRan = new AtomicInteger();

    TimerlessLoop() {
      super(1);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
      if (delay <= 0) {
        return super.schedule(task, 0, unit);
      }
      delayedAsked.incrementAndGet();
      return super.schedule(
          () -> {
            delayedRan.incrementAndGet();
            task.run();
          },
          365,
          TimeUnit.DAYS);
    }
  }
}
