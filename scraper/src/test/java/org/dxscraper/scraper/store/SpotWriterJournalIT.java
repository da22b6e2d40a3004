package org.dxscraper.scraper.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dxscraper.scraper.testing.Await;
import org.dxscraper.scraper.testing.TestPostgres;
import org.dxscraper.scraper.testing.TestPostgres.MigratedDatabase;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The writer's checkpoint where a batch is not stored: it must stay below the batch, so that the
 * next start replays it from the journal. (Found by review: both paths once moved past it.)
 */
class SpotWriterJournalIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path dir;

  private Journal journal;
  private SpotWriter writer;

  @BeforeEach
  void openJournal() throws IOException {
    journal =
        Journal.open(
            new Journal.Settings(dir, 64 * 1024, 256 * 1024, Duration.ofSeconds(60), 0),
            InstantSource.system(),
            Journal.Listener.NONE);
  }

  @AfterEach
  void close() {
    if (writer != null) {
      writer.close();
    }
    journal.close();
  }

  private SpotWriter writer(DSLContext dsl, SpotWriter.Listener listener) {
    return new SpotWriter(
            dsl,
            new SpotWriter.Settings(100, Duration.ofMillis(10), 1000, 200, Duration.ofSeconds(30)),
            InstantSource.system(),
            SpotWriter.Backpressure.NONE,
            listener)
        .checkpointTo(journal)
        .start();
  }

  /** Journals {@code count} lines and submits a spot row for each, as the pipeline does. */
  private void lines(int from, int count) {
    for (int i = from; i < from + count; i++) {
      Instant now = Instant.now();
      long seq = journal.append("sim", "line " + i, now);
      assertThat(journal.flush()).hasSize(1);
      writer.submit(RowQueueTest.spot(i, now), seq);
      writer.linesDone(seq);
    }
  }

  @Test
  void aStopWhileTheDatabaseFailsKeepsTheFailedBatchForTheNextStart() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    PGSimpleDataSource dead = new PGSimpleDataSource();
    dead.setUrl("jdbc:postgresql://127.0.0.1:" + port + "/nothing");
    writer = writer(DSL.using(dead, SQLDialect.POSTGRES), new SpotWriter.Listener() {});
    lines(1, 3);
    Await.until(() -> "a failed write", () -> writer.failingSince() != null, DEADLINE);

    writer.close();
    writer = null;

    assertThat(journal.checkpointSeq()).isZero();
    assertThat(JournalCheckpoint.read(dir)).isZero();
  }

  @Test
  void aBatchLostToAnUnexpectedFailureHoldsTheCheckpointBelowIt() {
    try (MigratedDatabase db = TestPostgres.migratedDatabase()) {
      AtomicBoolean failOnce = new AtomicBoolean(true);
      writer =
          writer(
              db.database().dsl(),
              new SpotWriter.Listener() {
                @Override
                public void batchCommitted(Duration took, int rows) {
                  if (failOnce.getAndSet(false)) {
                    throw new IllegalStateException("a bug after the commit");
                  }
                }
              });
      lines(1, 3);
      Await.until(() -> "the first batch lost", () -> writer.stats().givenUp() == 3, DEADLINE);
      lines(4, 3);
      Await.until(() -> "the later rows stored", () -> writer.backlog() == 0, DEADLINE);

      writer.close();
      writer = null;

      assertThat(journal.checkpointSeq()).isZero();
    }
  }

  @Test
  void anIdleWriterMovesAPendingCheckpointWhenItIsDueWithoutWaitingForRows() {
    try (MigratedDatabase db = TestPostgres.migratedDatabase()) {
      writer = writer(db.database().dsl(), new SpotWriter.Listener() {});
      lines(1, 3);
      Await.until(() -> "the first checkpoint", () -> journal.checkpointSeq() == 3, DEADLINE);
      // Committed within a second of that checkpoint, so this one waits until it is due; then the
      // writer, idle, must wake for it rather than sleep its whole idle wait.
      lines(4, 3);

      Await.until(
          () -> "the pending checkpoint, due a second after the first",
          () -> journal.checkpointSeq() == 6,
          RowQueue.IDLE_POLL.minus(SpotWriter.CHECKPOINT_EVERY));
    }
  }
}
