package org.dxscraper.instrumentation.probe;

import java.time.Duration;

/**
 * Outcome of one probe of one target.
 *
 * @param success whether the probe met its success rule (TCP: connected; HTTP: 2xx)
 * @param duration wall time the probe took, failures included
 * @param httpStatus final HTTP status code, 0 when no response arrived (and for TCP probes)
 * @param failure why it failed, for the log; {@code null} on success
 */
record ProbeResult(boolean success, Duration duration, int httpStatus, String failure) {

  static ProbeResult succeeded(Duration duration, int httpStatus) {
    return new ProbeResult(true, duration, httpStatus, null);
  }

  static ProbeResult failed(Duration duration, int httpStatus, String failure) {
    return new ProbeResult(false, duration, httpStatus, failure);
  }
}
