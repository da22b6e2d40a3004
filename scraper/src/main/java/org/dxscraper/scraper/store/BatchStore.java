package org.dxscraper.scraper.store;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.dxscraper.scraper.retry.Backoff;
import org.dxscraper.scraper.store.PendingRow.AnnouncementRow;
import org.dxscraper.scraper.store.PendingRow.SolarRow;
import org.dxscraper.scraper.store.PendingRow.SpotRow;
import org.dxscraper.scraper.store.RowInserts.StoredSpot;
import org.dxscraper.scraper.store.RowQueue.Queued;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores one batch, whatever the database does: one transaction, its spots by {@code COPY} ({@link
 * RowInserts#copySpots}); by {@code INSERT ... ON CONFLICT DO NOTHING} when that meets a spot
 * stored already, and for {@link #INSERT_AFTER_DUPLICATE} after; row by row when the database
 * refuses a row as data, skipping (and counting) only that row; and, while the database fails, the
 * same batch again after a pause from the shared {@link Backoff} type, logging the outage once when
 * it starts and once when it ends.
 *
 * <p>One per writer thread: {@link SpotWriter} runs two, each with its own connection, so that one
 * batch is built and sent while the other commits. What they share is in {@link Shared}: the dedup
 * window, the outage's start and last error, and the listener, which hears one batch at a time. The
 * getters may be called from any thread. Time comes from the injected clock and every wait goes
 * through {@link Stop#pause}, so tests drive the failure paths without sleeping.
 */
final class BatchStore {
  private static final Logger log = LoggerFactory.getLogger(SpotWriter.class);

  /** Waits between attempts while the database fails: full jitter up to 1 s, doubling to 30 s. */
  static final Backoff RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  /**
   * Longest error text in a log line or /health: a whole INSERT statement is 2 KB and says less.
   */
  static final int MAX_ERROR_TEXT = 200;

  /**
   * After a batch's {@code COPY} met a spot stored already, how long this store inserts with {@code
   * ON CONFLICT DO NOTHING} instead: a restart's replay, a backfill, or a second daemon storing the
   * same feed make such batches one after another, and each costs its {@code COPY} in vain.
   */
  static final Duration INSERT_AFTER_DUPLICATE = Duration.ofMinutes(1);

  /** SQL state deadlock_detected. */
  private static final String DEADLOCK = "40P01";

  /** How a writer that is closing tells the retry loop to stop, and how it waits. */
  interface Stop {
    /** True once the writer is closing and its grace has run out: no more attempts. */
    boolean expired();

    /**
     * Waits {@code pause}, or less when the writer starts closing or {@link #retryNow} is called.
     */
    void pause(Duration pause) throws InterruptedException;

    /**
     * Another store committed while this one's batch waits out a pause: the database works again,
     * so the pauses end now instead of up to {@link #RETRY}'s cap later.
     */
    default void retryNow() {}
  }

  /**
   * How often a batch the server broke off for a deadlock is sent again at once before it counts as
   * a failed write. The writer's own threads never store two batches with a common spot at once
   * ({@link Ticket}), and daemons send their rows in one order ({@link #IDENTITY_ORDER}); another
   * program, or a daemon of an older version, still can.
   */
  static final int DEADLOCK_RETRIES = 3;

  /**
   * The order of the unique key {@code (dx_call, spotted_at, spotter, round(frequency_khz, 1))}.
   * Every batch's spots go in this order: two transactions that meet on a key of each other's wait
   * for one another in the same order (an {@code ON CONFLICT} insert waits for the other's
   * uncommitted row), never crosswise. It is also the unique index's own order (since V12), so
   * consecutive rows of a call go to neighbouring index pages.
   *
   * <p>By the minute of {@code spotted_at}, as the dedup window's key ({@link DedupWindow}): spots
   * are always at whole minutes ({@code Spot} refuses others), so this is the index's order; and
   * should a row carry seconds, two copies that the window takes for one spot still sort next to
   * each other, so that {@link #storeInTurn} keeps the one that arrived first (found by review). A
   * daemon of schema version 11 sorted by the minute first: with one of those on the same database
   * the two orders can cross, and the deadlock is retried ({@link #DEADLOCK_RETRIES}).
   */
  static final Comparator<SpotRow> IDENTITY_ORDER =
      Comparator.comparing(SpotRow::dxCall)
          .thenComparingLong((SpotRow spot) -> DedupWindow.epochMinute(spot.spottedAt()))
          .thenComparing(SpotRow::spotter)
          .thenComparingLong(DedupWindow::tenthsOfKhz);

  /**
   * What the writer threads of one {@link SpotWriter} share: which spots were committed lately, and
   * whether the database fails. Guarded by its own monitor; the listener is called while holding
   * it, so it hears one batch at a time.
   */
  static final class Shared {
    private final DedupWindow dedup = new DedupWindow(DedupWindow.CAPACITY);
    // Set at the first failed attempt of an outage, cleared once no store has a batch failing.
    private volatile Instant failingSince;
    private volatile String lastError;
    // Batches being stored, by the number of their gathering, with the first halves of their spots'
    // key fingerprints, sorted.
    private final Map<Long, long[]> storing = new HashMap<>();
    private long gathered;
    // Stores whose batch has failed and is not yet stored; the outage ends when none is left.
    private int failingStores;
    // A store began failing since the last commit: the next commit ends its pause, once.
    private volatile boolean wakeOnCommit;

    /** When the database began failing writes; null while writes succeed. */
    Instant failingSince() {
      return failingSince;
    }

    /** The last write failure while writes fail, else null. */
    String lastError() {
      return failingSince == null ? null : lastError;
    }
  }

  /**
   * A batch's place in the order batches were gathered, and the batches gathered before it, still
   * being stored, that hold a spot of it.
   */
  record Ticket(long number, List<Long> after) {}

  /** What became of a batch. */
  enum Outcome {
    /** Every row committed, or skipped as a duplicate or refused as data. */
    STORED,
    /** The writer closed while the database failed; the rows were not stored. */
    NOT_STORED
  }

  private final DSLContext dsl;
  private final InstantSource clock;
  private final RandomGenerator random;
  private final SpotWriter.Listener listener;
  private final WriterStats stats;
  private final Shared shared;
  private final DedupWindow dedup;
  private final RowInserts inserts;
  private volatile Instant writeStartedAt;
  // Guarded by shared: this store's batch has failed and is not yet stored.
  private boolean failing;
  // Writer thread only: spots go in by COPY from then on (see INSERT_AFTER_DUPLICATE).
  private Instant copyFrom = Instant.MIN;

  BatchStore(
      DSLContext dsl,
      InstantSource clock,
      RandomGenerator random,
      SpotWriter.Listener listener,
      WriterStats stats,
      String daemonName) {
    this(dsl, clock, random, listener, stats, daemonName, new Shared());
  }

  /** One of several stores of one writer, sharing {@code shared}. */
  BatchStore(
      DSLContext dsl,
      InstantSource clock,
      RandomGenerator random,
      SpotWriter.Listener listener,
      WriterStats stats,
      String daemonName,
      Shared shared) {
    this.dsl = dsl;
    this.clock = clock;
    this.random = random;
    this.listener = listener;
    this.stats = stats;
    this.shared = shared;
    this.dedup = shared.dedup;
    this.inserts = new RowInserts(daemonName);
  }

  Instant failingSince() {
    return shared.failingSince();
  }

  String lastError() {
    return shared.lastError();
  }

  /** When the write under way started; null between writes. */
  Instant writeStartedAt() {
    return writeStartedAt;
  }

  /**
   * Stores {@code batch}, trying again while the database fails, until it is stored or {@code stop}
   * expires.
   *
   * @param backlog rows waiting behind this batch, for the log
   */
  Outcome store(List<Queued> batch, Stop stop, int backlog) throws InterruptedException {
    return store(batch, enter(batch), stop, backlog);
  }

  /**
   * Registers {@code batch} as the next batch gathered, so that a later batch holding one of its
   * spots waits for it ({@link #store(List, Ticket, Stop, int)}). Call in the order the batches
   * leave the queue, and follow with that method.
   */
  Ticket enter(List<Queued> batch) {
    long[] keys = new long[batch.size()];
    int spots = 0;
    for (Queued queued : batch) {
      if (queued.row() instanceof SpotRow spot) {
        keys[spots++] = spot.keyHigh();
      }
    }
    keys = Arrays.copyOf(keys, spots);
    Arrays.sort(keys);
    synchronized (shared) {
      List<Long> after = new ArrayList<>(1);
      for (Map.Entry<Long, long[]> earlier : shared.storing.entrySet()) {
        if (shareAKey(earlier.getValue(), keys)) {
          after.add(earlier.getKey());
        }
      }
      long number = ++shared.gathered;
      shared.storing.put(number, keys);
      return new Ticket(number, after);
    }
  }

  /**
   * Whether two sorted arrays of fingerprint halves hold a value in common. Half a fingerprint may
   * be shared by two different keys (about 2^-64 per pair): then a batch waits that need not, which
   * costs time, never a spot.
   */
  static boolean shareAKey(long[] a, long[] b) {
    int i = 0;
    int j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] == b[j]) {
        return true;
      }
      if (a[i] < b[j]) {
        i++;
      } else {
        j++;
      }
    }
    return false;
  }

  /**
   * Stores {@code batch}, entered as {@code ticket}. When an earlier batch still being stored holds
   * one of its spots, it waits for that batch first and then drops what it committed, as one writer
   * thread would have: the copy that arrived first is the one stored (a spot replayed from the
   * journal, not the node's history of it; the live line, not a second node's relay). Without the
   * wait the two statements race for the key, and the later copy may win (found by
   * JournalOutageIT).
   */
  Outcome store(List<Queued> batch, Ticket ticket, Stop stop, int backlog)
      throws InterruptedException {
    try {
      synchronized (shared) {
        for (long earlier : ticket.after()) {
          while (shared.storing.containsKey(earlier)) {
            shared.wait();
          }
        }
      }
      // A batch given up to an unexpected failure leaves this store failing if it was: the
      // outage ends with its next commit, not with a claim that writes work again.
      return storeInTurn(batch, stop, backlog);
    } finally {
      leave(ticket);
    }
  }

  /** The batch of {@code ticket} is done with, stored or not: later batches need not wait. */
  void leave(Ticket ticket) {
    synchronized (shared) {
      shared.storing.remove(ticket.number());
      shared.notifyAll();
    }
  }

  private Outcome storeInTurn(List<Queued> batch, Stop stop, int backlog)
      throws InterruptedException {
    List<SpotRow> received = new ArrayList<>(batch.size());
    List<SolarRow> solar = new ArrayList<>();
    List<AnnouncementRow> announcements = new ArrayList<>();
    for (Queued queued : batch) {
      switch (queued.row()) {
        case SpotRow spot -> received.add(spot);
        case SolarRow report -> solar.add(report);
        case AnnouncementRow announcement -> announcements.add(announcement);
      }
    }
    // Sorted first, so that two copies of one spot in this batch (two nodes, one moment) are
    // neighbours; the sort is stable, so the copy that arrived first is the one kept.
    received.sort(IDENTITY_ORDER);
    List<SpotRow> spots = new ArrayList<>(received.size());
    synchronized (shared) {
      SpotRow previous = null;
      for (SpotRow spot : received) {
        // Twice in this batch, or seen in an earlier committed one.
        if ((previous != null && spot.sameKey(previous)) || dedup.seen(spot)) {
          stats.duplicates.increment();
        } else {
          spots.add(spot);
        }
        previous = spot;
      }
    }
    boolean oneByOne = false;
    boolean copy = !clock.instant().isBefore(copyFrom);
    int attempt = 0;
    int partitionAttempts = 0;
    int deadlocks = 0;
    while (true) {
      try {
        writeStartedAt = clock.instant();
        if (oneByOne) {
          commitOneByOne(spots, solar, announcements);
        } else {
          commit(spots, solar, announcements, copy);
        }
        recovered(backlog);
        if (shared.wakeOnCommit) {
          wakeFailing(stop);
        }
        return Outcome.STORED;
      } catch (DataAccessException refused) {
        DataAccessException e = refused;
        if (copy && RowInserts.isDuplicate(e)) {
          // A spot of the batch is stored already: the COPY was rolled back; insert instead.
          copy = false;
          copyFrom = clock.instant().plus(INSERT_AFTER_DUPLICATE);
          log.debug("writer: a spot of the batch was stored already; inserting for a while");
          continue;
        }
        if (Partitions.isMissingPartition(e)) {
          // A row whose week (or month) has no partition yet: an old spot from a backfill or a
          // journal replay, or the daemon's own maintenance behind. Create it and go again at
          // once; when creating fails, or the row still finds none, it is an outage like any
          // other: the batch waits, nothing is skipped.
          DataAccessException failed = createPartitions(spots, solar, announcements);
          if (failed == null && partitionAttempts++ < 2) {
            continue;
          }
          e = failed == null ? e : failed;
        }
        if (DEADLOCK.equals(e.sqlState()) && deadlocks++ < DEADLOCK_RETRIES) {
          log.info("writer: the database broke off a batch for a deadlock; sending it again");
          continue;
        }
        if (copy && isDataError(e)) {
          // Once more by the insert before row by row: it tells a row the schema refuses (it
          // fails again) from anything peculiar to COPY.
          copy = false;
          continue;
        }
        if (!oneByOne && isDataError(e)) {
          log.warn("writer: a row was refused ({}); storing the batch row by row", describe(e));
          oneByOne = true;
          continue;
        }
        stats.failedAttempts.increment();
        shared.lastError = describe(e);
        if (stop.expired()) {
          return Outcome.NOT_STORED;
        }
        Duration pause = RETRY.delay(++attempt, random);
        failed(spots.size() + solar.size() + announcements.size(), backlog, pause);
        stop.pause(pause);
      } finally {
        writeStartedAt = null;
      }
    }
  }

  /** Logs an outage once when it starts; the retries that follow only at DEBUG. */
  private void failed(int rows, int backlog, Duration pause) {
    synchronized (shared) {
      if (!failing) {
        failing = true;
        shared.failingStores++;
        shared.wakeOnCommit = true;
      }
      if (shared.failingSince == null) {
        shared.failingSince = clock.instant();
        log.warn(
            "writer: database writes fail: {}; keeping {} rows (backlog {}) and retrying with"
                + " backoff up to {}",
            shared.lastError,
            rows,
            backlog,
            RETRY.cap());
        return;
      }
    }
    log.debug("writer: still failing, next try in {} ms: {}", pause.toMillis(), shared.lastError);
  }

  /**
   * A commit while another store's batch waits out a pause: the database works, so that pause ends
   * now rather than up to {@link #RETRY}'s cap later. Once per failing streak of a store: a batch
   * that fails for reasons of its own (a partition it cannot get) must not be retried at every
   * commit of the other thread, which would undo its backoff (found by review).
   */
  private void wakeFailing(Stop stop) {
    synchronized (shared) {
      if (!shared.wakeOnCommit) {
        return;
      }
      shared.wakeOnCommit = false;
    }
    stop.retryNow();
  }

  /**
   * This store's batch is stored: the outage is over once no store has a batch failing. One thread
   * committing while the other's batch keeps failing is not the end of it: the state would flap
   * with every commit, and an alert waiting for it to hold would never fire.
   */
  private void recovered(int backlog) {
    if (!failing) {
      return;
    }
    synchronized (shared) {
      failing = false;
      if (--shared.failingStores > 0) {
        return;
      }
      Instant since = shared.failingSince;
      if (since == null) {
        return;
      }
      shared.failingSince = null;
      log.info(
          "writer: database writes work again after {} s and {} failed attempts in all; backlog {}",
          Duration.between(since, clock.instant()).toSeconds(),
          stats.failedAttempts(),
          backlog);
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
    // pgjdbc's BatchUpdateException (several solar reports or announcements in one JDBC batch)
    // starts with the statement and its values; the server's error for the row is its cause.
    if (cause instanceof BatchUpdateException batch
        && batch.getCause() instanceof SQLException row) {
      cause = row;
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
    // A missing partition is class 23 too, but the row is fine: never skip it.
    return state != null
        && (state.startsWith("22") || state.startsWith("23"))
        && !Partitions.isMissingPartition(e);
  }

  /**
   * Creates the partitions the batch's rows need (the database skips those that exist); null when
   * that worked, else the failure, for the retry loop.
   */
  private DataAccessException createPartitions(
      List<SpotRow> spots, List<SolarRow> solar, List<AnnouncementRow> announcements) {
    try {
      int created =
          Partitions.create(
                  dsl, Partitions.Table.SPOT, spots.stream().map(SpotRow::spottedAt).toList())
              + Partitions.create(
                  dsl,
                  Partitions.Table.SOLAR_REPORT,
                  solar.stream().map(r -> r.report().reportedAt()).toList())
              + Partitions.create(
                  dsl,
                  Partitions.Table.ANNOUNCEMENT,
                  announcements.stream().map(r -> r.announcement().announcedAt()).toList());
      if (created > 0) {
        log.info("writer: created {} partition(s) for rows that had none", created);
      }
      return null;
    } catch (DataAccessException e) {
      log.warn("writer: a row needs a partition and creating it failed: {}", describe(e));
      return e;
    }
  }

  private void commit(
      List<SpotRow> spots,
      List<SolarRow> solar,
      List<AnnouncementRow> announcements,
      boolean copy) {
    int[] inserted = new int[2];
    List<StoredSpot> storedSpots = new ArrayList<>();
    Instant started = clock.instant();
    if (copy && solar.isEmpty() && announcements.isEmpty()) {
      // One statement, so its own transaction: COPY in autocommit commits before the server says
      // it is done, and fails whole. An explicit transaction around it cost two round trips more
      // a batch (pgjdbc's BEGIN before a COPY, and the COMMIT): 4 of a batch's 6 round trips in
      // strace at 1,000 spots/s were not the COPY's own.
      dsl.connection(
          connection -> storedSpots.addAll(inserts.copySpots(DSL.using(connection), spots)));
    } else {
      inTransaction(
          tx -> {
            storedSpots.clear(); // a retried transaction starts over
            storedSpots.addAll(copy ? inserts.copySpots(tx, spots) : inserts.spots(tx, spots));
            inserted[0] = inserts.solar(tx, solar);
            inserted[1] = inserts.announcements(tx, announcements);
          });
    }
    Duration took = Duration.between(started, clock.instant());
    synchronized (shared) { // the listener hears of the batch and its spots in one turn
      listener.batchCommitted(took, spots.size() + solar.size() + announcements.size());
      committed(spots, storedSpots, inserted[0], inserted[1]);
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "writer: committed {} spots, {} solar reports, {} announcements in {} ms",
          spots.size(),
          solar.size(),
          announcements.size(),
          Duration.between(started, clock.instant()).toMillis());
    }
  }

  /**
   * Runs {@code body} in one transaction on one pooled connection: committed when it returns,
   * rolled back when anything fails, the connection back in autocommit either way. By hand rather
   * than by jOOQ's {@code transaction()}: jOOQ 3.21's default provider reads the connection's
   * isolation level at every transaction, and pgjdbc answers that with a round trip ({@code SHOW
   * TRANSACTION ISOLATION LEVEL}), one statement more per batch than the batch needs; the writer
   * never changes the level. Failures come out as jOOQ's {@code DataAccessException}, with the
   * driver's exception as the cause, as before. The body's context takes its dialect from the
   * connection's URL ({@code DSL.using(connection)}): resolving the two-argument overloads makes
   * javac read jOOQ's JAXB-annotated {@code Settings}, whose warnings this build's {@code -Werror}
   * refuses.
   */
  private void inTransaction(Consumer<DSLContext> body) {
    dsl.connection(
        connection -> {
          connection.setAutoCommit(false);
          try {
            body.accept(DSL.using(connection));
            connection.commit();
          } catch (Throwable failed) {
            try {
              connection.rollback();
            } catch (SQLException alsoFailed) {
              failed.addSuppressed(alsoFailed);
            }
            try {
              connection.setAutoCommit(true);
            } catch (SQLException alsoFailed) {
              failed.addSuppressed(alsoFailed);
            }
            throw failed;
          }
          connection.setAutoCommit(true);
        });
  }

  /** Called after a commit: only now do the rows count as stored and their keys as seen. */
  private void committed(
      List<SpotRow> spots, List<StoredSpot> storedSpots, int solarRows, int announcementRows) {
    Instant now = clock.instant();
    synchronized (shared) {
      stats.spotsStored.add(storedSpots.size());
      stats.duplicates.add(spots.size() - storedSpots.size());
      stats.solarStored.add(solarRows);
      stats.announcementsStored.add(announcementRows);
      stats.lastCommitAt.set(now);
      for (SpotRow spot : spots) {
        dedup.remember(spot);
        listener.spotCommitted(Duration.between(spot.receivedAt(), now));
      }
      for (StoredSpot stored : storedSpots) {
        listener.spotStored(stored.node(), stored.band(), stored.mode(), stored.backfilled());
      }
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
      storeAlone(spot, () -> committed(List.of(spot), inserts.spots(dsl, List.of(spot)), 0, 0));
      spots.remove(0);
    }
    while (!solar.isEmpty()) {
      SolarRow report = solar.get(0);
      storeAlone(
          report, () -> committed(List.of(), List.of(), inserts.solar(dsl, List.of(report)), 0));
      solar.remove(0);
    }
    while (!announcements.isEmpty()) {
      AnnouncementRow row = announcements.get(0);
      storeAlone(
          row, () -> committed(List.of(), List.of(), 0, inserts.announcements(dsl, List.of(row))));
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
}
