package org.dxscraper.instrumentation.host;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Sampling behaviour over time, against a fake host tree read by the real Linux sampler. */
class HostMetricsTest {
  private static final Map<String, String> ROOT =
      Map.of("device", "/dev/sda1", "mountpoint", "/", "fstype", "ext4");
  private static final Map<String, String> DATA =
      Map.of("device", "/dev/sdb1", "mountpoint", "/srv/data", "fstype", "xfs");

  @TempDir Path dir;
  private FakeHost host;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T12:00:00Z"));
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(HostMetrics.class);
  private HostMetrics metrics;

  static final class MutableClock implements InstantSource {
    private final AtomicReference<Instant> now;

    MutableClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    void advance(Duration by) {
      now.updateAndGet(i -> i.plus(by));
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  @BeforeEach
  void setUp() {
    host = new FakeHost(dir);
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    logger.detachAppender(logs);
    if (metrics != null) {
      metrics.close();
    }
  }

  private HostMetrics start() {
    metrics = new HostMetrics(registry, host.sampler(), clock);
    metrics.sample();
    return metrics;
  }

  private Scrape scrape() {
    return Scrape.parse(registry.scrape());
  }

  private List<ILoggingEvent> logged(Level level) {
    return logs.list.stream().filter(e -> e.getLevel() == level).toList();
  }

  @Test
  void fileSystemMountedLaterGetsMetersAtTheNextSample() {
    start();
    assertThat(scrape().named("node_filesystem_size_bytes")).hasSize(2);

    host.mounts(
        "/dev/sda1 / ext4 rw,relatime 0 0",
        "tmpfs /run tmpfs rw 0 0",
        "/dev/sdb1 /srv/data xfs ro,noatime 0 0");
    host.statvfs.put("/srv/data", new StatvfsReader.Result(4096, 10, 5, 4, 100, 50));
    metrics.sample();

    Scrape scrape = scrape();
    assertThat(scrape.one("node_filesystem_size_bytes", DATA).value()).isEqualTo(10 * 4096.0);
    assertThat(scrape.one("node_filesystem_readonly", DATA).value()).isEqualTo(1);
  }

  @Test
  void unmountedFileSystemLosesItsSeries() {
    start();
    host.mounts("/dev/sda1 / ext4 rw 0 0");
    metrics.sample();

    Scrape scrape = scrape();
    for (String name :
        List.of(
            "node_filesystem_size_bytes",
            "node_filesystem_avail_bytes",
            "node_filesystem_free_bytes",
            "node_filesystem_files",
            "node_filesystem_files_free",
            "node_filesystem_readonly",
            "node_filesystem_device_error")) {
      assertThat(scrape.named(name))
          .as(name)
          .extracting(s -> s.labels().get("mountpoint"))
          .containsExactly("/");
    }
  }

  @Test
  void networkDeviceThatAppearsAndVanishesGetsAndLosesItsCounters() {
    start();
    host.network("wg0", 42, 43);
    metrics.sample();
    assertThat(scrape().one("node_network_receive_bytes_total", Map.of("device", "wg0")).value())
        .isEqualTo(42);

    host.removeNetwork("wg0");
    metrics.sample();

    assertThat(scrape().named("node_network_receive_bytes_total"))
        .extracting(s -> s.labels().get("device"))
        .containsExactlyInAnyOrder("lo", "eth0");
  }

  @Test
  void fileSystemWhoseStatvfsFailsReportsDeviceErrorAndNoSizes() {
    host.statvfs.remove("/run");
    start();

    Map<String, String> run = Map.of("mountpoint", "/run");
    Scrape scrape = scrape();
    assertThat(scrape.one("node_filesystem_device_error", run).value()).isEqualTo(1);
    assertThat(scrape.one("node_filesystem_size_bytes", run).value()).isNaN();
    assertThat(scrape.one("node_filesystem_device_error", ROOT).value()).isZero();
  }

  @Test
  void unreadablePartKeepsItsPreviousValuesAndWarnsOnce() throws Exception {
    start();
    double total = scrape().value("node_memory_MemTotal_bytes");
    Files.delete(host.proc.resolve("meminfo"));
    FakeHost.write(host.proc.resolve("loadavg"), "3.00 2.00 1.00 1/1 1\n");

    for (int i = 0; i < 5; i++) {
      clock.advance(Duration.ofSeconds(5));
      metrics.sample();
    }

    Scrape scrape = scrape();
    assertThat(scrape.value("node_memory_MemTotal_bytes")).isEqualTo(total);
    assertThat(scrape.value("node_load1")).as("other parts still update").isEqualTo(3.0);
    assertThat(logged(Level.WARN))
        .singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage()).contains("cannot read /proc/meminfo"));
  }

