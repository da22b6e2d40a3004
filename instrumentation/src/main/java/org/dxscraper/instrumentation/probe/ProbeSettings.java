package org.dxscraper.instrumentation.probe;

import java.time.Duration;
import java.util.Objects;

/**
 * How often the probes run and how long one may take.
 *
 * @param interval pause between the end of one round of probes and the start of the next; positive
 * @param timeout longest a single probe may take, DNS lookup, connect and (HTTP) response headers
 *     and body included; positive and at most {@code interval}, so that rounds cannot pile up
 */
public record ProbeSettings(Duration interval, Duration timeout) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  public ProbeSettings {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(timeout, "timeout");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("probe interval must be positive, got " + interval);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("probe timeout must be positive, got " + timeout);
    }
    if (timeout.compareTo(interval) > 0) {
      throw new IllegalArgumentException(
          "probe timeout must be at most the interval (" + interval + "), got " + timeout);
    }
  }

  /** Interval 15 s and timeout 5 s. */
  public static ProbeSettings defaults() {
    return new ProbeSettings(DEFAULT_INTERVAL, DEFAULT_TIMEOUT);
  }
}
