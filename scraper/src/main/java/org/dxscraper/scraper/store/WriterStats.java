package org.dxscraper.scraper.store;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the writer has done so far. Written by the writer thread, read by anyone (status line,
 * metrics, tests) without locks.
 */
public final class WriterStats {
  final LongAdder spotsStored = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder solarStored = new LongAdder();
  final LongAdder announcementsStored = new LongAdder();
  final LongAdder rejected = new LongAdder();
  final LongAdder failedAttempts = new LongAdder();
  final LongAdder pauses = new LongAdder();
  final LongAdder givenUp = new LongAdder();
  final AtomicReference<Instant> lastCommitAt = new AtomicReference<>();

  /** Spot rows inserted. */
  public long spotsStored() {
    return spotsStored.sum();
  }

  /** Spots not inserted because the same spot was already stored or seen. */
  public long duplicates() {
    return duplicates.sum();
  }

  public long solarStored() {
    return solarStored.sum();
  }

  public long announcementsStored() {
    return announcementsStored.sum();
  }

  /** Rows the database refused as data (a value out of range); logged one by one. */
  public long rejected() {
    return rejected.sum();
  }

  /** Transactions that failed and were tried again. */
  public long failedAttempts() {
    return failedAttempts.sum();
  }

  /** Times reading from the nodes was paused because the backlog reached its high-water mark. */
  public long pauses() {
    return pauses.sum();
  }

  /** Rows received but never stored: given up at shutdown, or lost to an unexpected failure. */
  public long givenUp() {
    return givenUp.sum();
  }

  /** When the last transaction committed, or null before the first. */
  public Instant lastCommitAt() {
    return lastCommitAt.get();
  }
}
