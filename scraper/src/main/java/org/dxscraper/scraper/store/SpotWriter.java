package org.dxscraper.scraper.store;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import org.dxscraper.scraper.retry.Backoff;
import org.dxscraper.scraper.store.PendingRow.AnnouncementRow;
import org.dxscraper.scraper.store.PendingRow.SolarRow;
import org.dxscraper.scraper.store.PendingRow.SpotRow;
import org.jooq.DSLContext;
import org.jooq.Record4;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores what the nodes sent, on a thread of its own: takes rows in batches by size or age, and
 * writes each batch in one transaction with multi-row {@code INSERT ... ON CONFLICT DO NOTHING}, so
 * a spot stored before (another node, a replay) costs nothing and makes no second row.
 *
 * <p>{@link #submit} may be called from any thread and never blocks: it is called on the Netty
 * event loop. The queue has no hard bound; instead, past {@link Settings#highWater()} rows the
 * writer asks its {@link Backpressure} to stop reading from the nodes, and past {@link
 * Settings#lowWater()} to resume, so a slow database slows the nodes down instead of losing lines.
 *
 * <p>When the database fails, the batch is kept and tried again with a growing pause (up to 30 s);
 * nothing is dropped. A row the database refuses as data (a check constraint) is logged, counted in
 * {@link WriterStats#rejected()} and skipped, so one odd row cannot stop the rest.
 */
public final class SpotWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SpotWriter.class);

  // PgJDBC binds at most 32,767 parameters per statement; 22 columns x 1,000 rows stays below.

  /** Waits between attempts while the database fails: full jitter up to 1 s, doubling to 30 s. */
  static final Backoff RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  /**
   * Longest error text in a log line or /health: a whole INSERT statement is 2 KB and says less.
   */
  static final int MAX_ERROR_TEXT = 200;

  /** A write under way longer than this makes {@link #problem()} say the database hangs. */
  public static final Duration SLOW_WRITE = Duration.ofSeconds(3);

  private static final Duration IDLE_POLL = Duration.ofMillis(100);

  /** The sequence of a row that has no journal line behind it. */
  public static final long NO_SEQ = -1;

  /** How often, at most, the journal checkpoint is moved while rows commit. */
  static final Duration CHECKPOINT_EVERY = Duration.ofSeconds(1);

  /** A row and the journal line it came from. */
  private record Queued(PendingRow row, long seq) {}

  /** Called by the writer to slow the nodes down; both methods must return quickly. */
  public interface Backpressure {
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
   */
  public record Settings(
      int batchSize, Duration batchAge, int highWater, int lowWater, Duration shutdownGrace) {
    public static final Settings DEFAULTS =
        new Settings(1000, Duration.ofMillis(200), 100_000, 20_000, Duration.ofSeconds(30));

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

  private final DSLContext dsl;
  private final Settings settings;
  private final InstantSource clock;
  private final Backpressure backpressure;
  private final Listener listener;
  private final LinkedBlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
  private final AtomicBoolean paused = new AtomicBoolean();
  private final DedupWindow dedup = new DedupWindow(50_000);
  private final WriterStats stats = new WriterStats();
  private final Thread thread;
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private volatile boolean stopping;
  // Arrival of the first row of the batch being written, null between batches: what a watchdog
  // needs when the database hangs and nothing new arrives behind the batch.
  private volatile Instant inFlightSince;
  private volatile int inFlightRows;
  private volatile long stopDeadlineNanos;
  // Set at the first failed attempt of an outage, cleared by the next commit.
  private volatile Instant failingSince;
  private volatile String lastError;
  private volatile Instant writeStartedAt;
  private final RandomGenerator random = RandomGenerator.getDefault();
  private volatile Journal journal;
  // Highest journal sequence whose line the pipeline has finished with (its rows submitted).
  private volatile long linesDone = NO_SEQ;
  private long checkpointedAt;
  private boolean checkpointFailing;

  public SpotWriter(
      DSLContext dsl,
      Settings settings,
      InstantSource clock,
      Backpressure backpressure,
      Listener listener) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.backpressure = Objects.requireNonNull(backpressure, "backpressure");
    this.listener = Objects.requireNonNull(listener, "listener");
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

  /** Queues a row for storing. Never blocks; safe on any thread. */
  public void submit(PendingRow row) {
    submit(row, NO_SEQ);
  }

  /**
   * Queues a row made from journal line {@code seq}. Rows must come in sequence order, and {@link
   * #linesDone} must follow once every row of the line is submitted.
   */
  public void submit(PendingRow row, long seq) {
    queue.add(new Queued(row, seq));
    if (queue.size() >= settings.highWater() && paused.compareAndSet(false, true)) {
      stats.pauses.increment();
      log.warn(
          "writer: backlog {} reached {}: pausing reads until it is below {}",
          queue.size(),
          settings.highWater(),
          settings.lowWater());
      backpressure.pause();
    }
  }

  /** The pipeline is done with every journal line up to {@code seq}. */
  public void linesDone(long seq) {
    if (seq > linesDone) {
      linesDone = seq;
    }
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
    if (inFlight != null) {
      return inFlight;
    }
    Queued head = queue.peek();
    return head == null ? null : head.row().receivedAt();
  }

  public WriterStats stats() {
    return stats;
  }

  /** When the database began refusing or failing writes; null while writes succeed. */
  public Instant failingSince() {
    return failingSince;
  }

  /** The last write failure, one short line without SQL text; null while writes succeed. */
  public String lastError() {
    return failingSince == null ? null : lastError;
  }

  /**
   * What is wrong with writing, in one sentence, or null: writes failing, or a write under way for
   * longer than {@link #SLOW_WRITE} (a hung server or network fails nothing for minutes, and a pool
   * waits its connect timeout before it says so; a commit normally takes milliseconds).
   */
  public String problem() {
    Instant failing = failingSince;
    if (failing != null) {
      return "database writes failing since " + failing + ": " + lastError;
    }
    Instant started = writeStartedAt;
    if (started != null) {
      Duration writing = Duration.between(started, clock.instant());
      if (writing.compareTo(SLOW_WRITE) > 0) {
        return "database not answering: a write has been under way for " + writing;
      }
    }
    return null;
  }

  private void run() {
    List<Queued> batch = new ArrayList<>(settings.batchSize());
    while (!stopping || !queue.isEmpty()) {
      try {
        checkpoint(false);
        if (!fill(batch)) {
          continue;
        }
        inFlightSince = batch.get(0).row().receivedAt();
        inFlightRows = batch.size();
        if (!write(batch)) {
          break; // shutting down with a journal: what is left replays at the next start
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        log.error("writer: interrupted with {} rows queued", queue.size());
        return;
      } catch (RuntimeException e) {
        // A bug must not end the thread that holds everything not yet stored: count, log, go on.
        stats.givenUp.add(inFlightRows);
        log.error("writer: lost a batch of {} rows to an unexpected failure", inFlightRows, e);
      } finally {
        batch.clear();
        inFlightSince = null;
        inFlightRows = 0;
      }
      if (paused.get()
          && queue.size() <= settings.lowWater()
          && paused.compareAndSet(true, false)) {
        log.info("writer: backlog down to {}: reading again", queue.size());
        try {
          backpressure.resume();
        } catch (RuntimeException e) {
          // Nothing the nodes' side does may end this thread: it holds what is not yet stored.
          log.warn("writer: could not resume reading: {}", e.toString());
        }
      }
    }
    checkpoint(true);
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
    long now = clock.millis();
    if (!force && now - checkpointedAt < CHECKPOINT_EVERY.toMillis()) {
      return;
    }
    // Read the pipeline's mark before looking at the queue: every row of a line up to the mark was
    // queued before the mark moved, so an empty queue (and no batch in flight: this thread writes
    // them) means all of them are committed.
    long done = linesDone;
    Queued head = queue.peek();
    long safe = head == null ? done : head.seq() - 1;
    if (safe <= target.checkpointSeq()) {
      return;
    }
    try {
      target.checkpoint(safe);
      checkpointedAt = now;
      if (checkpointFailing) {
        checkpointFailing = false;
        log.info("writer: the journal checkpoint moves again (now {})", safe);
      }
    } catch (IOException e) {
      // Not fatal: a checkpoint that falls behind only means replaying more after a crash, and
      // segments waiting for deletion. The journal's own health reports a full disk. Logged once
      // per failure, not once a second.
      checkpointedAt = now;
      if (!checkpointFailing) {
        checkpointFailing = true;
        log.warn("writer: could not move the journal checkpoint to {}: {}", safe, e.toString());
      }
    }
  }

  /** Takes rows until the batch is full or its first row arrived {@code batchAge} ago. */
  private boolean fill(List<Queued> batch) throws InterruptedException {
    Queued first = queue.poll(IDLE_POLL.toNanos(), TimeUnit.NANOSECONDS);
    if (first == null) {
      return false;
    }
    batch.add(first);
    // The age counts from the first row's arrival, not from when this thread got to it: rows
    // that came in while the previous batch was being written have already waited.
    Duration waited = Duration.between(first.row().receivedAt(), clock.instant());
    long deadline = System.nanoTime() + settings.batchAge().minus(waited).toNanos();
    while (batch.size() < settings.batchSize()) {
      queue.drainTo(batch, settings.batchSize() - batch.size());
      long left = deadline - System.nanoTime();
      if (batch.size() >= settings.batchSize() || left <= 0 || stopping) {
        break;
      }
      Queued next = queue.poll(left, TimeUnit.NANOSECONDS);
      if (next != null) {
        batch.add(next);
      }
    }
    return true;
  }

  /** Stores the batch; false when shutdown ended the attempts and a journal keeps the rows. */
  private boolean write(List<Queued> batch) throws InterruptedException {
    List<SpotRow> spots = new ArrayList<>(batch.size());
    List<SolarRow> solar = new ArrayList<>();
    List<AnnouncementRow> announcements = new ArrayList<>();
    Set<DedupWindow.Key> inBatch = new HashSet<>();
    for (Queued queued : batch) {
      switch (queued.row()) {
        case SpotRow spot -> {
          // Seen in an earlier committed batch, or twice in this one (two nodes, one moment).
          if (dedup.seen(spot) || !inBatch.add(DedupWindow.keyOf(spot))) {
            stats.duplicates.increment();
          } else {
            spots.add(spot);
          }
        }
        case SolarRow report -> solar.add(report);
        case AnnouncementRow announcement -> announcements.add(announcement);
      }
    }
    boolean oneByOne = false;
    int attempt = 0;
    while (true) {
      try {
        writeStartedAt = clock.instant();
        if (oneByOne) {
          commitOneByOne(spots, solar, announcements);
        } else {
          commit(spots, solar, announcements);
        }
        recovered();
        return true;
      } catch (DataAccessException e) {
        if (!oneByOne && isDataError(e)) {
          log.warn("writer: a row was refused ({}); storing the batch row by row", describe(e));
          oneByOne = true;
          continue;
        }
        stats.failedAttempts.increment();
        int left = spots.size() + solar.size() + announcements.size();
        if (stopping && System.nanoTime() - stopDeadlineNanos > 0) {
          if (journal != null) {
            log.warn(
                "writer: stopping while the database fails ({}); {} rows wait in the journal and"
                    + " are stored at the next start",
                describe(e),
                backlog());
            return false;
          }
          stats.givenUp.add(left);
          log.error(
              "writer: giving up at shutdown: {} spots, {} solar reports and {} announcements"
                  + " were received but not stored: {}",
              spots.size(),
              solar.size(),
              announcements.size(),
              describe(e));
          return true;
        }
        Duration pause = RETRY.delay(++attempt, random);
        failed(e, left, pause);
        // Waits the pause, or less when close() is called: shutdown must not wait 30 s for it.
        stopSignal.await(pause.toMillis(), TimeUnit.MILLISECONDS);
      } finally {
        writeStartedAt = null;
      }
    }
  }

  /** Logs an outage once when it starts; the retries that follow only at DEBUG. */
  private void failed(DataAccessException e, int rows, Duration pause) {
    String error = describe(e);
    lastError = error;
    if (failingSince == null) {
      failingSince = clock.instant();
      log.warn(
          "writer: database writes fail: {}; keeping {} rows (backlog {}) and retrying with"
              + " backoff up to {}",
          error,
          rows,
          backlog(),
          RETRY.cap());
    } else {
      log.debug("writer: still failing, next try in {} ms: {}", pause.toMillis(), error);
    }
  }

  private void recovered() {
    Instant since = failingSince;
    if (since != null) {
      failingSince = null;
      log.info(
          "writer: database writes work again after {} s and {} failed attempts in all; backlog {}",
          Duration.between(since, clock.instant()).toSeconds(),
          stats.failedAttempts(),
          backlog());
    }
  }

  /**
   * The driver's own message (its first line, cut to {@link #MAX_ERROR_TEXT}) with its SQL state:
   * jOOQ's message starts with the whole statement, which says nothing an operator can act on.
   */
  static String describe(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && !(cause instanceof SQLException)) {
      cause = cause.getCause();
    }
    String text = Database.firstLine(cause);
    if (text.length() > MAX_ERROR_TEXT) {
      text = text.substring(0, MAX_ERROR_TEXT) + "...";
    }
    String state = cause instanceof SQLException sql ? sql.getSQLState() : null;
    return state == null ? text : text + " (SQL state " + state + ")";
  }

  private static boolean isDataError(DataAccessException e) {
    String state = e.sqlState();
    // Class 22 (data exception) and 23 (integrity, e.g. a check constraint): the row is wrong,
    // trying again cannot help. Connection trouble (08), shutdowns (57) and the rest can pass.
    return state != null && (state.startsWith("22") || state.startsWith("23"));
  }

  private void commit(
      List<SpotRow> spots, List<SolarRow> solar, List<AnnouncementRow> announcements) {
    int[] inserted = new int[2];
    List<Record4<String, String, String, Boolean>> storedSpots = new ArrayList<>();
    long started = System.nanoTime();
    dsl.transaction(
        configuration -> {
          DSLContext tx = configuration.dsl();
          storedSpots.clear(); // a retried transaction starts over
          storedSpots.addAll(RowInserts.spots(tx, spots));
          inserted[0] = RowInserts.solar(tx, solar);
          inserted[1] = RowInserts.announcements(tx, announcements);
        });
    listener.batchCommitted(
        Duration.ofNanos(System.nanoTime() - started),
        spots.size() + solar.size() + announcements.size());
    committed(spots, storedSpots, inserted[0], inserted[1]);
    if (log.isDebugEnabled()) {
      log.debug(
          "writer: committed {} spots, {} solar reports, {} announcements in {} ms",
          spots.size(),
          solar.size(),
          announcements.size(),
          (System.nanoTime() - started) / 1_000_000);
    }
  }

  /** Called after a commit: only now do the rows count as stored and their keys as seen. */
  private void committed(
      List<SpotRow> spots,
      List<Record4<String, String, String, Boolean>> storedSpots,
      int solarRows,
      int announcementRows) {
    Instant now = clock.instant();
    stats.spotsStored.add(storedSpots.size());
    stats.duplicates.add(spots.size() - storedSpots.size());
    stats.solarStored.add(solarRows);
    stats.announcementsStored.add(announcementRows);
    stats.lastCommitAt.set(now);
    for (SpotRow spot : spots) {
      dedup.remember(spot);
      listener.spotCommitted(Duration.between(spot.receivedAt(), now));
    }
    for (Record4<String, String, String, Boolean> stored : storedSpots) {
      listener.spotStored(stored.value1(), stored.value2(), stored.value3(), stored.value4());
    }
  }

  /**
   * Stores row by row, each in its own transaction, skipping (and counting) the rows the database
   * refuses as data. Rows leave the lists as they are done, so when the connection fails midway the
   * retry loop goes on with the rest.
   */
  private void commitOneByOne(
      List<SpotRow> spots, List<SolarRow> solar, List<AnnouncementRow> announcements) {
    while (!spots.isEmpty()) {
      SpotRow spot = spots.get(0);
      storeAlone(spot, () -> committed(List.of(spot), RowInserts.spots(dsl, List.of(spot)), 0, 0));
      spots.remove(0);
    }
    while (!solar.isEmpty()) {
      SolarRow report = solar.get(0);
      storeAlone(
          report, () -> committed(List.of(), List.of(), RowInserts.solar(dsl, List.of(report)), 0));
      solar.remove(0);
    }
    while (!announcements.isEmpty()) {
      AnnouncementRow row = announcements.get(0);
      storeAlone(
          row,
          () -> committed(List.of(), List.of(), 0, RowInserts.announcements(dsl, List.of(row))));
      announcements.remove(0);
    }
  }

  private void storeAlone(PendingRow row, Runnable insert) {
    try {
      // Each single-row transaction is timed on its own: a long pass of them is not a hang.
      writeStartedAt = clock.instant();
      insert.run();
    } catch (DataAccessException e) {
      if (!isDataError(e)) {
        throw e; // connection trouble: the retry loop takes it from this row on
      }
      stats.rejected.increment();
      log.warn("writer: refused and skipped {}: {}", row, describe(e));
    }
  }

  /**
   * With a journal, the longest {@link #close()} keeps storing: what is left replays at the next
   * start, and a service manager gives a stop about 10 s ({@code docker stop}) before SIGKILL.
   */
  public static final Duration JOURNAL_SHUTDOWN_GRACE = Duration.ofSeconds(5);

  /**
   * Stops taking new work and stores what is queued; keeps trying a failing database for at most
   * {@link Settings#shutdownGrace()} (with a journal at most {@link #JOURNAL_SHUTDOWN_GRACE}), then
   * says what could not be stored.
   */
  @Override
  public void close() {
    Duration grace = settings.shutdownGrace();
    if (journal != null && grace.compareTo(JOURNAL_SHUTDOWN_GRACE) > 0) {
      grace = JOURNAL_SHUTDOWN_GRACE;
    }
    if (journal != null && failingSince != null) {
      // The database is down: waiting for it only delays the stop, the journal has every row.
      grace = Duration.ZERO;
    }
    stopDeadlineNanos = System.nanoTime() + grace.toNanos();
    stopping = true;
    stopSignal.countDown();
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
