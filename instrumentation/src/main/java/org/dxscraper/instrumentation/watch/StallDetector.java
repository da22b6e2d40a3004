package org.dxscraper.instrumentation.watch;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Decides whether something that should be producing has gone quiet: a connected node that sends no
 * spot, a writer with rows waiting that commits nothing. Silence only counts while the thing is
 * active, and is measured from the later of its last activity and the moment it became active, so a
 * node that has just logged in is not stalled for the hours it was away.
 *
 * <p>Pure and immutable: the caller passes the clock's time in, so tests control it.
 *
 * @param timeout how long silence must last to be a stall
 */
public record StallDetector(Duration timeout) {

  public StallDetector {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("stall timeout must be positive, got " + timeout);
    }
  }

  /**
   * @param active whether silence matters now (connected and logged in; rows waiting)
   * @param lastActivity the last spot, commit or other sign of life; null if none yet
   * @param activeSince when it became active; null if unknown
   * @param now the current time
   */
  public boolean stalled(boolean active, Instant lastActivity, Instant activeSince, Instant now) {
    if (!active) {
      return false;
    }
    Instant reference = later(lastActivity, activeSince);
    return reference != null && reference.plus(timeout).isBefore(now);
  }

  private static Instant later(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.isAfter(b) ? a : b;
  }
}
