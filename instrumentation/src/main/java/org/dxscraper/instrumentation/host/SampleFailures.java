package org.dxscraper.instrumentation.host;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * Logs failed sample parts without flooding the log at every interval: the first failure of a part
 * is a WARN with its stack trace, repeats are DEBUG, with one WARN summary per {@code repeatEvery}
 * while the part keeps failing, and an INFO when it reads again.
 *
 * <p>Confined to the sampler thread (guarded by the owning {@link HostMetrics}).
 */
final class SampleFailures {
  private final Logger log;
  private final InstantSource clock;
  private final Duration repeatEvery;
  private final Map<String, Failing> failing = new HashMap<>();

  private static final class Failing {
    final Instant since;
    Instant lastWarned;
    long count = 1;

    Failing(Instant now) {
      this.since = now;
      this.lastWarned = now;
    }
  }

  SampleFailures(Logger log, InstantSource clock, Duration repeatEvery) {
    this.log = Objects.requireNonNull(log, "log");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.repeatEvery = Objects.requireNonNull(repeatEvery, "repeatEvery");
  }

  /** {@code part} could not be read this time; its previous values stay. */
  void failed(String part, Throwable cause) {
    Instant now = clock.instant();
    Failing state = failing.get(part);
    if (state == null) {
      failing.put(part, new Failing(now));
      log.warn(
          "host metrics: cannot read {}, its metrics keep their previous values: {}",
          part,
          cause.toString(),
          cause);
      return;
    }
    state.count++;
    if (Duration.between(state.lastWarned, now).compareTo(repeatEvery) >= 0) {
      state.lastWarned = now;
      log.warn(
          "host metrics: still cannot read {} ({} failed samples since {}): {}",
          part,
          state.count,
          state.since,
          cause.toString());
    } else {
      log.debug("host metrics: cannot read {}: {}", part, cause.toString());
    }
  }

  /** {@code part} was read; logs the recovery if it had failed. */
  void succeeded(String part) {
    Failing state = failing.remove(part);
    if (state != null) {
      log.info(
          "host metrics: {} readable again after {} failed samples since {}",
          part,
          state.count,
          state.since);
    }
  }
}
