package org.dxscraper.instrumentation.container;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A container's state in Docker's vocabulary, the values of the {@code state} label. */
enum ContainerState {
  CREATED("created"),
  RUNNING("running"),
  PAUSED("paused"),
  RESTARTING("restarting"),
  REMOVING("removing"),
  EXITED("exited"),
  DEAD("dead"),
  /** A state this code does not know; every {@code container_state} series of it is 0. */
  UNKNOWN("unknown");

  /** The states that get a {@code container_state} series. */
  static final List<ContainerState> REPORTED =
      Arrays.stream(values()).filter(s -> s != UNKNOWN).toList();

  private final String label;

  ContainerState(String label) {
    this.label = label;
  }

  String label() {
    return label;
  }

  /**
   * Maps the engine's {@code State} string. Podman's own states, which its compatible API sometimes
   * passes through, map to the Docker state that means the same to an operator.
   */
  static ContainerState fromEngine(String state) {
    return switch (state == null ? "" : state.toLowerCase(Locale.ROOT)) {
      case "created", "configured", "initialized" -> CREATED;
      // podman's "stopping": the process still runs until the stop completes.
      case "running", "stopping" -> RUNNING;
      case "paused" -> PAUSED;
      case "restarting" -> RESTARTING;
      case "removing" -> REMOVING;
      case "exited", "stopped" -> EXITED;
      case "dead" -> DEAD;
      default -> UNKNOWN;
    };
  }
}
