package org.dxscraper.instrumentation.probe;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes TCP ports and HTTP endpoints on a schedule and exposes the results under
 * blackbox_exporter's names, so that no blackbox_exporter has to run beside the daemon.
 *
 * <table>
 *   <caption>Metrics (all gauges, label {@code target} = the probe's NAME)</caption>
 *   <tr><th>Name</th><th>Meaning</th></tr>
 *   <tr><td>{@code probe_success}</td><td>1 if the last probe succeeded, else 0</td></tr>
 *   <tr><td>{@code probe_duration_seconds}</td><td>how long the last probe took, failures
 *       included (a probe that timed out reports about the timeout)</td></tr>
 *   <tr><td>{@code probe_http_status_code}</td><td>HTTP targets only: status of the final
 *       response, 0 when none arrived</td></tr>
 * </table>
 *
 * <p>Success: TCP, the connection was established (then closed at once); HTTP, a GET answered with
 * a 2xx status, redirects followed (see {@link Prober}). Every gauge is NaN until the first round
 * has finished.
 *
 * <p>Threading: {@link #start} schedules rounds on the caller's executor with a fixed delay of
 * {@link ProbeSettings#interval()}; the first round runs at once. A round fans the probes out onto
 * virtual threads owned by this object and blocks one executor thread for at most {@link
 * ProbeSettings#timeout()}. Gauges only read values cached by the last round, so a Prometheus
 * scrape never waits on the network. A failing target logs one WARN when it starts failing and one
 * INFO when it recovers, not one line per round.
 */
public final class ProbeMetrics implements MeterBinder, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProbeMetrics.class);

  private final List<TargetState> targets;
  private final ProbeSettings settings;
  private final ExecutorService probeThreads;
  private final Prober prober;
  private volatile ScheduledFuture<?> schedule;

  /**
   * @param targets what to probe; names must be unique because they become the label value
   */
  public ProbeMetrics(List<ProbeTarget> targets, ProbeSettings settings) {
    this(targets, settings, System::nanoTime);
  }

  /** Tests pass a ticker to control the measured durations. */
  ProbeMetrics(List<ProbeTarget> targets, ProbeSettings settings, LongSupplier nanoTicker) {
    Objects.requireNonNull(targets, "targets");
    this.settings = Objects.requireNonNull(settings, "settings");
    Set<String> names = new HashSet<>();
    List<TargetState> states = new ArrayList<>();
    for (ProbeTarget target : targets) {
      if (!names.add(target.name())) {
        throw new IllegalArgumentException(
            "probe names must be unique, got \"" + target.name() + "\" twice");
      }
      states.add(new TargetState(target));
    }
    this.targets = List.copyOf(states);
    this.probeThreads =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("probe-", 0).factory());
    this.prober =
        new Prober(
            settings.timeout(),
            nanoTicker,
            probeThreads,
            targets.stream().anyMatch(ProbeTarget::isHttp));
  }

  /** Registers the gauges; they read cached values only. */
  @Override
  public void bindTo(MeterRegistry registry) {
    for (TargetState state : targets) {
      String name = state.target.name();
      // strongReference: Micrometer holds gauge objects weakly, and the state objects must
      // outlive any caller that forgets to keep this ProbeMetrics referenced.
      Gauge.builder("probe_success", state, s -> s.success)
          .description("Whether the last probe succeeded (1) or failed (0)")
          .tag("target", name)
          .strongReference(true)
          .register(registry);
      Gauge.builder("probe_duration_seconds", state, s -> s.durationSeconds)
          .description("How long the last probe took, in seconds")
          .baseUnit("seconds")
          .tag("target", name)
          .strongReference(true)
          .register(registry);
      if (state.target.isHttp()) {
        Gauge.builder("probe_http_status_code", state, s -> s.httpStatus)
            .description("HTTP status code of the last probe's final response, 0 if none")
            .tag("target", name)
            .strongReference(true)
            .register(registry);
      }
    }
  }

  /**
   * Schedules rounds of probes on {@code scheduler}, the first one at once. The scheduler is not
   * shut down by {@link #close()}; it may be shared with other samplers, but a round occupies one
   * of its threads for up to the timeout.
   *
   * @throws IllegalStateException if already started
   */
  public synchronized void start(ScheduledExecutorService scheduler) {
    if (schedule != null) {
      throw new IllegalStateException("probes already started");
    }
    log.info(
        "probing {} target(s) every {} with timeout {}: {}",
        targets.size(),
        settings.interval(),
        settings.timeout(),
        targets.stream().map(t -> t.target.toString()).toList());
    schedule =
        scheduler.scheduleWithFixedDelay(
            this::runRound, 0, settings.interval().toNanos(), TimeUnit.NANOSECONDS);
  }

  private void runRound() {
    // An exception escaping a scheduled task silently cancels every later run.
    try {
      probeNow();
    } catch (RuntimeException e) {
      log.warn("probe round failed unexpectedly; next round in {}", settings.interval(), e);
    }
  }

  /**
   * Probes every target once, in parallel, and updates the cached values; returns after at most
   * about the timeout. Rounds never overlap. Tests call this instead of waiting for the schedule.
   */
  synchronized void probeNow() {
    List<Future<ProbeResult>> running = new ArrayList<>(targets.size());
    for (TargetState state : targets) {
      running.add(probeThreads.submit(() -> prober.probe(state.target)));
    }
    // The deadline is real time because Future.get waits in real time; the injected ticker only
    // measures what the probes report.
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    for (int i = 0; i < targets.size(); i++) {
      Future<ProbeResult> future = running.get(i);
      ProbeResult result;
      try {
        result = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        // Interrupting the virtual thread closes its socket or aborts its HTTP exchange.
        future.cancel(true);
        result = ProbeResult.failed(settings.timeout(), 0, "no result within the timeout");
      } catch (ExecutionException e) {
        result = ProbeResult.failed(Duration.ZERO, 0, Prober.describe(e.getCause()));
      } catch (InterruptedException e) {
        running.forEach(f -> f.cancel(true));
        Thread.currentThread().interrupt();
        return;
      }
      targets.get(i).record(result);
    }
  }

  /**
   * Stops the schedule and aborts probes in flight. The gauges stay registered with their last
   * values; the registry's owner removes them if it wants to.
   */
  @Override
  public void close() {
    // Not synchronized: it must interrupt a round in flight rather than wait for it to end.
    ScheduledFuture<?> running = schedule;
    if (running != null) {
      running.cancel(true);
    }
    prober.close();
    probeThreads.shutdownNow();
  }

  /** Last result of one target; written by the round, read by scrapes. */
  private static final class TargetState {
    final ProbeTarget target;
    volatile double success = Double.NaN;
    volatile double durationSeconds = Double.NaN;
    volatile double httpStatus = Double.NaN;
    // Only the round (which holds the ProbeMetrics lock) reads and writes this.
    private Boolean lastSuccess;

    TargetState(ProbeTarget target) {
      this.target = target;
    }

    void record(ProbeResult result) {
      durationSeconds = result.duration().toNanos() / 1e9;
      httpStatus = result.httpStatus();
      success = result.success() ? 1 : 0;
      logTransition(result);
      lastSuccess = result.success();
    }

    private void logTransition(ProbeResult result) {
      if (result.success()) {
        if (Boolean.FALSE.equals(lastSuccess)) {
          log.info("probe {} succeeds again", target);
        } else if (lastSuccess == null) {
          log.debug("probe {} succeeds", target);
        }
      } else if (!Boolean.FALSE.equals(lastSuccess)) {
        log.warn(
            "probe {} fails after {} ms: {} (not logged again until it has recovered)",
            target,
            result.duration().toMillis(),
            result.failure());
      }
    }
  }
}
