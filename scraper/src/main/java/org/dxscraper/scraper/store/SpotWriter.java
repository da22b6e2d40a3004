package org.dxscraper.scraper.store;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.dxscraper.scraper.store.RowQueue.Queued;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores what the nodes sent, on threads of its own: takes rows in batches by size, by the end of a
 * read or by age ({@link RowQueue}) and stores each batch in one transaction, by {@code COPY} or,
 * when that meets a stored spot, by {@code INSERT ... ON CONFLICT DO NOTHING} ({@link BatchStore},
 * {@link RowInserts}), so a spot stored before (another node, a replay) makes no second row. With a
 * journal it moves the journal's checkpoint as batches commit.
 *
 * <p>Two batches are in flight at once ({@link #DEFAULT_THREADS}) while there is a backlog, each on
 * a thread and a connection of its own: one thread gathers the next batch, encodes and sends it
 * while the other's batch is executed and committed. Without a backlog (a full batch waiting) the
 * first thread alone gathers and stores, and the second sleeps ({@link RowQueue#awaitBacklog}). One
 * thread gathers at a time, so batches leave the queue in order; they may commit out of order, and
 * the checkpoint stays below the oldest batch still in flight.
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

  /**
   * Batches in flight at once, a thread and a connection each. With one, building a batch and
   * executing it never overlapped, and the server's share of a batch (its rows, then the WAL flush
   * at commit) left the daemon waiting: a warm daemon stored 24,000-33,000 spots/s with 40% of the
   * two cores idle (docs/BENCHMARKS.md, "The writer's insert").
   */
  public static final int DEFAULT_THREADS = 2;

  /** How often the writer asks again whether the database's commits are durable. */
  static final Duration DURABILITY_CHECK = Duration.ofSeconds(10);

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
   * Hears what the writer committed, on a writer thread, one batch at a time (the writer's threads
   * take turns): metrics and benchmarks. Must be quick and must not throw.
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
   * @param batchAge the longest the first row of a batch waits for more before the batch is
   *     written; a batch that holds every row of a read goes at once ({@link #endOfRead()})
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
    /**
     * 20 ms of batch age: a busy node is read on {@code ReadPacer}'s 200 ms grid, so the rows of a
     * tick arrive together and a longer age would only add to the time a line waits to be stored.
     */
    public static final Settings DEFAULTS =
        new Settings(1000, Duration.ofMillis(20), 100_000, 20_000, Duration.ofSeconds(30));

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
  private final DSLContext dsl;
  private final Listener listener;
  private final BatchStore.Shared shared = new BatchStore.Shared();
  private volatile Worker[] workers = new Worker[0];
  private int threads = DEFAULT_THREADS;
  // Held by the one thread that gathers a batch (and moves the checkpoint); the others wait for
  // it without waking, and RowQueue has one waiter at a time.
  private final ReentrantLock gather = new ReentrantLock();
  private final AtomicInteger running = new AtomicInteger();
  // Retry pauses wait on this: close() and a commit after a failure end them.
  private final Object pauses = new Object();
  private long retries;
  private volatile boolean stopping;
  private volatile long stopDeadline;
  private final AtomicBoolean gaveUp = new AtomicBoolean();
  private volatile Journal journal;
  private volatile Runnable afterBatch = () -> {};
  // The first line of a batch the writer did not store (stopped while the database failed, or an
  // unexpected failure); the checkpoint stays below it for the next start. Set before the batch
  // leaves the in-flight set, so that the checkpoint always has one of the two below it.
  private final AtomicLong notStoredFrom = new AtomicLong(Long.MAX_VALUE);
  // The first batch given up to an unexpected failure while running, for batchGivenUp().
  private final AtomicReference<String> gaveUpOn = new AtomicReference<>();
  // Whether the database makes a commit durable before it answers (fsync on, synchronous_commit
  // not off): only then may the journal leave committed lines unsynced (Journal#stored). Asked
  // after the first batch that commits and again every DURABILITY_CHECK while batches commit (a
  // reload or ALTER ... SET can change the answer, a failover can land on another server); null
  // until answered, after a batch that did not commit, and when the question failed.
  private volatile Boolean durableCommits;
  private volatile long durableAskedAt;
  // The last answer was false and was logged: a server that stays so is logged once.
  private volatile boolean loggedNotDurable;
  // Guarded by gather.
  private long checkpointedAt;
  private boolean checkpointed;
  private boolean checkpointFailing;

  /** A writer thread, its store (connection, encoder buffers) and the batch it has in flight. */
  private static final class Worker {
    final BatchStore store;
    Thread thread;
    // The batch in flight's place in the gathering order; null between batches.
    BatchStore.Ticket ticket;
    // Arrival of the first row of the batch in flight, null between batches: what a watchdog needs
    // when the database hangs and nothing new arrives behind the batch.
    volatile Instant since;
    volatile int rows;
    // The batch's first journal line; MAX_VALUE between batches.
    volatile long firstSeq = Long.MAX_VALUE;

    Worker(BatchStore store) {
      this.store = store;
    }

    /** Registers {@code batch} as in flight; under the gather lock, before the lock is let go. */
    void took(List<Queued> batch) {
      firstSeq = batch.get(0).seq();
      rows = batch.size();
      since = batch.get(0).row().receivedAt();
    }

    void done() {
      since = null;
      rows = 0;
      firstSeq = Long.MAX_VALUE;
    }
  }

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
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Batches in flight at once (default {@link #DEFAULT_THREADS}), each on a thread and a pooled
   * connection of its own. Call before {@link #start()}.
   */
  public SpotWriter threads(int count) {
    // The pool (Database) has a connection for each of DEFAULT_THREADS and the other users.
    if (count < 1 || count > DEFAULT_THREADS) {
      throw new IllegalArgumentException(
          "writer threads must be 1.." + DEFAULT_THREADS + ", got " + count);
    }
    this.threads = count;
    return this;
  }

  public SpotWriter start() {
    Worker[] started = new Worker[threads];
    for (int i = 0; i < started.length; i++) {
      Worker worker =
          new Worker(
              new BatchStore(
                  dsl,
                  clock,
                  RandomGenerator.getDefault(),
                  listener,
                  stats,
                  settings.daemonName(),
                  shared));
      worker.thread = new Thread(() -> run(worker), "spot-writer-" + (i + 1));
      started[i] = worker;
    }
    workers = started;
    running.set(started.length);
    for (Worker worker : started) {
      worker.thread.start();
    }
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
   * Runs {@code action} on a writer thread after each batch, once its rows have left the backlog: a
   * drain waiting for room hears of it at once instead of polling. It must be quick and must not
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

  /**
   * Says that the rows submitted so far are all there is for now: a read's lines, or a chunk of
   * them read back from the journal, went through the pipeline. A batch that holds them all is
   * written at once rather than at its age ({@link Settings#batchAge()}). Any thread.
   */
  public void endOfRead() {
    queue.endOfRead();
  }

  /**
   * For a submitter that calls {@link #endOfRead()} after each read: an idle writer then wakes for
   * the read's rows together, instead of at the first of them while the event loop is still parsing
   * the rest.
   */
  public SpotWriter handOverAtEndOfRead() {
    queue.handOverAtEndOfRead();
    return this;
  }

  /** The pipeline is done with every journal line up to {@code seq}. */
  public void linesDone(long seq) {
    queue.linesDone(seq);
  }

  /** Rows received but not yet committed: queued, and the batches being written. */
  public int backlog() {
    int rows = queue.size();
    for (Worker worker : workers) {
      rows += worker.rows;
    }
    return rows;
  }

  /**
   * When the oldest row not yet committed arrived (the oldest batch being written, else the queue's
   * head); null when nothing waits.
   */
  public Instant waitingSince() {
    Instant oldest = null;
    for (Worker worker : workers) {
      Instant since = worker.since;
      if (since != null && (oldest == null || since.isBefore(oldest))) {
        oldest = since;
      }
    }
    return oldest != null ? oldest : queue.headReceivedAt();
  }

  public WriterStats stats() {
    return stats;
  }

  /**
   * Once a batch was given up to an unexpected failure (a bug; logged with its stack), one sentence
   * saying so and where its rows are, until the next start; null before.
   */
  public String batchGivenUp() {
    return gaveUpOn.get();
  }

  /** When the database began refusing or failing writes; null while writes succeed. */
  public Instant failingSince() {
    return shared.failingSince();
  }

  /** The last write failure, one short line without SQL text; null while writes succeed. */
  public String lastError() {
    return shared.lastError();
  }

  /**
   * What is wrong with writing, in one sentence, or null: writes failing, or a write under way for
   * longer than {@link #SLOW_WRITE} (a hung server or network fails nothing for minutes, and a pool
   * waits its connect timeout before it says so; a commit normally takes milliseconds). A batch
   * given up since the start is {@link #batchGivenUp()}.
   */
  public String problem() {
    Instant failing = shared.failingSince();
    if (failing != null) {
      return "database writes failing since " + failing + ": " + shared.lastError();
    }
    Instant started = null;
    for (Worker worker : workers) {
      Instant at = worker.store.writeStartedAt();
      if (at != null && (started == null || at.isBefore(started))) {
        started = at;
      }
    }
    if (started != null) {
      Duration writing = Duration.between(started, clock.instant());
      if (writing.compareTo(SLOW_WRITE) > 0) {
        return "database not answering: a write has been under way for " + writing;
      }
    }
    return null;
  }

  /** The retry loop's view of {@link #close()}, and of the other thread's commits. */
  private final BatchStore.Stop stop =
      new BatchStore.Stop() {
        @Override
        public boolean expired() {
          return stopping && ticker.getAsLong() - stopDeadline >= 0;
        }

        @Override
        public void pause(Duration pause) throws InterruptedException {
          // Waits the pause, or less when close() is called (a stop must not wait 30 s for it)
          // or the other thread's batch commits (the database is back).
          long until = System.nanoTime() + pause.toNanos();
          synchronized (pauses) {
            long retriesBefore = retries;
            while (!stopping && retries == retriesBefore) {
              long left = until - System.nanoTime();
              if (left <= 0) {
                return;
              }
              TimeUnit.NANOSECONDS.timedWait(pauses, left);
            }
          }
        }

        @Override
        public void retryNow() {
          synchronized (pauses) {
            retries++;
            pauses.notifyAll();
          }
        }
      };

  private void run(Worker worker) {
    List<Queued> batch = new ArrayList<>(settings.batchSize());
    boolean interrupted = false;
    try {
      while (!gaveUp.get()) {
        if (worker != workers[0] && !stopping) {
          // Only the first thread gathers while it keeps up; this one helps with a backlog, and
          // takes over from a first thread stuck in a batch (a half-open connection can hold it
          // for as long as TCP keepalive takes) once the oldest queued row has waited SLOW_WRITE.
          long wait = queue.untilHelpNeeded(SLOW_WRITE);
          if (wait > 0) {
            queue.awaitBacklog(wait);
            continue;
          }
        }
        boolean took = false;
        boolean failed = false;
        gather.lockInterruptibly();
        try {
          if (stopping && queue.isEmpty()) {
            break;
          }
          checkpoint(false);
          took = queue.fill(batch, stopping, this::idleWait);
          if (took) {
            worker.took(batch);
            worker.ticket = worker.store.enter(batch);
          }
        } catch (InterruptedException e) {
          // Rows taken from the queue but not yet stored: hold the checkpoint below them before
          // another thread can take the lock and move it.
          if (!batch.isEmpty()) {
            keepForNextStart(batch);
          }
          throw e;
        } catch (RuntimeException | Error e) {
          // A bug while gathering must not end the thread, nor let the checkpoint pass the rows
          // it took (found by review, #11: an Error once left the flight unmarked).
          failed = true;
          if (!batch.isEmpty()) {
            lost(batch, e);
          } else {
            log.error("writer: gathering a batch failed", e);
          }
        } finally {
          if (failed) {
            if (worker.ticket != null) {
              worker.store.leave(worker.ticket);
              worker.ticket = null;
            }
            worker.done();
            batch.clear();
            took = false;
          }
          gather.unlock();
        }
        if (failed) {
          if (stop.expired()) {
            break; // closing, its grace spent: what is left waits in the journal, or is counted
          }
          stop.pause(Duration.ofSeconds(1)); // not a hot loop if it fails every time
          continue;
        }
        if (!took) {
          // Also here, not only after a batch: a pause that began while the last batch drained
          // the queue (the event loop between counting the backlog and pausing) would otherwise
          // never end, since no rows come while reading is paused. Found by review (#11).
          queue.resumeIfDrained();
          continue;
        }
        boolean committed = store(worker, batch);
        if (journal != null) {
          checkDurability(committed);
          // Another thread may wait idle with a wait reckoned before this commit made a checkpoint
          // pending (found by SpotWriterJournalIT).
          queue.nudgeIdle();
        }
        queue.resumeIfDrained();
        try {
          afterBatch.run();
        } catch (RuntimeException e) {
          log.warn("writer: the after-batch action failed: {}", e.toString());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      interrupted = true;
      log.error("writer: interrupted with {} rows queued", queue.size());
    } finally {
      batch.clear();
      worker.done();
      if (running.decrementAndGet() == 0) {
        if (journal == null) {
          // Counted once, by the last thread out: what nobody took from the queue (nothing after
          // a stop that stored everything).
          stats.givenUp.add(queue.size());
        }
        if (!interrupted) {
          gather.lock();
          try {
            checkpoint(true);
          } finally {
            gather.unlock();
          }
        }
      }
    }
  }

  /**
   * Stores {@code batch}, which {@code worker} has in flight; whatever happens, it is out of flight
   * afterwards, and unless it was stored the checkpoint stays below it. True when it is committed.
   */
  private boolean store(Worker worker, List<Queued> batch) throws InterruptedException {
    boolean stored = false;
    try {
      BatchStore.Ticket ticket = worker.ticket;
      worker.ticket = null;
      if (worker.store.store(batch, ticket, stop, queue.size()) == BatchStore.Outcome.NOT_STORED) {
        notStored(batch);
      } else {
        stored = true;
      }
    } catch (RuntimeException | Error e) {
      // A bug must not end the thread that holds everything not yet stored: count, log, go on.
      // Errors too: a StackOverflowError is a bug of one batch, not of the process (an
      // OutOfMemoryError ends the process first: -XX:+ExitOnOutOfMemoryError).
      lost(batch, e);
    } finally {
      // Before the batch leaves the flight: at every moment one of the two holds the checkpoint.
      if (!stored) {
        keepForNextStart(batch);
      }
      worker.done();
      batch.clear();
    }
    return stored;
  }

  /** After a batch: asks whether commits are durable when that is due (see durableCommits). */
  private void checkDurability(boolean committed) {
    if (!committed) {
      durableCommits = null; // perhaps another server when it works again: ask then
    } else if (durableCommits == null
        || ticker.getAsLong() - durableAskedAt >= DURABILITY_CHECK.toNanos()) {
      durableAskedAt = ticker.getAsLong();
      durableCommits = askDurableCommits();
    }
  }

  /**
   * Whether the server makes a commit durable before it answers: false with {@code fsync} or {@code
   * synchronous_commit} off (a server tuned for speed, or a throw-away one), where a power loss can
   * take commits it acknowledged, so the journal must keep fsyncing them; null when the question
   * fails (asked again after the next batch). One query of a few hundred microseconds every {@link
   * #DURABILITY_CHECK} while rows flow.
   */
  private Boolean askDurableCommits() {
    try {
      boolean durable =
          Boolean.TRUE.equals(
              dsl.fetchValue(
                  DSL.field(
                      "current_setting('fsync') = 'on'"
                          + " and current_setting('synchronous_commit') <> 'off'",
                      Boolean.class)));
      if (durable) {
        loggedNotDurable = false;
      } else if (!loggedNotDurable) {
        loggedNotDurable = true;
        log.info(
            "writer: the database acknowledges commits before they are on disk (fsync or"
                + " synchronous_commit off): the journal fsyncs every line it holds itself");
      }
      return durable;
    } catch (RuntimeException e) {
      log.debug("writer: could not ask whether commits are durable: {}", e.toString());
      return null;
    }
  }

  /**
   * A batch failed unexpectedly: with a journal the checkpoint stays below it and the next start
   * stores it; without one it is lost. Counted in {@link WriterStats#givenUp()} either way.
   */
  private void lost(List<Queued> batch, Throwable e) {
    if (journal != null) {
      keepForNextStart(batch);
    }
    // Until the next start: with a journal the checkpoint cannot pass the batch, so the journal
    // only grows and reading stops at its size limit days later; without one the rows are gone.
    // Either way an operator should hear of it now (/health, the log), not then.
    String what =
        "a batch of "
            + batch.size()
            + " rows failed unexpectedly at "
            + clock.instant()
            + " ("
            + e
            + "), perhaps after its commit; "
            + (journal != null
                ? "the journal keeps it from line "
                    + batch.get(0).seq()
                    + " and cannot shrink past it until the next start, which stores what is"
                    + " missing: restart dx-scraper"
                : "without a journal, what it did not store is lost");
    gaveUpOn.compareAndSet(null, what);
    // Counted after the sentence is set: whoever sees the count also sees why (CI once read the
    // count of 3 and a null sentence).
    stats.givenUp.add(batch.size());
    log.error("writer: {}", what, e);
  }

  /** Holds the checkpoint below {@code batch}'s first line: it was not stored. */
  private void keepForNextStart(List<Queued> batch) {
    notStoredFrom.accumulateAndGet(batch.get(0).seq(), Math::min);
  }

  /**
   * The writer closed while the database failed: say what is left and where it is kept. The other
   * threads stop too, after their batch in flight.
   */
  private void notStored(List<Queued> batch) {
    keepForNextStart(batch);
    boolean first = gaveUp.compareAndSet(false, true);
    if (journal == null) {
      // Each thread counts its own batch; the last one out counts what is left in the queue.
      stats.givenUp.add(batch.size());
    }
    if (!first) {
      return;
    }
    if (journal != null) {
      log.warn(
          "writer: stopping while the database fails ({}); {} rows wait in the journal and are"
              + " stored at the next start",
          shared.lastError(),
          backlog());
    } else {
      log.error(
          "writer: giving up at shutdown: {} rows were received but not stored: {}",
          backlog(),
          shared.lastError());
    }
  }

  /**
   * How long an idle writer may wait for a first row: until a pending checkpoint is due, else
   * {@link RowQueue#IDLE_POLL} (which also bounds how late the checkpoint passes lines that made no
   * row). Under the gather lock.
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
   * and none is at or after a batch in flight or one that was not stored. Under the gather lock, so
   * no rows leave the queue meanwhile; the batches in flight are read before {@code notStoredFrom},
   * which a batch sets before it leaves the flight.
   */
  private long safeCheckpoint() {
    long safe = queue.doneThrough();
    for (Worker worker : workers) {
      safe = Math.min(safe, worker.firstSeq - 1);
    }
    return Math.min(safe, notStoredFrom.get() - 1);
  }

  /**
   * Moves the journal's checkpoint past what is committed: at most once per {@link
   * #CHECKPOINT_EVERY}, or now when {@code force}. Under the gather lock.
   */
  private void checkpoint(boolean force) {
    Journal target = journal;
    if (target == null) {
      return;
    }
    long safe = safeCheckpoint();
    if (Boolean.TRUE.equals(durableCommits)) {
      // Every gather, not once a second: the journal's sync thread skips the fsync of lines the
      // database holds by its next round (a tenth of a second), which is nearly all of them.
      target.stored(safe);
    }
    long now = ticker.getAsLong();
    if (!force && checkpointed && now - checkpointedAt < CHECKPOINT_EVERY.toNanos()) {
      return;
    }
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
    if (journal != null && shared.failingSince() != null) {
      // The database is down: waiting for it only delays the stop, the journal has every row.
      grace = Duration.ZERO;
    }
    stopDeadline = ticker.getAsLong() + grace.toNanos();
    stopping = true;
    synchronized (pauses) {
      pauses.notifyAll();
    }
    queue.wake();
    // With a journal a write hung on a dead server may keep the thread; the rows are safe, so
    // waiting longer than the grace would only delay the stop.
    Duration wait = journal != null ? grace.plusSeconds(1) : grace.plusSeconds(10);
    long waitUntil = System.nanoTime() + wait.toNanos();
    boolean alive = false;
    for (Worker worker : workers) {
      try {
        worker.thread.join(Math.max(1, (waitUntil - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      alive |= worker.thread.isAlive();
    }
    if (alive) {
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
