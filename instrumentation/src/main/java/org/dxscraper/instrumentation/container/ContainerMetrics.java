package org.dxscraper.instrumentation.container;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the status of every container from a Docker Engine API (dockerd, or podman's compatible
 * API) on a schedule, and exposes it.
 *
 * <table>
 *   <caption>Metrics (label {@code name} = container name without the leading '/')</caption>
 *   <tr><th>Name</th><th>Type</th><th>Labels</th><th>Meaning</th></tr>
 *   <tr><td>{@code container_engine_up}</td><td>gauge</td><td></td><td>1 if the last refresh
 *       read the engine completely, 0 if it failed (then no container series exist)</td></tr>
 *   <tr><td>{@code container_running}</td><td>gauge</td><td>name</td><td>1 if the state is
 *       {@code running}, else 0 (paused and restarting count as not running)</td></tr>
 *   <tr><td>{@code container_state}</td><td>gauge</td><td>name, state</td><td>1 for the current
 *       state, 0 for the others; state is one of created, running, paused, restarting, removing,
 *       exited, dead (all 0 for a state not in this list)</td></tr>
 *   <tr><td>{@code container_health}</td><td>gauge</td><td>name, health</td><td>1 for the
 *       current health, 0 for the others; health is one of healthy, unhealthy, starting, none (no
 *       health check)</td></tr>
 *   <tr><td>{@code container_restarts_total}</td><td>counter</td><td>name</td><td>the engine's
 *       {@code RestartCount}: restarts by the restart policy; it starts again at 0 when the
 *       container is recreated, which Prometheus treats as a counter reset</td></tr>
 * </table>
 *
 * <p>A container that is removed loses its series at the next refresh (its meters are removed from
 * the registry): it is gone, not down, and a stale series would alert forever. A container that
 * stops but still exists keeps its series with {@code state="exited"}. When the engine cannot be
 * read, {@code container_engine_up} is 0 and every container series is removed rather than kept at
 * stale values.
 *
 * <p>Threading: {@link #start} schedules refreshes on the caller's executor with a fixed delay; the
 * first runs at once. A refresh makes its requests on that executor's thread, each bounded by
 * {@link ContainerSettings#timeout()}, and registers or removes meters there. Gauges read values
 * cached by the last refresh, so a scrape never waits on the engine. The engine becoming
 * unreachable logs one WARN, and recovering one INFO, not one line per refresh.
 */
public final class ContainerMetrics implements MeterBinder, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ContainerMetrics.class);

  private final DockerHost host;
  private final ContainerSettings settings;
  private final DockerEngineClient client;
  // Keyed by name: a container recreated under the same name keeps its series.
  private final Map<String, ContainerMeters> containers = new HashMap<>();
  private final Set<String> unknownStatesLogged = new HashSet<>();
  private final EngineUp engineUp = new EngineUp();
  private MeterRegistry registry;
  private Boolean lastUp;
  private volatile ScheduledFuture<?> schedule;

  public ContainerMetrics(DockerHost host, ContainerSettings settings) {
    this(host, settings, new NettyEngineTransport(host, settings.timeout()));
  }

  /** Tests pass a transport of their own. */
  ContainerMetrics(DockerHost host, ContainerSettings settings, EngineTransport transport) {
    this.host = Objects.requireNonNull(host, "host");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.client = new DockerEngineClient(Objects.requireNonNull(transport, "transport"));
  }

  /**
   * Registers {@code container_engine_up} and remembers the registry, where the per-container
   * meters come and go with the containers. Binds to one registry only.
   *
   * @throws IllegalStateException if already bound
   */
  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    if (this.registry != null) {
      throw new IllegalStateException("container metrics are already bound to a registry");
    }
    this.registry = Objects.requireNonNull(registry, "registry");
    Gauge.builder("container_engine_up", engineUp, e -> e.value)
        .description("Whether the container engine API answered the last refresh (1) or not (0)")
        .strongReference(true)
        .register(registry);
  }

  /**
   * Schedules refreshes on {@code scheduler}, the first one at once. The scheduler is not shut down
   * by {@link #close()}.
   *
   * @throws IllegalStateException if not bound yet or already started
   */
  public synchronized void start(ScheduledExecutorService scheduler) {
    requireBound();
    if (schedule != null) {
      throw new IllegalStateException("container metrics already started");
    }
    log.info(
        "reading container status from {} every {} with timeout {}",
        host,
        settings.interval(),
        settings.timeout());
    schedule =
        scheduler.scheduleWithFixedDelay(
            this::runRefresh, 0, settings.interval().toNanos(), TimeUnit.NANOSECONDS);
  }

  private void runRefresh() {
    // An exception escaping a scheduled task silently cancels every later run.
    try {
      refreshNow();
    } catch (RuntimeException e) {
      log.warn("container refresh failed unexpectedly; next one in {}", settings.interval(), e);
    }
  }

  /**
   * Reads the engine once and updates the meters. Refreshes never overlap. Tests call this instead
   * of waiting for the schedule.
   *
   * @throws IllegalStateException if not bound yet
   */
  synchronized void refreshNow() {
    requireBound();
    List<ContainerStatus> statuses;
    try {
      statuses = client.containers();
    } catch (IOException e) {
      engineDown(e);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    engineUp(statuses.size());
    Set<String> seen = new HashSet<>();
    for (ContainerStatus status : statuses) {
      seen.add(status.name());
      logUnknownState(status);
      ContainerMeters meters = containers.get(status.name());
      if (meters == null) {
        containers.put(status.name(), register(status));
      } else {
        meters.status = status;
      }
    }
    containers.keySet().removeIf(name -> !seen.contains(name) && removeMeters(name));
  }

  private void engineDown(IOException e) {
    engineUp.value = 0;
    containers.keySet().removeIf(this::removeMeters);
    if (!Boolean.FALSE.equals(lastUp)) {
      // The message carries the cause; a stack trace would say nothing more about an engine that
      // is down or a socket that is missing.
      log.warn(
          "container engine at {} cannot be read, container metrics removed until it can"
              + " (not logged again until then): {}",
          host,
          e.getMessage());
    }
    lastUp = false;
  }

  private void engineUp(int containerCount) {
    engineUp.value = 1;
    if (Boolean.FALSE.equals(lastUp)) {
      log.info("container engine at {} answers again: {} container(s)", host, containerCount);
    } else if (lastUp == null) {
      log.info("container engine at {} answers: {} container(s)", host, containerCount);
    }
    lastUp = true;
  }

  private void logUnknownState(ContainerStatus status) {
    if (status.state() == ContainerState.UNKNOWN && unknownStatesLogged.add(status.engineState())) {
      log.warn(
          "container {} is in state \"{}\", which is none of {}; all its container_state series"
              + " are 0 (logged once per state)",
          status.name(),
          status.engineState(),
          ContainerState.REPORTED.stream().map(ContainerState::label).toList());
    }
  }

  private ContainerMeters register(ContainerStatus status) {
    ContainerMeters holder = new ContainerMeters(status);
    String name = status.name();
    // strongReference: Micrometer holds gauge objects weakly; the map holds them too, but the
    // gauges must not depend on that.
    holder.meters.add(
        Gauge.builder("container_running", holder, h -> h.is(ContainerState.RUNNING))
            .description("Whether the container is running (1) or not (0)")
            .tag("name", name)
            .strongReference(true)
            .register(registry));
    for (ContainerState state : ContainerState.REPORTED) {
      holder.meters.add(
          Gauge.builder("container_state", holder, h -> h.is(state))
              .description("1 for the container's current state, 0 for the others")
              .tags("name", name, "state", state.label())
              .strongReference(true)
              .register(registry));
    }
    for (ContainerHealth health : ContainerHealth.values()) {
      holder.meters.add(
          Gauge.builder("container_health", holder, h -> h.status.health() == health ? 1 : 0)
              .description("1 for the container's current health check result, 0 for the others")
              .tags("name", name, "health", health.label())
              .strongReference(true)
              .register(registry));
    }
    // Exposed as container_restarts_total: the Prometheus registry appends _total to counters.
    holder.meters.add(
        FunctionCounter.builder("container_restarts", holder, h -> h.status.restartCount())
            .description("Restarts of the container by its restart policy (engine RestartCount)")
            .tag("name", name)
            .register(registry));
    return holder;
  }

  /** Returns true so that it can sit in a removeIf. */
  private boolean removeMeters(String name) {
    ContainerMeters holder = containers.get(name);
    holder.meters.forEach(registry::remove);
    log.debug("container {} is gone; its meters are removed", name);
    return true;
  }

  private void requireBound() {
    if (registry == null) {
      throw new IllegalStateException("bindTo(registry) must come first");
    }
  }

  /**
   * Stops the schedule and the client. Meters stay registered with their last values; the
   * registry's owner removes them if it wants to.
   */
  @Override
  public void close() {
    // Not synchronized: it must interrupt a refresh in flight rather than wait for it to end.
    ScheduledFuture<?> running = schedule;
    if (running != null) {
      running.cancel(true);
    }
    client.close();
  }

  private static final class EngineUp {
    volatile double value = Double.NaN;
  }

  /** Meters of one container and the status they read; written by refreshes, read by scrapes. */
  private static final class ContainerMeters {
    final List<Meter> meters = new ArrayList<>();
    volatile ContainerStatus status;

    ContainerMeters(ContainerStatus status) {
      this.status = status;
    }

    double is(ContainerState state) {
      return status.state() == state ? 1 : 0;
    }
  }
}
