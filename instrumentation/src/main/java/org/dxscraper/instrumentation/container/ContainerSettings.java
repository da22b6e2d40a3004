package org.dxscraper.instrumentation.container;

import java.time.Duration;
import java.util.Objects;

/**
 * How often the container status is read and how long one request may take.
 *
 * @param interval pause between the end of one refresh and the start of the next; positive
 * @param timeout longest one request to the engine may take (a refresh makes one request per
 *     container plus one); positive and at most {@code interval}
 */
public record ContainerSettings(Duration interval, Duration timeout) {

  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  public ContainerSettings {
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(timeout, "timeout");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("container interval must be positive, got " + interval);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("container timeout must be positive, got " + timeout);
    }
    if (timeout.compareTo(interval) > 0) {
      throw new IllegalArgumentException(
          "container timeout must be at most the interval (" + interval + "), got " + timeout);
    }
  }

  /** Interval 15 s and timeout 5 s. */
  public static ContainerSettings defaults() {
    return new ContainerSettings(DEFAULT_INTERVAL, DEFAULT_TIMEOUT);
  }
}
