package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.dxscraper.scraper.ingest.Enricher;
import org.dxscraper.scraper.parse.LineParser;
import org.dxscraper.scraper.parse.Spot;
import org.dxscraper.scraper.store.PendingRow.SpotRow;
import org.dxscraper.scraper.store.RowQueue.Queued;
import org.dxscraper.scraper.testing.Await;
import org.junit.jupiter.api.Test;

class RowQueueTest {
  private static final Instant T0 = Instant.parse("2026-12-04T18:00:00Z");
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  private static final LineParser PARSER = new LineParser();
  private static final Enricher ENRICHER = new Enricher(null);

  private final List<String> backpressure = new ArrayList<>();
  private final WriterStats stats = new WriterStats();

  private RowQueue queue(InstantSource clock, int batchSize, int highWater, int lowWater) {
    return queue(clock, batchSize, Duration.ofMillis(200), highWater, lowWater);
  }

  private RowQueue queue(
      InstantSource clock, int batchSize, Duration batchAge, int highWater, int lowWater) {
    return new RowQueue(
        new SpotWriter.Settings(batchSize, batchAge, highWater, lowWater, Duration.ofSeconds(30)),
        clock,
        () -> 0L, // the ticker stands still: only the clock says how old a batch is
        new SpotWriter.Backpressure() {
          @Override
          public void pause() {
            backpressure.add("pause");
          }

          @Override
          public void resume() {
            backpressure.add("resume");
          }
        },
        stats);
  }

  /** {@code queue.fill(batch, false)} on another thread, as the writer calls it. */
  private static CompletableFuture<Boolean> fillElsewhere(RowQueue queue, List<Queued> batch) {
    return fillElsewhere(queue, batch, RowQueue.IDLE_POLL::toNanos);
  }

  /** {@link #fillElsewhere}, waiting for a first row as long as {@code idleNanos} says. */
  private static CompletableFuture<Boolean> fillElsewhere(
      RowQueue queue, List<Queued> batch, LongSupplier idleNanos) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return queue.fill(batch, false, idleNanos);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** A writer thread filling {@code batch}, once it waits idle for a first row. */
  private static CompletableFuture<Boolean> idleWriter(RowQueue queue, List<Queued> batch) {
    // Waiting an hour for a first row: only what the test does can end that wait.
    CompletableFuture<Boolean> filled =
        fillElsewhere(queue, batch, () -> TimeUnit.HOURS.toNanos(1));
    Await.until(() -> "the writer waiting for a first row", queue::writerIdle, DEADLINE);
    return filled;
  }

  static SpotRow spot(int i, Instant at) {
    String khz = (140_000 + i) / 10 + "." + i % 10;
    String line = "DX de N1SPOT:    " + khz + "  K" + i + "ABC   test " + i + " 1800Z";
    return ENRICHER.row("sim", (Spot) PARSER.parse(line, at), at);
  }

  @Test
  void aBatchWhoseFirstRowIsOldEnoughGoesAtOnceWithWhatIsThere() throws InterruptedException {
    // The clock says the first row waited longer than the batch age: no waiting for company.
    RowQueue queue = queue(InstantSource.fixed(T0.plusSeconds(1)), 1000, 100, 10);
    for (int i = 0; i < 3; i++) {
      queue.submit(spot(i, T0), i + 1);
    }
    List<Queued> batch = new ArrayList<>();
    assertThat(queue.fill(batch, false)).isTrue();
    assertThat(batch).extracting(Queued::seq).containsExactly(1L, 2L, 3L);
    assertThat(queue.isEmpty()).isTrue();
  }

  @Test
  void aBatchNeverHoldsMoreThanItsSize() throws InterruptedException {
    RowQueue queue = queue(InstantSource.fixed(T0), 2, 100, 10);
    for (int i = 0; i < 5; i++) {
      queue.submit(spot(i, T0), i + 1);
    }
    List<Queued> batch = new ArrayList<>();
    queue.fill(batch, false);
    assertThat(batch).hasSize(2);
    assertThat(queue.size()).isEqualTo(3);
  }

  @Test
  void aBatchThatFillsIsTakenAtOnceLongBeforeItsAge() throws Exception {
    // An hour's batch age and a ticker that stands still: only the rows filling it end the wait.
    RowQueue queue = queue(InstantSource.fixed(T0), 3, Duration.ofHours(1), 100, 10);
    queue.submit(spot(0, T0), 1);
    List<Queued> batch = new ArrayList<>();
    CompletableFuture<Boolean> filled = fillElsewhere(queue, batch);
    Await.until(() -> "the writer waiting for more rows", queue::writerWaiting, DEADLINE);
    queue.submit(spot(1, T0), 2);
    queue.submit(spot(2, T0), 3);

    assertThat(filled.get(5, TimeUnit.SECONDS)).isTrue();
    assertThat(batch).extracting(Queued::seq).containsExactly(1L, 2L, 3L);
  }

