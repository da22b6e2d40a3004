package org.dxscraper.instrumentation.host;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.UnixOperatingSystemMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's and the machine's CPU and file-descriptor figures under the names Micrometer's
 * {@code ProcessorMetrics} and {@code FileDescriptorMetrics} give them ({@code process_cpu_usage},
 * {@code process_cpu_time_ns_total}, {@code system_cpu_usage}, {@code system_cpu_count}, {@code
 * system_load_average_1m}, {@code process_files_open_files}, {@code process_files_max_files}), read
 * on the sampler thread instead of at every scrape.
 *
 * <p>Micrometer's binders ask the JDK's {@code OperatingSystemMXBean} at scrape time, and each of
 * those asks the kernel: {@code /proc/self/stat}, {@code /proc/stat}, the cgroup's CPU files, a
 * listing of {@code /proc/self/fd}. That was 220-660 µs of every scrape (a loop over those calls)
 * and 10-15% of a scrape's CPU at 10,000 spots/s in JFR, the largest share after the text format.
 * Sampled every {@code interval}, as the host's {@code node_*} metrics are, a scrape reads fields.
 *
 * <p>What changes for a reader: the two usage gauges are the CPU share since the previous sample
 * (the JDK measures "recent" use from one call to the next), so with Prometheus' usual 15 s scrape
 * and the default 15 s sample they mean what they meant; {@code process_cpu_time_ns_total} moves
 * once a sample. A figure the JDK cannot give (negative) is NaN. A sample that fails keeps the
 * previous one, as the host's metrics do, and says so in the log.
 */
public final class ProcessMetrics {
  private static final Logger log = LoggerFactory.getLogger(ProcessMetrics.class);

  private static final Duration REPEAT_WARNING_EVERY = Duration.ofMinutes(10);
  private static final String PART = "the JVM's process and system figures";

  private final OperatingSystemMXBean os;
  // Confined to whoever samples: the constructor, then the scheduler's thread.
  private final SampleFailures failures =
      new SampleFailures(log, InstantSource.system(), REPEAT_WARNING_EVERY);
  private volatile Sample latest = Sample.NONE;

  /** One reading of every figure; NaN where the JDK has none. */
  record Sample(
      double processCpuUsage,
      double processCpuTimeNanos,
      double systemCpuUsage,
      double systemCpuCount,
      double loadAverage1m,
      double openFiles,
      double maxFiles) {
    static final Sample NONE =
        new Sample(
            Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }

  /**
   * Registers the meters, takes a first sample and samples again every {@code interval} on {@code
   * scheduler}, until that is shut down.
   */
  public static ProcessMetrics start(
      MeterRegistry registry, ScheduledExecutorService scheduler, Duration interval) {
    Objects.requireNonNull(scheduler, "scheduler");
    ProcessMetrics metrics = new ProcessMetrics(registry);
    long nanos = interval.toNanos();
    scheduler.scheduleWithFixedDelay(metrics::sample, nanos, nanos, TimeUnit.NANOSECONDS);
    return metrics;
  }

  ProcessMetrics(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    this.os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    sample();
    gauge(
        registry,
        "process.cpu.usage",
        null,
        "CPU share of this JVM process",
        Sample::processCpuUsage);
    FunctionCounter.builder("process.cpu.time", this, m -> m.latest.processCpuTimeNanos())
        .baseUnit("ns")
        .description("CPU time this JVM process has used")
        .register(registry);
    gauge(
        registry,
        "system.cpu.usage",
        null,
        "CPU share of the whole machine (or of the container's cgroup)",
        Sample::systemCpuUsage);
    gauge(
        registry,
        "system.cpu.count",
        null,
        "Processors available to the JVM",
        Sample::systemCpuCount);
    gauge(
        registry,
        "system.load.average.1m",
        null,
        "Run queue length plus running processes, averaged over a minute",
        Sample::loadAverage1m);
    gauge(
        registry,
        "process.files.open",
        "files",
        "File descriptors this process holds open",
        Sample::openFiles);
    gauge(
        registry,
        "process.files.max",
        "files",
        "This process's limit of open file descriptors",
        Sample::maxFiles);
  }

  private void gauge(
      MeterRegistry registry,
      String name,
      String unit,
      String help,
      ToDoubleFunction<Sample> value) {
    Gauge.builder(name, this, m -> value.applyAsDouble(m.latest))
        .baseUnit(unit)
        .description(help)
        .strongReference(true)
        .register(registry);
  }

  /**
   * Reads every figure and publishes them together; on the sampler thread, or in tests. Never
   * throws: a scheduled task that throws is never run again. A failed read keeps the last sample
   * and is logged as the host's parts are ({@link SampleFailures}).
   */
  void sample() {
    try {
      latest = read();
      failures.succeeded(PART);
    } catch (RuntimeException | LinkageError e) {
      failures.failed(PART, e);
    }
  }

  private Sample read() {
    double openFiles = Double.NaN;
    double maxFiles = Double.NaN;
    if (os instanceof UnixOperatingSystemMXBean unix) {
      openFiles = orNaN(unix.getOpenFileDescriptorCount());
      maxFiles = orNaN(unix.getMaxFileDescriptorCount());
    }
    return new Sample(
        orNaN(os.getProcessCpuLoad()),
        orNaN(os.getProcessCpuTime()),
        orNaN(os.getCpuLoad()),
        Runtime.getRuntime().availableProcessors(),
        orNaN(os.getSystemLoadAverage()),
        openFiles,
        maxFiles);
  }

  private static double orNaN(double value) {
    return value < 0 ? Double.NaN : value;
  }
}
