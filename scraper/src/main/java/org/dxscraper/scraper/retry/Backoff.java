package org.dxscraper.scraper.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the n-th wait in a row is drawn uniformly from {@code
 * [floor, min(cap, initial * 2^(n-1))]}. Full jitter spreads the retries of many clients that lost
 * their node at the same moment (a node restart) instead of bringing them back in one wave; the
 * floor keeps a draw near zero from turning into a tight loop.
 *
 * <p>Immutable; the caller keeps the count and supplies the randomness, so tests can fix both.
 *
 * @param initial the ceiling of the first wait
 * @param cap the ceiling never exceeded
 */
public record Backoff(Duration initial, Duration cap) {

  /** The least any wait is, whatever the draw. */
  public static final Duration FLOOR = Duration.ofMillis(100);

  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(cap, "cap");
    if (initial.compareTo(FLOOR) < 0) {
      throw new IllegalArgumentException(
          "initial backoff must be at least " + FLOOR + ", got " + initial);
    }
    if (cap.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff cap must be at least the initial " + initial + ", got " + cap);
    }
  }

  /** The highest the {@code attempt}-th wait in a row can be. */
  public Duration ceiling(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
    }
    // 2^30 times any initial is beyond every sensible cap; stop shifting before overflow.
    int doublings = Math.min(attempt - 1, 30);
    Duration ceiling = initial.multipliedBy(1L << doublings);
    return ceiling.compareTo(cap) > 0 ? cap : ceiling;
  }

  /**
   * @param attempt 1 for the first wait after a success (or after start)
   * @param random where the jitter comes from
   */
  public Duration delay(int attempt, RandomGenerator random) {
    long ceiling = ceiling(attempt).toNanos();
    long floor = FLOOR.toNanos();
    return Duration.ofNanos(floor + random.nextLong(ceiling - floor + 1));
  }

  @Override
  public String toString() {
    return "full jitter up to " + initial + ", doubling to " + cap;
  }
}