  @Test
  void anIdleWriterWakesAtTheEndOfARead() throws Exception {
    // An hour's batch age and a ticker that stands still: only the end of the read ends the wait.
    RowQueue queue = queue(InstantSource.fixed(T0), 1000, Duration.ofHours(1), 2000, 10);
    queue.handOverAtEndOfRead();
    List<Queued> batch = new ArrayList<>();
    CompletableFuture<Boolean> filled = idleWriter(queue, batch);

    for (int i = 0; i < 3; i++) {
      queue.submit(spot(i, T0), i + 1);
    }
    assertThat(queue.writerWakeUps.sum()).isZero(); // not at the read's first row
    queue.endOfRead();

    assertThat(filled.get(5, TimeUnit.SECONDS)).isTrue();
    assertThat(batch).extracting(Queued::seq).containsExactly(1L, 2L, 3L);
    assertThat(queue.writerWakeUps.sum()).isEqualTo(1);
  }

  @Test
  void withoutTheHandOverTheFirstRowWakesTheWriter() throws Exception {
    RowQueue queue = queue(InstantSource.fixed(T0), 1000, Duration.ofHours(1), 2000, 10);
    List<Queued> batch = new ArrayList<>();
    CompletableFuture<Boolean> filled = idleWriter(queue, batch);

    queue.submit(spot(0, T0), 1);

    assertThat(queue.writerWakeUps.sum()).isEqualTo(1);
    queue.endOfRead(); // ends the wait for the batch's age all the same
    assertThat(filled.get(5, TimeUnit.SECONDS)).isTrue();
    assertThat(batch).extracting(Queued::seq).containsExactly(1L);
  }

  @Test
  void aBacklogWakesAnIdleWriterWithoutTheEndOfItsRead() throws Exception {
    // A low water mark of 3 rows: the backlog that calls for help, and for the idle writer too.
    RowQueue queue = queue(InstantSource.fixed(T0), 1000, Duration.ofHours(1), 2000, 3);
    queue.handOverAtEndOfRead();
    List<Queued> batch = new ArrayList<>();
    CompletableFuture<Boolean> filled = idleWriter(queue, batch);

    queue.submit(spot(0, T0), 1);
    queue.submit(spot(1, T0), 2);
    assertThat(queue.writerWakeUps.sum()).isZero();
    queue.submit(spot(2, T0), 3);

    assertThat(queue.writerWakeUps.sum()).isEqualTo(1);
    Await.until(() -> "the writer gathering", () -> !queue.writerIdle(), DEADLINE);
    queue.endOfRead();
    assertThat(filled.get(5, TimeUnit.SECONDS)).isTrue();
    assertThat(batch).extracting(Queued::seq).containsExactly(1L, 2L, 3L);
  }