  @Test
  void partThatKeepsFailingIsWarnedAboutAgainEveryTenMinutesAndItsRecoveryOnce() throws Exception {
    start();
    String meminfo = Files.readString(host.proc.resolve("meminfo"));
    Files.delete(host.proc.resolve("meminfo"));

    for (int i = 0; i < 12 * 10 + 1; i++) {
      metrics.sample();
      clock.advance(Duration.ofSeconds(5));
    }
    assertThat(logged(Level.WARN)).hasSize(2);
    assertThat(logged(Level.WARN).get(1).getFormattedMessage())
        .contains("still cannot read /proc/meminfo (121 failed samples");

    host.meminfo(meminfo);
    metrics.sample();
    metrics.sample();
    assertThat(logged(Level.INFO))
        .singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage()).contains("readable again"));
  }

  @Test
  void samplerThatThrowsLeavesThePreviousSampleAndDoesNotPropagate() {
    HostSampler real = host.sampler();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    HostSampler flaky =
        new DelegatingSampler(real) {
          @Override
          public HostSample sample(HostSample previous, SampleFailures failures) {
            if (failure.get() != null) {
              throw failure.get();
            }
            return super.sample(previous, failures);
          }
        };
    metrics = new HostMetrics(registry, flaky, clock);
    metrics.sample();

    failure.set(new IllegalStateException("OSHI exploded"));
    metrics.sample();
    metrics.sample();

    assertThat(scrape().value("node_load1")).isEqualTo(0.52);
    assertThat(logged(Level.WARN)).hasSize(1);
  }

  @Test
  void cpuCounterThatStepsBackKeepsItsLastValue() {
    start();
    FakeHost.write(
        host.proc.resolve("stat"),
        """
        cpu0 101 10 50 4499 24 0 5 2 0 0
        cpu1 201 10 50 4501 26 0 5 3 0 0
        btime 1700000000
        """);
    metrics.sample();

    Scrape scrape = scrape();
    assertThat(scrape.one("node_cpu_seconds_total", Map.of("cpu", "0", "mode", "idle")).value())
        .isEqualTo(45.0);
    assertThat(scrape.one("node_cpu_seconds_total", Map.of("cpu", "0", "mode", "iowait")).value())
        .isEqualTo(0.25);
    assertThat(scrape.one("node_cpu_seconds_total", Map.of("cpu", "0", "mode", "user")).value())
        .isEqualTo(1.01);
    assertThat(scrape.one("node_cpu_seconds_total", Map.of("cpu", "1", "mode", "idle")).value())
        .isEqualTo(45.01);
  }

  @Test
  void renamedHostReplacesItsUnameSeries() {
    start();
    host.uname("newname");
    metrics.sample();

    assertThat(scrape().named("node_uname_info"))
        .singleElement()
        .satisfies(s -> assertThat(s.labels()).containsEntry("nodename", "newname"));
  }

  @Test
  void closeRemovesEveryMeterItRegistered() {
    start();
    metrics.close();

    assertThat(registry.getMeters()).isEmpty();
    assertThat(registry.scrape()).doesNotContain("node_");
  }

  @Test
  void samplesOnTheSchedulerUntilClosed() throws Exception {
    Semaphore samples = new Semaphore(0);
    HostSampler counting =
        new DelegatingSampler(host.sampler()) {
          @Override
          public HostSample sample(HostSample previous, SampleFailures failures) {
            samples.release();
            return super.sample(previous, failures);
          }
        };
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      metrics = new HostMetrics(registry, counting, clock);
      metrics.scheduleOn(scheduler, Duration.ofMillis(100));
      assertThat(samples.tryAcquire(1, 5, TimeUnit.SECONDS)).isTrue();

      host.network("usb0", 1, 2);
      samples.drainPermits();
      // Samples start one after the other finished: the second start after the change means a
      // sample that saw usb0 has published it and registered its meters.
      assertThat(samples.tryAcquire(2, 5, TimeUnit.SECONDS)).isTrue();
      assertThat(scrape().named("node_network_receive_bytes_total"))
          .extracting(s -> s.labels().get("device"))
          .contains("usb0");

      metrics.close();
      samples.drainPermits();
      // A run of the cancelled schedule that was already due goes through the same check.
      metrics.sample();
      assertThat(samples.availablePermits()).as("no sample after close").isZero();
    } finally {
      scheduler.shutdownNow();
    }
  }

  /** Passes everything to another sampler; tests override what they change. */
  private static class DelegatingSampler implements HostSampler {
    private final HostSampler delegate;

    DelegatingSampler(HostSampler delegate) {
      this.delegate = delegate;
    }

    @Override
    public HostSample sample(HostSample previous, SampleFailures failures) {
      return delegate.sample(previous, failures);
    }

    @Override
    public String source() {
      return delegate.source();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
