package org.dxscraper.instrumentation.container;

import java.util.Locale;

/** Result of a container's HEALTHCHECK, the values of the {@code health} label. */
enum ContainerHealth {
  HEALTHY("healthy"),
  UNHEALTHY("unhealthy"),
  STARTING("starting"),
  /** No health check configured (or a status this code does not know). */
  NONE("none");

  private final String label;

  ContainerHealth(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  /** Maps {@code State.Health.Status}; absent or empty (podman) means no health check. */
  static ContainerHealth fromEngine(String status) {
    return switch (status == null ? "" : status.toLowerCase(Locale.ROOT)) {
      case "healthy" -> HEALTHY;
      case "unhealthy" -> UNHEALTHY;
      case "starting" -> STARTING;
      default -> NONE;
    };
  }
}
