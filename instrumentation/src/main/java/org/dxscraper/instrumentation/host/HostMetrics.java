package org.dxscraper.instrumentation.host;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.dxscraper.instrumentation.host.HostSample.CpuTimes;
import org.dxscraper.instrumentation.host.HostSample.FileSystemKey;
import org.dxscraper.instrumentation.host.HostSample.FileSystemStats;
import org.dxscraper.instrumentation.host.HostSample.NetworkStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Host metrics under node_exporter's names, labels, units and meanings, so that dashboards and
 * alert rules written for node_exporter work unchanged without one running: {@code node_load*},
 * {@code node_memory_*_bytes}, {@code node_cpu_seconds_total{cpu,mode}}, {@code
 * node_filesystem_*{device,mountpoint,fstype}}, {@code node_network_*_total{device}}, {@code
 * node_boot_time_seconds}, {@code node_time_seconds} and {@code node_uname_info}.
 *
 * <p><b>Threads.</b> Sampling (reading /proc, /sys and {@code statvfs}, then adding and removing
 * meters) runs on the given scheduler's thread, one sample at a time. A scrape only reads the last
 * published {@link HostSample}: it never waits on the host and no meter function throws. Only
 * {@code node_time_seconds} is computed at scrape time (a clock read), as node_exporter's is, so
 * that it shows this host's clock skew against Prometheus'.
 *
 * <p><b>Devices that come and go.</b> A file system or network device that appears gets its meters
 * at the next sample; one that disappears has them removed, so its series end (Prometheus marks
 * them stale) as with node_exporter. Reporting NaN instead would poison {@code sum()} across
 * devices. A file system whose {@code statvfs} fails or hangs stays, with {@code
 * node_filesystem_device_error} 1 and NaN sizes.
 *
 * <p><b>Failures.</b> A part of the host that cannot be read keeps its previous values; the first
 * failure is logged as a WARN, repeats at most every ten minutes, and the recovery as INFO.
 *
 * <p><b>node_uname_info.</b> Micrometer's Prometheus naming strips the {@code _info} suffix from a
 * Gauge (client_java 1.x reserves it for Info metrics), so on a {@link PrometheusMeterRegistry} (or
 * a composite holding one) the metric is a client_java {@code Info} registered next to Micrometer's
 * meters; other registries get a Gauge of that name.
 */
