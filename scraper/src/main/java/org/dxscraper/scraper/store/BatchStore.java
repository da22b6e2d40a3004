package org.dxscraper.scraper.store;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.dxscraper.scraper.retry.Backoff;
import org.dxscraper.scraper.store.PendingRow.AnnouncementRow;
import org.dxscraper.scraper.store.PendingRow.SolarRow;
import org.dxscraper.scraper.store.PendingRow.SpotRow;
import org.dxscraper.scraper.store.RowInserts.StoredSpot;
import org.dxscraper.scraper.store.RowQueue.Queued;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores one batch, whatever the database does: one transaction of multi-row inserts ({@link
 * RowInserts}); row by row when the database refuses a row as data, skipping (and counting) only
 * that row; and, while the database fails, the same batch again after a pause from the shared
 * {@link Backoff} type, logging the outage once when it starts and once when it ends.
 *
 * <p>Writer thread only, except the getters, which any thread may call. Time comes from the
 * injected clock and every wait goes through {@link Stop#pause}, so tests drive the failure paths
 * without sleeping.
 */
final class BatchStore {
  private static final Logger log = LoggerFactory.getLogger(SpotWriter.class);

  /** Waits between attempts while the database fails: full jitter up to 1 s, doubling to 30 s. */
  static final Backoff RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  /**
   * Longest error text in a log line or /health: a whole INSERT statement is 2 KB and says less.
   */
  static final int MAX_ERROR_TEXT = 200;

  /** How a writer that is closing tells the retry loop to stop, and how it waits. */
  interface Stop {
    /** True once the writer is closing and its grace has run out: no more attempts. */
    boolean expired();

    /** Waits {@code pause}, or less when the writer starts closing. */
    void pause(Duration pause) throws InterruptedException;
  }

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
  private final DedupWindow dedup = new DedupWindow(DedupWindow.CAPACITY);
  private final RowInserts inserts;
  // Set at the first failed attempt of an outage, cleared by the next commit.
  private volatile Instant failingSince;
  private volatile String lastError;
  private volatile Instant writeStartedAt;

  BatchStore(
      DSLContext dsl,
      InstantSource clock,
      RandomGenerator random,
      SpotWriter.Listener listener,
      WriterStats stats,
      String daemonName) {
    this.dsl = dsl;
    this.clock = clock;
    this.random = random;
    this.listener = listener;
    this.stats = stats;
    this.inserts = new RowInserts(daemonName);
  }

  Instant failingSince() {
    return failingSince;
  }

  String lastError() {
    return failingSince == null ? null : lastError;
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
    int partitionAttempts = 0;
    while (true) {
      try {
        writeStartedAt = clock.instant();
        if (oneByOne) {
          commitOneByOne(spots, solar, announcements);
        } else {
          commit(spots, solar, announcements);
        }
        recovered(backlog);
        return Outcome.STORED;
      } catch (DataAccessException refused) {
        DataAccessException e = refused;
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
        if (!oneByOne && isDataError(e)) {
          log.warn("writer: a row was refused ({}); storing the batch row by row", describe(e));
          oneByOne = true;
          continue;
        }
        stats.failedAttempts.increment();
        lastError = describe(e);
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
    if (failingSince == null) {
      failingSince = clock.instant();
      log.warn(
          "writer: database writes fail: {}; keeping {} rows (backlog {}) and retrying with"
              + " backoff up to {}",
          lastError,
          rows,
          backlog,
          RETRY.cap());
    } else {
      log.debug("writer: still failing, next try in {} ms: {}", pause.toMillis(), lastError);
    }
  }

  private void recovered(int backlog) {
    Instant since = failingSince;
    if (since != null) {
      failingSince = null;
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
      List<SpotRow> spots, List<SolarRow> solar, List<AnnouncementRow> announcements) {
    int[] inserted = new int[2];
    List<StoredSpot> storedSpots = new ArrayList<>();
    Instant started = clock.instant();
    dsl.transaction(
        configuration -> {
          DSLContext tx = configuration.dsl();
          storedSpots.clear(); // a retried transaction starts over
          storedSpots.addAll(inserts.spots(tx, spots));
          inserted[0] = inserts.solar(tx, solar);
          inserted[1] = inserts.announcements(tx, announcements);
        });
    listener.batchCommitted(
        Duration.between(started, clock.instant()),
        spots.size() + solar.size() + announcements.size());
    committed(spots, storedSpots, inserted[0], inserted[1]);
    if (log.isDebugEnabled()) {
      log.debug(
          "writer: committed {} spots, {} solar reports, {} announcements in {} ms",
          spots.size(),
          solar.size(),
          announcements.size(),
          Duration.between(started, clock.instant()).toMillis());
    }
  }

  /** Called after a commit: only now do the rows count as stored and their keys as seen. */
  private void committed(
      List<SpotRow> spots, List<StoredSpot> storedSpots, int solarRows, int announcementRows) {
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
    for (StoredSpot stored : storedSpots) {
      listener.spotStored(stored.node(), stored.band(), stored.mode(), stored.backfilled());
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