  @Test
  void rowsSubmittedAfterTheEndOfAReadAreWaitedForUntilTheirOwn() throws Exception {
    RowQueue queue = queue(InstantSource.fixed(T0), 1000, Duration.ofHours(1), 2000, 10);
    queue.handOverAtEndOfRead();
    queue.submit(spot(0, T0), 1);
    queue.submit(spot(1, T0), 2);
    queue.endOfRead();
    queue.submit(spot(2, T0), 3); // the next read has begun
    List<Queued> batch = new ArrayList<>();
    CompletableFuture<Boolean> filled = fillElsewhere(queue, batch);
    Await.until(() -> "the writer waiting for the read's end", queue::writerWaiting, DEADLINE);
    assertThat(filled).isNotDone();

    queue.endOfRead();

    assertThat(filled.get(5, TimeUnit.SECONDS)).isTrue();
    assertThat(batch).extracting(Queued::seq).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aStopEndsTheGatheringOfABatchAtOnce() throws Exception {
    // An hour's batch age and a ticker that stands still: only the stop can end this wait.
    RowQueue queue = queue(InstantSource.fixed(T0), 3, Duration.ofHours(1), 100, 10);
    queue.submit(spot(0, T0), 1);
    List<Queued> batch = new ArrayList<>();
    CompletableFuture<Boolean> filled = fillElsewhere(queue, batch);
    Await.until(() -> "the writer waiting for more rows", queue::writerWaiting, DEADLINE);

    queue.wake();

    assertThat(filled.get(5, TimeUnit.SECONDS)).isTrue();
    assertThat(batch).extracting(Queued::seq).containsExactly(1L);
  }

  /** {@code queue.awaitBacklog} for an hour on another thread, as a second writer thread. */
  private static CompletableFuture<Void> awaitBacklogElsewhere(RowQueue queue) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            queue.awaitBacklog(TimeUnit.HOURS.toNanos(1));
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  @Test
  void aSecondWriterSleepsUntilAFullBatchWaits() throws Exception {
    RowQueue queue = queue(InstantSource.fixed(T0), 3, 100, 10);
    CompletableFuture<Void> woken = awaitBacklogElsewhere(queue);
    try {
      Await.until(() -> "the second writer waiting", queue::backlogWaiting, DEADLINE);
      queue.submit(spot(0, T0), 1);
      queue.submit(spot(1, T0), 2);
      assertThat(woken).isNotDone();

      queue.submit(spot(2, T0), 3);

      woken.get(5, TimeUnit.SECONDS);
      assertThat(queue.untilHelpNeeded(Duration.ofHours(1))).isZero();
    } finally {
      queue.wake(); // a failed test leaves no thread parked for an hour
    }
  }

  @Test
  void aBacklogAlreadyThereEndsTheWaitAtOnce() throws Exception {
    RowQueue queue = queue(InstantSource.fixed(T0), 2, 100, 10);
    queue.submit(spot(0, T0), 1);
    queue.submit(spot(1, T0), 2);
    try {
      awaitBacklogElsewhere(queue).get(5, TimeUnit.SECONDS);
    } finally {
      queue.wake();
    }
  }

  @Test
  void aStopEndsTheWaitForABacklog() throws Exception {
    RowQueue queue = queue(InstantSource.fixed(T0), 3, 100, 10);
    CompletableFuture<Void> woken = awaitBacklogElsewhere(queue);
    Await.until(() -> "the second writer waiting", queue::backlogWaiting, DEADLINE);

    queue.wake();

    woken.get(5, TimeUnit.SECONDS);
  }

  @Test
  void helpIsNeededWhenTheOldestRowHasWaitedTooLongOrABacklogWaits() {
    Duration stuckAfter = Duration.ofSeconds(3);
    RowQueue queue = queue(InstantSource.fixed(T0), 100, 1000, 500);
    assertThat(queue.untilHelpNeeded(stuckAfter)).isEqualTo(RowQueue.IDLE_POLL.toNanos());

    queue.submit(spot(0, T0.minusSeconds(1)), 1);
    assertThat(queue.untilHelpNeeded(stuckAfter)).isEqualTo(Duration.ofSeconds(2).toNanos());

    RowQueue old = queue(InstantSource.fixed(T0), 100, 1000, 500);
    old.submit(spot(0, T0.minusSeconds(3)), 1);
    assertThat(old.untilHelpNeeded(stuckAfter)).isZero();
  }

  @Test
  void aLowWaterMarkUnderABatchIsTheBacklogThatCallsForHelp() {
    // A journal's drain keeps the queue under the low water mark: a full batch would never wait.
    RowQueue queue = queue(InstantSource.fixed(T0), 100, 10, 2);
    queue.submit(spot(0, T0), 1);
    assertThat(queue.untilHelpNeeded(Duration.ofHours(1))).isPositive();

    queue.submit(spot(1, T0), 2);

    assertThat(queue.untilHelpNeeded(Duration.ofHours(1))).isZero();
  }

  @Test
  void pausesReadingAtHighWaterAndResumesAtLowWaterOnce() throws InterruptedException {
    RowQueue queue = queue(InstantSource.fixed(T0.plusSeconds(1)), 3, 5, 2);
    for (int i = 0; i < 7; i++) {
      queue.submit(spot(i, T0), i + 1);
    }
    assertThat(backpressure).containsExactly("pause");
    assertThat(stats.pauses()).isEqualTo(1);

    List<Queued> batch = new ArrayList<>();
    queue.fill(batch, false);
    queue.resumeIfDrained(); // 4 left: above low water
    assertThat(backpressure).containsExactly("pause");
    batch.clear();
    queue.fill(batch, false);
    queue.resumeIfDrained(); // 1 left
    queue.resumeIfDrained();
    assertThat(backpressure).containsExactly("pause", "resume");
  }

  @Test
  void isDoneThroughTheLineBeforeItsFirstWaitingRow() throws InterruptedException {
    RowQueue queue = queue(InstantSource.fixed(T0.plusSeconds(1)), 2, 100, 10);
    // Lines 1-4 made rows; line 5 made none (a prompt); the pipeline is done with all five.
    for (int seq = 1; seq <= 4; seq++) {
      queue.submit(spot(seq, T0), seq);
    }
    queue.linesDone(5);
    assertThat(queue.doneThrough()).isEqualTo(0);

    List<Queued> batch = new ArrayList<>();
    queue.fill(batch, false); // rows of lines 1 and 2 taken (and, say, committed)
    assertThat(queue.doneThrough()).isEqualTo(2);
    batch.clear();
    queue.fill(batch, false);
    assertThat(queue.doneThrough()).isEqualTo(5);
    queue.linesDone(3); // marks never go back
    assertThat(queue.doneThrough()).isEqualTo(5);
  }
}
