package org.dxscraper.scraper.store;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.dxscraper.scraper.store.RowQueue.Queued;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores what the nodes sent, on a thread of its own: takes rows in batches by size or age ({@link
 * RowQueue}) and stores each batch in one transaction with multi-row {@code INSERT ... ON CONFLICT
 * DO NOTHING} ({@link BatchStore}, {@link RowInserts}), so a spot stored before (another node, a
 * replay) costs nothing and makes no second row. With a journal it moves the journal's checkpoint
 * as batches commit.
 *
 * <p>{@link #submit} may be called from any thread and never blocks: it is called on the Netty
 * event loop. The queue has no hard bound; without a journal, past {@link Settings#highWater()}
 * rows the writer asks its {@link Backpressure} to stop reading from the nodes, and at {@link
 * Settings#lowWater()} to resume, so a slow database slows the nodes down instead of losing lines.
 * With a journal the sink in front keeps the queue below the high water mark instead.
 *
 * <p>When the database fails, the batch is kept and tried again with a growing pause (up to 30 s);
 * nothing is dropped. A row the database refuses as data (a check constraint) is logged, counted in
 * {@link WriterStats#rejected()} and skipped, so one odd row cannot stop the rest.
 */
public final class SpotWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SpotWriter.class);

  /** A write under way longer than this makes {@link #problem()} say the database hangs. */
  public static final Duration SLOW_WRITE = Duration.ofSeconds(3);

  /** The sequence of a row that has no journal line behind it. */
  public static final long NO_SEQ = -1;

  /** How often, at most, the journal checkpoint is moved while rows commit. */
  static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(1);

  /**
   * With a journal, the longest {@link #close()} keeps storing: what is left replays at the next
   * start, and a service manager gives a stop about 10 s ({@code docker stop}) before SIGKILL.
   */
  public static final Duration JOURNAL_SHUTDOWN_GRACE = Duration.ofSeconds(5);

  /** Called by the writer to slow the nodes down; both methods must return quickly. */
  public interface Backpressure {
    /** Never pauses: with a journal in front, which keeps the backlog bounded itself. */
    Backpressure NONE =
        new Backpressure() {
          @Override
          public void pause() {}

          @Override
          public void resume() {}
        };

    void pause();

    void resume();
  }

  /**
   * Hears what the writer committed, on the writer thread: metrics and benchmarks. Must be quick
   * and must not throw.
   */
  public interface Listener {
    /** A spot of the committed batch, stored or duplicate, and its time from arrival to commit. */
    default void spotCommitted(Duration sinceReceived) {}

    /**
     * A spot row from {@code node} was inserted (not a duplicate); band and mode may be null;
     * {@code backfilled} when it came from the node's history after a gap.
     */
    default void spotStored(String node, String band, String mode, boolean backfilled) {}

    /**
     * A transaction of {@code rows} rows (spots, reports, announcements) committed after {@code
     * took}.
     */
    default void batchCommitted(Duration took, int rows) {}
  }

  /**
   * @param batchSize rows per transaction at most
   * @param batchAge how long the first row of a batch waits for more before the batch is written
   * @param highWater backlog at which reading from the nodes pauses
   * @param lowWater backlog at which reading resumes
   * @param shutdownGrace how long {@link #close()} keeps trying to store what is queued
   * @param daemonName stored in every row's {@code daemon} column (--daemon-name), or null
   */
  public record Settings(
      int batchSize,
      Duration batchAge,
      int highWater,
      int lowWater,
      Duration shutdownGrace,
      String daemonName) {
    public static final Settings DEFAULTS =
        new Settings(1000, Duration.ofMillis(200), 100_000, 20_000, Duration.ofSeconds(30));

    /** Rows stored without a daemon name. */
    public Settings(
        int batchSize, Duration batchAge, int highWater, int lowWater, Duration shutdownGrace) {
      this(batchSize, batchAge, highWater, lowWater, shutdownGrace, null);
    }

    public Settings {
      if (batchSize < 1 || batchSize > 100_000) {
        throw new IllegalArgumentException("batch size must be 1..100000, got " + batchSize);
      }
      Objects.requireNonNull(batchAge, "batchAge");
      if (batchAge.isNegative() || batchAge.isZero()) {
        throw new IllegalArgumentException("batch age must be positive, got " + batchAge);
      }
      if (lowWater < 0 || highWater <= lowWater) {
        throw new IllegalArgumentException(
            "need 0 <= low water < high water, got " + lowWater + " and " + highWater);
      }
      Objects.requireNonNull(shutdownGrace, "shutdownGrace");
    }
  }

  private final Settings settings;
  private final InstantSource clock;
  private final LongSupplier ticker;
  private final WriterStats stats = new WriterStats();
  private final RowQueue queue;
  private final BatchStore store;
  private final Thread thread;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile long stopDeadline;
  private volatile Journal journal;
  private volatile Runnable afterBatch = () -> {};
  // Arrival of the first row of the batch being written, null between batches: what a watchdog
  // needs when the database hangs and nothing new arrives behind the batch.
  private volatile Instant inFlightSince;
  private volatile int inFlightRows;
  // Writer thread only: the first line of a batch the writer did not store (stopped while the
  // database failed, or an unexpected failure); the checkpoint stays below it for the next start.
  private long notStoredFrom = Long.MAX_VALUE;
  private long checkpointedAt;
  private boolean checkpointed;
  private boolean checkpointFailing;

  public SpotWriter(
      DSLContext dsl,
      Settings settings,
      InstantSource clock,
      Backpressure backpressure,
      Listener listener) {
    this(dsl, settings, clock, System::nanoTime, backpressure, listener);
  }

  /**
   * @param clock stamps times (when an outage began, when a write started)
   * @param ticker measures waits in nanoseconds: the batch age, the stop's grace, the checkpoint
   *     interval
   */
  SpotWriter(
      DSLContext dsl,
      Settings settings,
      InstantSource clock,
      LongSupplier ticker,
      Backpressure backpressure,
      Listener listener) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.queue =
        new RowQueue(
            settings, clock, ticker, Objects.requireNonNull(backpressure, "backpressure"), stats);
    this.store =
        new BatchStore(
            Objects.requireNonNull(dsl, "dsl"),
            clock,
            RandomGenerator.getDefault(),
            Objects.requireNonNull(listener, "listener"),
            stats,
            settings.daemonName());
    this.thread = new Thread(this::run, "spot-writer");
  }

  public SpotWriter start() {
    thread.start();
    return this;
  }

  /**
   * Moves {@code journal}'s checkpoint as rows commit: to the highest sequence such that every line
   * up to it is stored or made no row. Call before {@link #start()}. With a journal, {@link
   * #close()} leaves what it cannot store in time to the next start's replay instead of giving it
   * up.
   */
  public SpotWriter checkpointTo(Journal journal) {
    this.journal = Objects.requireNonNull(journal, "journal");
    return this;
  }

  /**
   * Runs {@code action} on the writer thread after each batch, once its rows have left the backlog:
   * a drain waiting for room hears of it at once instead of polling. It must be quick and must not
   * block. Call before {@link #start()}.
   */
  public SpotWriter afterEachBatch(Runnable action) {
    this.afterBatch = Objects.requireNonNull(action, "action");
    return this;
  }

  /** Queues a row for storing. Never blocks; safe on any thread. */
  public void submit(PendingRow row) {
    submit(row, NO_SEQ);
  }

  /**
   * Queues a row made from journal line {@code seq}. Rows must come in sequence order, and {@link
   * #linesDone} must follow once every row of the line is submitted.
   */
  public void submit(PendingRow row, long seq) {
    queue.submit(row, seq);
  }

  /** The pipeline is done with every journal line up to {@code seq}. */
  public void linesDone(long seq) {
    queue.linesDone(seq);
  }

  /** Rows received but not yet committed: queued, and the batch being written. */
  public int backlog() {
    return queue.size() + inFlightRows;
  }

  /**
   * When the oldest row not yet committed arrived (the batch being written, else the queue's head);
   * null when nothing waits.
   */
  public Instant waitingSince() {
    Instant inFlight = inFlightSince;
    return inFlight != null ? inFlight : queue.headReceivedAt();
  }

  public WriterStats stats() {
    return stats;
  }

  /** When the database began refusing or failing writes; null while writes succeed. */
  public Instant failingSince() {
    return store.failingSince();
  }

  /** The last write failure, one short line without SQL text; null while writes succeed. */
  public String lastError() {
    return store.lastError();
  }

  /**
   * What is wrong with writing, in one sentence, or null: writes failing, or a write under way for
   * longer than {@link #SLOW_WRITE} (a hung server or network fails nothing for minutes, and a pool
   * waits its connect timeout before it says so; a commit normally takes milliseconds).
   */
  public String problem() {
    Instant failing = store.failingSince();
    if (failing != null) {
      return "database writes failing since " + failing + ": " + store.lastError();
    }
    Instant started = store.writeStartedAt();
    if (started != null) {
      Duration writing = Duration.between(started, clock.instant());
      if (writing.compareTo(SLOW_WRITE) > 0) {
        return "database not answering: a write has been under way for " + writing;
      }
    }
    return null;
  }

  /** The retry loop's view of {@link #close()}. */
  private final BatchStore.Stop stop =
      new BatchStore.Stop() {
        @Override
        public boolean expired() {
          return stopping && ticker.getAsLong() - stopDeadline >= 0;
        }

        @Override
        public void pause(Duration pause) throws InterruptedException {
          // Waits the pause, or less when close() is called: a stop must not wait 30 s for it.
          stopSignal.await(pause.toNanos(), TimeUnit.NANOSECONDS);
        }
      };

  private void run() {
    List<Queued> batch = new ArrayList<>(settings.batchSize());
    while (!stopping || !queue.isEmpty()) {
      try {
        checkpoint(false);
        if (!queue.fill(batch, stopping, idleWait())) {
          // Also here, not only after a batch: a pause that began while the last batch drained
          // the queue (the event loop between counting the backlog and pausing) would otherwise
          // never end, since no rows come while reading is paused. Found by review (#11).
          queue.resumeIfDrained();
          continue;
        }
        inFlightSince = batch.get(0).row().receivedAt();
        inFlightRows = batch.size();
        if (store.store(batch, stop, queue.size()) == BatchStore.Outcome.NOT_STORED) {
          notStored(batch);
          break;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        log.error("writer: interrupted with {} rows queued", queue.size());
        return;
      } catch (RuntimeException e) {
        // A bug must not end the thread that holds everything not yet stored: count, log, go on.
        // With a journal the checkpoint stays below the batch, so the next start stores it.
        stats.givenUp.add(inFlightRows);
        if (journal != null && !batch.isEmpty()) {
          notStoredFrom = Math.min(notStoredFrom, batch.get(0).seq());
          log.error(
              "writer: a batch of {} rows failed unexpectedly; the journal keeps them from line {}"
                  + " on, and the next start stores them",
              inFlightRows,
              notStoredFrom,
              e);
        } else {
          log.error("writer: lost a batch of {} rows to an unexpected failure", inFlightRows, e);
        }
      } finally {
        batch.clear();
        inFlightSince = null;
        inFlightRows = 0;
      }
      queue.resumeIfDrained();
      try {
        afterBatch.run();
      } catch (RuntimeException e) {
        log.warn("writer: the after-batch action failed: {}", e.toString());
      }
    }
    checkpoint(true);
  }

  /** The writer closed while the database failed: say what is left and where it is kept. */
  private void notStored(List<Queued> batch) {
    notStoredFrom = batch.get(0).seq();
    int left = batch.size() + queue.size();
    if (journal != null) {
      log.warn(
          "writer: stopping while the database fails ({}); {} rows wait in the journal and are"
              + " stored at the next start",
          store.lastError(),
          left);
      return;
    }
    stats.givenUp.add(left);
    log.error(
        "writer: giving up at shutdown: {} rows were received but not stored: {}",
        left,
        store.lastError());
  }

  /**
   * How long an idle writer may wait for a first row: until a pending checkpoint is due, else
   * {@link RowQueue#IDLE_POLL} (which also bounds how late the checkpoint passes lines that made no
   * row). Writer thread only, between batches.
   */
  private long idleWait() {
    Journal target = journal;
    if (target == null || safeCheckpoint() <= target.checkpointSeq()) {
      return RowQueue.IDLE_POLL.toNanos();
    }
    long due = checkpointedAt + CHECKPOINT_EVERY.toNanos() - ticker.getAsLong();
    return Math.max(1, Math.min(due, RowQueue.IDLE_POLL.toNanos()));
  }

  /**
   * The highest journal line the checkpoint may pass: every line up to it is stored or made no row,
   * and none is at or after a batch that was not stored. Writer thread only, between batches.
   */
  private long safeCheckpoint() {
    return Math.min(queue.doneThrough(), notStoredFrom - 1);
  }

  /**
   * Moves the journal's checkpoint past what is committed: at most once per {@link
   * #CHECKPOINT_EVERY}, or now when {@code force}. Writer thread only, between batches.
   */
  private void checkpoint(boolean force) {
    Journal target = journal;
    if (target == null) {
      return;
    }
    long now = ticker.getAsLong();
    if (!force && checkpointed && now - checkpointedAt < CHECKPOINT_EVERY.toNanos()) {
      return;
    }
    long safe = safeCheckpoint();
    if (safe <= target.checkpointSeq()) {
      return;
    }
    checkpointedAt = now;
    checkpointed = true;
    try {
      target.checkpoint(safe);
      if (checkpointFailing) {
        checkpointFailing = false;
        log.info("writer: the journal checkpoint moves again (now {})", safe);
      }
    } catch (IOException e) {
      // Not fatal: a checkpoint that falls behind only means replaying more after a crash, and
      // segments waiting for deletion. The journal's own health reports a full disk. Logged once
      // per failure, not once a second.
      if (!checkpointFailing) {
        checkpointFailing = true;
        log.warn("writer: could not move the journal checkpoint to {}: {}", safe, e.toString());
      }
    }
  }

  /**
   * Stops taking new work and stores what is queued; keeps trying a failing database for at most
   * {@link Settings#shutdownGrace()} (with a journal at most {@link #JOURNAL_SHUTDOWN_GRACE}, and
   * not at all while the database fails), then says what could not be stored.
   */
  @Override
  public void close() {
    Duration grace = settings.shutdownGrace();
    if (journal != null && grace.compareTo(JOURNAL_SHUTDOWN_GRACE) > 0) {
      grace = JOURNAL_SHUTDOWN_GRACE;
    }
    if (journal != null && store.failingSince() != null) {
      // The database is down: waiting for it only delays the stop, the journal has every row.
      grace = Duration.ZERO;
    }
    stopDeadline = ticker.getAsLong() + grace.toNanos();
    stopping = true;
    stopSignal.countDown();
    queue.wake();
    // With a journal a write hung on a dead server may keep the thread; the rows are safe, so
    // waiting longer than the grace would only delay the stop.
    Duration wait = journal != null ? grace.plusSeconds(1) : grace.plusSeconds(10);
    try {
      thread.join(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      if (journal != null) {
        log.warn(
            "writer: a write was still under way at the stop; {} rows wait in the journal and are"
                + " stored at the next start",
            backlog());
      } else {
        log.error("writer: still busy after {}; {} rows left", wait, backlog());
      }
    }
  }
}