public final class HostMetrics implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HostMetrics.class);
  private static final Duration REPEAT_WARNING_EVERY = Duration.ofMinutes(10);

  private record Family<T>(String name, String help, ToDoubleFunction<T> value) {}

  /** A {@code mode} label of node_cpu_seconds_total and where its value comes from. */
  private record Mode(String label, ToDoubleFunction<CpuTimes> seconds) {}

  private static final List<Mode> CPU_MODES =
      List.of(
          new Mode("user", CpuTimes::user),
          new Mode("nice", CpuTimes::nice),
          new Mode("system", CpuTimes::system),
          new Mode("idle", CpuTimes::idle),
          new Mode("iowait", CpuTimes::iowait),
          new Mode("irq", CpuTimes::irq),
          new Mode("softirq", CpuTimes::softirq),
          new Mode("steal", CpuTimes::steal));

  private static final List<Family<FileSystemStats>> FILE_SYSTEM =
      List.of(
          new Family<>(
              "node_filesystem_size_bytes",
              "Filesystem size in bytes.",
              FileSystemStats::sizeBytes),
          new Family<>(
              "node_filesystem_free_bytes",
              "Filesystem free space in bytes.",
              FileSystemStats::freeBytes),
          new Family<>(
              "node_filesystem_avail_bytes",
              "Filesystem space available to non-root users in bytes.",
              FileSystemStats::availBytes),
          new Family<>(
              "node_filesystem_files", "Filesystem total file nodes.", FileSystemStats::files),
          new Family<>(
              "node_filesystem_files_free",
              "Filesystem total free file nodes.",
              FileSystemStats::filesFree),
          new Family<>(
              "node_filesystem_readonly",
              "Filesystem read-only status.",
              s -> s.readOnly() ? 1 : 0),
          new Family<>(
              "node_filesystem_device_error",
              "Whether an error occurred while getting statistics for the given device.",
              s -> s.deviceError() ? 1 : 0));

  private static final List<Family<NetworkStats>> NETWORK =
      List.of(
          network("receive_bytes", NetworkStats::receiveBytes),
          network("transmit_bytes", NetworkStats::transmitBytes),
          network("receive_packets", NetworkStats::receivePackets),
          network("transmit_packets", NetworkStats::transmitPackets),
          network("receive_errs", NetworkStats::receiveErrs),
          network("transmit_errs", NetworkStats::transmitErrs),
          network("receive_drop", NetworkStats::receiveDrop),
          network("transmit_drop", NetworkStats::transmitDrop));

  private static Family<NetworkStats> network(String stat, ToDoubleFunction<NetworkStats> value) {
    return new Family<>(
        "node_network_" + stat + "_total", "Network device statistic " + stat + ".", value);
  }

  private final MeterRegistry registry;
  private final HostSampler sampler;
  private final InstantSource clock;
  private final SampleFailures failures;
  private final List<Meter> fixedMeters = new ArrayList<>();
  private final Map<String, List<Meter>> cpuMeters = new HashMap<>();
  private final Map<FileSystemKey, List<Meter>> fileSystemMeters = new HashMap<>();
  private final Map<String, List<Meter>> networkMeters = new HashMap<>();
  private final UnameMeter uname;
  private volatile HostSample latest = HostSample.EMPTY;
  private ScheduledFuture<?> schedule; // guarded by this
  private boolean closed; // guarded by this

  /**
   * Registers the host meters on {@code registry}, takes the first sample on the calling thread (so
   * every meter exists when this returns), then samples every {@code config.interval()} on {@code
   * scheduler}, which may be shared with other samplers: a hung file system does not block it for
   * longer than {@code config.mountTimeout()}.
   *
   * @throws IllegalArgumentException when {@code registry} already has a meter of one of these
   *     names with other labels
   */
  public static HostMetrics start(
      MeterRegistry registry, ScheduledExecutorService scheduler, HostMetricsConfig config) {
    Objects.requireNonNull(scheduler, "scheduler");
    HostSampler sampler = HostSampler.forThisHost(config);
    log.info(
        "host metrics: sampling {} every {}; file systems skipped by mount point {} or type {};"
            + " statvfs timeout {}",
        sampler.source(),
        config.interval(),
        config.mountPointsExclude(),
        config.fsTypesExclude(),
        config.mountTimeout());
    HostMetrics metrics;
    try {
      metrics = new HostMetrics(registry, sampler, InstantSource.system());
    } catch (RuntimeException e) {
      sampler.close();
      throw e;
    }
    try {
      metrics.sample();
      metrics.scheduleOn(scheduler, config.interval());
    } catch (RuntimeException e) {
      metrics.close();
      throw e;
    }
    return metrics;
  }

  /** Node_exporter's defaults, sampled every {@link HostMetricsConfig#DEFAULT_INTERVAL}. */
  public static HostMetrics start(MeterRegistry registry, ScheduledExecutorService scheduler) {
    return start(registry, scheduler, HostMetricsConfig.defaults());
  }

  HostMetrics(MeterRegistry registry, HostSampler sampler, InstantSource clock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.sampler = Objects.requireNonNull(sampler, "sampler");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.failures = new SampleFailures(log, clock, REPEAT_WARNING_EVERY);
    this.uname = new UnameMeter(registry);
    gauge("node_load1", "1m load average.", s -> s.load().one());
    gauge("node_load5", "5m load average.", s -> s.load().five());
    gauge("node_load15", "15m load average.", s -> s.load().fifteen());
    memory("MemTotal", s -> s.memory().totalBytes());
    memory("MemAvailable", s -> s.memory().availableBytes());
    memory("MemFree", s -> s.memory().freeBytes());
    memory("SwapTotal", s -> s.memory().swapTotalBytes());
    memory("SwapFree", s -> s.memory().swapFreeBytes());
    gauge("node_boot_time_seconds", "Node boot time, in unixtime.", HostSample::bootTimeSeconds);
    fixedMeters.add(
        Gauge.builder("node_time_seconds", this, HostMetrics::now)
            .description("System time in seconds since epoch (1970).")
            .strongReference(true)
            .register(registry));
  }

  private void memory(String field, ToDoubleFunction<HostSample> value) {
    gauge(
        "node_memory_" + field + "_bytes", "Memory information field " + field + "_bytes.", value);
  }

  private void gauge(String name, String help, ToDoubleFunction<HostSample> value) {
    fixedMeters.add(
        Gauge.builder(name, this, m -> value.applyAsDouble(m.latest))
            .description(help)
            .strongReference(true)
            .register(registry));
  }

  private double now() {
    Instant now = clock.instant();
    return now.getEpochSecond() + now.getNano() / 1e9;
  }

  synchronized void scheduleOn(ScheduledExecutorService scheduler, Duration interval) {
    if (closed) {
      return;
    }
    long nanos = interval.toNanos();
    schedule = scheduler.scheduleWithFixedDelay(this::sample, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Reads the host and publishes the sample, then adds meters for new devices and removes those of
   * vanished ones. On the scheduler's thread, or directly in tests. Never throws: a scheduled task
   * that throws is silently never run again.
   */
  synchronized void sample() {
    if (closed) {
      return;
    }
    try {
      HostSample next = sampler.sample(latest, failures);
      latest = next;
      sync(cpuMeters, next.cpus().keySet(), this::registerCpu);
      sync(fileSystemMeters, next.fileSystems().keySet(), this::registerFileSystem);
      sync(networkMeters, next.networks().keySet(), this::registerNetwork);
      uname.set(next.uname());
      failures.succeeded("host sample");
    } catch (RuntimeException | LinkageError e) {
      failures.failed("host sample", e);
    }
  }

  private <K> void sync(
      Map<K, List<Meter>> meters, Set<K> present, Function<K, List<Meter>> register) {
    meters
        .entrySet()
        .removeIf(
            entry -> {
              if (present.contains(entry.getKey())) {
                return false;
              }
              entry.getValue().forEach(registry::remove);
              return true;
            });
    for (K key : present) {
      meters.computeIfAbsent(key, register);
    }
  }

  private List<Meter> registerCpu(String cpu) {
    List<Meter> meters = new ArrayList<>(CPU_MODES.size());
    for (Mode mode : CPU_MODES) {
      meters.add(
          FunctionCounter.builder(
                  "node_cpu_seconds_total",
                  this,
                  m -> m.read(m.latest.cpus().get(cpu), mode.seconds()))
              .description("Seconds the CPUs spent in each mode.")
              .tags("cpu", cpu, "mode", mode.label())
              .register(registry));
    }
    return meters;
  }

  private List<Meter> registerFileSystem(FileSystemKey key) {
    Tags tags =
        Tags.of("device", key.device(), "mountpoint", key.mountPoint(), "fstype", key.fsType());
    List<Meter> meters = new ArrayList<>(FILE_SYSTEM.size());
    for (Family<FileSystemStats> family : FILE_SYSTEM) {
      meters.add(
          Gauge.builder(
                  family.name(), this, m -> m.read(m.latest.fileSystems().get(key), family.value()))
              .description(family.help())
              .tags(tags)
              .strongReference(true)
              .register(registry));
    }
    return meters;
  }

  private List<Meter> registerNetwork(String device) {
    List<Meter> meters = new ArrayList<>(NETWORK.size());
    for (Family<NetworkStats> family : NETWORK) {
      meters.add(
          FunctionCounter.builder(
                  family.name(), this, m -> m.read(m.latest.networks().get(device), family.value()))
              .description(family.help())
              .tags("device", device)
              .register(registry));
    }
    return meters;
  }

  /** A device's value in the published sample; NaN in the moment between its removal and ours. */
  private <T> double read(T stats, ToDoubleFunction<T> value) {
    return stats == null ? Double.NaN : value.applyAsDouble(stats);
  }

  /**
   * Stops sampling and removes every meter this registered. Waits for a sample in progress, which
   * takes at most about the mount timeout.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (schedule != null) {
      schedule.cancel(false);
    }
    fixedMeters.forEach(registry::remove);
    for (Map<?, List<Meter>> meters : List.of(cpuMeters, fileSystemMeters, networkMeters)) {
      meters.values().forEach(list -> list.forEach(registry::remove));
      meters.clear();
    }
    uname.remove();
    sampler.close();
  }
}
