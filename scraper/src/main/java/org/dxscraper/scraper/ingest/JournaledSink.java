package org.dxscraper.scraper.ingest;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;
import org.dxscraper.scraper.cluster.LineSink;
import org.dxscraper.scraper.retry.Backoff;
import org.dxscraper.scraper.store.Journal;
import org.dxscraper.scraper.store.JournalRecord;
import org.dxscraper.scraper.store.SpotWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the journal in front of the pipeline: each line is appended as it is framed, the lines of a
 * socket read are written with one {@code write()} at the end of the read, and only then parsed and
 * stored. So nothing the daemon has read and passed on can be lost to a SIGKILL.
 *
 * <p>While the writer keeps up, written lines go straight on to the pipeline. When its backlog
 * reaches {@code spillAt} rows (the database is down or slow), new lines stay in the journal only
 * and a drain reads them back, oldest first, whenever the backlog is below {@code drainBelow}: the
 * memory held is bounded by the backlog, the outage by the journal's size. Lines left by an earlier
 * run (after a crash) drain the same way at start. A drain that waits for the writer is woken by it
 * after each batch ({@link SpotWriter#afterEachBatch}); polling every {@link #DRAIN_WAIT} alone
 * held the drain after an outage to about 36,000 lines/s while the writer idled between polls.
 *
 * <p>Threading: everything here runs on the Netty event loop ({@link LineSink}'s contract, and the
 * drain and retries are scheduled on it), so the journal's event-loop side needs no locks.
 */
public final class JournaledSink implements LineSink {
  private static final Logger log = LoggerFactory.getLogger(JournaledSink.class);

  /** Lines parsed per drain task: about 2 ms of event-loop time, so reads are not held up. */
  static final int DRAIN_CHUNK = 500;

  /** How soon a drain looks again at a writer that is still behind, if the writer says nothing. */
  static final Duration DRAIN_WAIT = Duration.ofMillis(50);

  /** Retries of a failed journal write: 1 s, doubling to 30 s, with jitter. */
  static final Backoff WRITE_RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  private final Journal journal;
  private final IngestPipeline pipeline;
  private final SpotWriter writer;
  private final int spillAt;
  private final int drainBelow;
  private final RandomGenerator random;
  private final LongAdder replayed = new LongAdder();
  private ScheduledExecutorService loop;
  private Journal.Reader drain;
  private boolean drainScheduled;
  private ScheduledFuture<?> drainTimer;
  // Set on the event loop when the drain stops for a full backlog; read by the writer thread.
  private volatile boolean awaitingWriter;
  private boolean retryScheduled;
  private boolean handOverQueued;
  private int writeAttempts;
  private boolean drainFailing;

  /**
   * @param spillAt writer backlog (rows) from which new lines wait in the journal
   * @param drainBelow writer backlog under which the drain feeds the pipeline
   */
  public JournaledSink(
      Journal journal,
      IngestPipeline pipeline,
      SpotWriter writer,
      int spillAt,
      int drainBelow,
      RandomGenerator random) {
    this.journal = Objects.requireNonNull(journal, "journal");
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.random = Objects.requireNonNull(random, "random");
    if (drainBelow < 1 || spillAt < drainBelow) {
      throw new IllegalArgumentException(
          "need 1 <= drainBelow <= spillAt, got " + drainBelow + " and " + spillAt);
    }
    this.spillAt = spillAt;
    this.drainBelow = drainBelow;
    writer.afterEachBatch(this::writerMadeRoom);
    writer.handOverAtEndOfRead();
  }

  /**
   * Starts on {@code eventLoop}, the loop of the node channels: replays what the journal holds
   * after its checkpoint before any new line.
   */
  public void start(ScheduledExecutorService eventLoop) {
    this.loop = Objects.requireNonNull(eventLoop, "eventLoop");
    loop.execute(
        () -> {
          if (journal.writtenSeq() > journal.checkpointSeq() && drain == null) {
            drain = journal.reader(journal.checkpointSeq());
            scheduleDrain(0);
          }
        });
  }

  @Override
  public void onLine(String node, String line, Instant receivedAt) {
    journal.append(node, line, receivedAt);
    // The node is alive now, whenever the line gets parsed: the watchdog must know at once.
    pipeline.heard(node, line, receivedAt);
  }

  @Override
  public void endOfRead() {
    if (!retryScheduled) {
      writeAndPassOn();
    }
  }

  private void writeAndPassOn() {
    List<JournalRecord> written = journal.flush();
    try {
      for (JournalRecord record : written) {
        if (drain == null && writer.backlog() >= spillAt) {
          drain = journal.reader(record.seq() - 1);
          log.info(
              "journal: the writer is {} rows behind; new lines wait in the journal and are"
                  + " stored oldest first as it catches up",
              writer.backlog());
        }
        if (drain == null) {
          pipeline.process(record.node(), record.line(), record.receivedAt(), record.seq(), false);
        }
      }
    } finally {
      handOver();
    }
    if (drain != null) {
      scheduleDrain(0);
    }
    if (journal.failing()) {
      Duration pause = WRITE_RETRY.delay(++writeAttempts, random);
      retryScheduled = true;
      loop.schedule(
          () -> {
            retryScheduled = false;
            writeAndPassOn();
          },
          pause.toNanos(),
          TimeUnit.NANOSECONDS);
    } else {
      writeAttempts = 0;
    }
  }

  /**
   * Tells the writer that the rows submitted so far are all there is for now, once the event loop
   * has been through every node that was readable on this tick: the nodes share the read grid, and
   * one batch (one commit) for all of them costs the database less than one each.
   */
  private void handOver() {
    if (handOverQueued) {
      return;
    }
    if (loop != null) {
      handOverQueued = true;
      try {
        // The loop runs its tasks after the reads of this round of polling.
        loop.execute(
            () -> {
              handOverQueued = false;
              writer.endOfRead();
            });
        return;
      } catch (RejectedExecutionException e) {
        handOverQueued = false; // stopping: tell the writer now
      }
    }
    writer.endOfRead();
  }

  private void scheduleDrain(long delayNanos) {
    if (drainScheduled) {
      return;
    }
    drainScheduled = true;
    if (delayNanos == 0) {
      loop.execute(this::drainSome);
    } else {
      drainTimer = loop.schedule(this::drainSome, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Writer thread, after each batch: wakes a drain that waits for room. */
  private void writerMadeRoom() {
    if (awaitingWriter && writer.backlog() < drainBelow) {
      awaitingWriter = false;
      try {
        loop.execute(this::drainEarly);
      } catch (RejectedExecutionException e) {
        // Stopping: the event loop is gone, the lines not drained replay at the next start.
      }
    }
  }

  /** Event loop: the drain's timer is not needed, the writer made room. */
  private void drainEarly() {
    if (drainScheduled) {
      if (drainTimer == null) {
        return; // an immediate drain is queued already
      }
      drainTimer.cancel(false);
    }
    drainSome();
  }

  private void drainSome() {
    drainScheduled = false;
    drainTimer = null;
    awaitingWriter = false;
    if (drain == null) {
      return;
    }
    int passed = 0;
    try {
      try {
        while (passed < DRAIN_CHUNK && writer.backlog() < drainBelow) {
          JournalRecord record = drain.next();
          if (record == null) {
            caughtUp();
            return;
          }
          boolean fromEarlierRun = record.seq() < journal.firstSeqOfRun();
          if (fromEarlierRun) {
            replayed.increment();
          }
          pipeline.process(
              record.node(), record.line(), record.receivedAt(), record.seq(), fromEarlierRun);
          passed++;
        }
      } finally {
        handOver(); // whatever ended the chunk, its rows go
      }
      if (drainFailing) {
        log.info("journal: reading back works again");
        drainFailing = false;
      }
    } catch (IOException | RuntimeException e) {
      if (!drainFailing) {
        log.error("journal: reading back failed, trying again every second: {}", e.toString());
        drainFailing = true;
      }
      scheduleDrain(TimeUnit.SECONDS.toNanos(1));
      return;
    }
    if (passed == DRAIN_CHUNK) {
      scheduleDrain(0);
    } else {
      awaitingWriter = true;
      // A batch that ended before the flag was set did not see it: look once more.
      if (writer.backlog() < drainBelow) {
        awaitingWriter = false;
        scheduleDrain(0);
      } else {
        scheduleDrain(DRAIN_WAIT.toNanos());
      }
    }
  }

  private void caughtUp() {
    try {
      drain.close();
    } catch (IOException e) {
      log.debug("journal: closing the reader: {}", e.toString());
    }
    drain = null;
    log.info(
        "journal: caught up; lines go straight to the writer again (replayed from earlier runs: {})",
        replayed.sum());
  }

  /** Lines of earlier runs stored from the journal by this run. */
  public long replayed() {
    return replayed.sum();
  }

  public Journal journal() {
    return journal;
  }
}
