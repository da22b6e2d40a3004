package org.dxscraper.scraper.store;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.dxscraper.scraper.store.Partitions.Table;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the partitions of {@code spot}, {@code solar_report} and {@code announcement}: at start and
 * every hour it creates those of the current and the next two periods (weeks for spots, months for
 * the others), so that a row never waits for one, and with a retention it drops the partitions
 * whose whole range lies further back than that, through the schema's functions ({@link
 * Partitions}). Rows are never deleted one by one.
 *
 * <p>Several daemons on one database may all keep partitions: the database serialises them, and a
 * partition that exists is left alone. A run that fails (the database down, a lock not granted in
 * ten seconds) is logged, counted, and tried again after {@link #RETRY_AFTER}; the writer still
 * creates a partition a row needs on the spot ({@link BatchStore}).
 *
 * <p>Time comes from the injected clock, so {@link #maintain()} can be driven with a fixed one.
 */
public final class PartitionKeeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PartitionKeeper.class);

  /** How often partitions are made ahead and old ones dropped. */
  public static final Duration EVERY = Duration.ofHours(1);

  /** After a failed run, the next one comes this soon. */
  static final Duration RETRY_AFTER = Duration.ofMinutes(5);

  /** Periods made ahead beyond the current one. */
  static final int PERIODS_AHEAD = 2;

  /** The shortest retention: the database refuses to drop anything from its last day. */
  public static final Duration MIN_RETAIN = Duration.ofDays(2);

  private final DSLContext dsl;
  private final InstantSource clock;
  private final Duration retain;
  private final Map<Table, LongAdder> created = new EnumMap<>(Table.class);
  private final Map<Table, LongAdder> dropped = new EnumMap<>(Table.class);
  private final LongAdder failures = new LongAdder();
  private final ScheduledExecutorService scheduler;
  private volatile String lastFailure;

  /**
   * @param retain how far back to keep rows, or null to keep everything
   */
  public PartitionKeeper(DSLContext dsl, InstantSource clock, Duration retain) {
    if (retain != null && retain.compareTo(MIN_RETAIN) < 0) {
      throw new IllegalArgumentException("retention must be at least 2 days, got " + retain);
    }
    this.dsl = dsl;
    this.clock = clock;
    this.retain = retain;
    for (Table table : Table.values()) {
      created.put(table, new LongAdder());
      dropped.put(table, new LongAdder());
    }
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("partition-keeper").daemon().factory());
  }

  /** Runs {@link #maintain()} now on its own thread, then every {@link #EVERY}. */
  public PartitionKeeper start() {
    scheduler.execute(this::runAndReschedule);
    return this;
  }

  private void runAndReschedule() {
    boolean ok = false;
    try {
      ok = maintain();
    } catch (RuntimeException e) {
      // Not the database's refusal (maintain() handles that): still counted, and tried again.
      failures.increment();
      log.error("partitions: maintenance failed unexpectedly", e);
    } finally {
      if (!scheduler.isShutdown()) {
        scheduler.schedule(
            this::runAndReschedule, (ok ? EVERY : RETRY_AFTER).toSeconds(), TimeUnit.SECONDS);
      }
    }
  }

  /**
   * One run: the partitions ahead, then retention. Returns false, after logging why, when the
   * database refused either; what did succeed stays done.
   */
  public boolean maintain() {
    Instant now = clock.instant();
    try {
      List<String> made = new ArrayList<>();
      for (Table table : Table.values()) {
        int n = Partitions.create(dsl, table, ahead(table, now));
        created.get(table).add(n);
        if (n > 0) {
          made.add(n + " " + table.sqlName());
        }
      }
      List<String> gone = new ArrayList<>();
      if (retain != null) {
        Instant olderThan = now.minus(retain);
        for (Table table : Table.values()) {
          List<String> names = Partitions.dropOlderThan(dsl, table, olderThan, retain);
          dropped.get(table).add(names.size());
          gone.addAll(names);
        }
      }
      if (!made.isEmpty()) {
        log.info("partitions: created {}", String.join(", ", made));
      }
      if (!gone.isEmpty()) {
        log.info(
            "partitions: dropped {} (every row before {}, retention {})",
            String.join(", ", gone),
            now.minus(retain),
            retain);
      }
      if (lastFailure != null) {
        log.info("partitions: maintenance works again");
        lastFailure = null;
      }
      return true;
    } catch (DataAccessException e) {
      failures.increment();
      String reason = BatchStore.describe(e);
      if (!reason.equals(lastFailure)) {
        log.warn(
            "partitions: maintenance failed, next try in {} min: {}",
            RETRY_AFTER.toMinutes(),
            reason);
      }
      lastFailure = reason;
      return false;
    }
  }

  /** The current period of {@code table} and the next {@link #PERIODS_AHEAD}, as times in them. */
  static List<Instant> ahead(Table table, Instant now) {
    ZonedDateTime t = now.atZone(ZoneOffset.UTC);
    List<Instant> times = new ArrayList<>();
    for (int i = 0; i <= PERIODS_AHEAD; i++) {
      times.add(t.plus(i, table.period()).toInstant());
    }
    return times;
  }

  /** Partitions of {@code table} this daemon created. */
  public long created(Table table) {
    return created.get(table).sum();
  }

  /** Partitions of {@code table} this daemon dropped for retention. */
  public long dropped(Table table) {
    return dropped.get(table).sum();
  }

  /** Maintenance runs that failed. */
  public long failures() {
    return failures.sum();
  }

  /** The retention, or null when everything is kept. */
  public Duration retain() {
    return retain;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
