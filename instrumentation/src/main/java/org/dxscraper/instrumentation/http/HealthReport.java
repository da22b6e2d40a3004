package org.dxscraper.instrumentation.http;

import java.util.Objects;

/**
 * The answer of {@code /health}: 200 with {@code json} when {@code healthy}, otherwise 503 with the
 * same kind of body, so that Docker and systemd health checks need only the status code and a
 * person can read why.
 *
 * @param json a JSON object; built by the caller, who knows what to report
 */
public record HealthReport(boolean healthy, String json) {
  public HealthReport {
    Objects.requireNonNull(json, "json");
  }
}
