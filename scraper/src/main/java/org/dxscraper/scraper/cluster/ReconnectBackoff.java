package org.dxscraper.scraper.cluster;

import java.time.Duration;
import java.util.Objects;

/**
 * How long to wait before connecting again: {@code initial} after the first failure, doubling with
 * every further failure in a row, never more than {@code max}. A connection that reached {@link
 * SessionState#LOGGED_IN} resets the count, so a node that drops a healthy session once is back
 * within {@code initial}.
 */
public record ReconnectBackoff(Duration initial, Duration max) {

  public static final ReconnectBackoff DEFAULT =
      new ReconnectBackoff(Duration.ofSeconds(1), Duration.ofMinutes(1));

  public ReconnectBackoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initial backoff must be positive, got " + initial);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "max backoff must be at least the initial " + initial + ", got " + max);
    }
  }

  /**
   * @param failuresInARow 1 for the first failure after a login (or after start)
   */
  public Duration delay(int failuresInARow) {
    if (failuresInARow < 1) {
      throw new IllegalArgumentException("failuresInARow must be >= 1, got " + failuresInARow);
    }
    // 2^30 * any positive initial is beyond every sensible max; stop shifting before overflow.
    int doublings = Math.min(failuresInARow - 1, 30);
    Duration delay = initial.multipliedBy(1L << doublings);
    return delay.compareTo(max) > 0 ? max : delay;
  }
}
