package org.dxscraper.instrumentation.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a Prometheus server sees: exact names, label names, types, help and units. */
class HostMetricsScrapeTest {
  private static final Set<String> NO_LABELS = Set.of();
  private static final Set<String> FS_LABELS = Set.of("device", "mountpoint", "fstype");
  private static final Set<String> NET_LABELS = Set.of("device");

  /** node_exporter's names and label names, as its /metrics shows them. */
  private static final Map<String, Set<String>> NODE_EXPORTER =
      Map.ofEntries(
          Map.entry("node_load1", NO_LABELS),
          Map.entry("node_load5", NO_LABELS),
          Map.entry("node_load15", NO_LABELS),
          Map.entry("node_memory_MemTotal_bytes", NO_LABELS),
          Map.entry("node_memory_MemAvailable_bytes", NO_LABELS),
          Map.entry("node_memory_MemFree_bytes", NO_LABELS),
          Map.entry("node_memory_SwapTotal_bytes", NO_LABELS),
          Map.entry("node_memory_SwapFree_bytes", NO_LABELS),
          Map.entry("node_cpu_seconds_total", Set.of("cpu", "mode")),
          Map.entry("node_filesystem_size_bytes", FS_LABELS),
          Map.entry("node_filesystem_free_bytes", FS_LABELS),
          Map.entry("node_filesystem_avail_bytes", FS_LABELS),
          Map.entry("node_filesystem_files", FS_LABELS),
          Map.entry("node_filesystem_files_free", FS_LABELS),
          Map.entry("node_filesystem_readonly", FS_LABELS),
          Map.entry("node_filesystem_device_error", FS_LABELS),
          Map.entry("node_network_receive_bytes_total", NET_LABELS),
          Map.entry("node_network_transmit_bytes_total", NET_LABELS),
          Map.entry("node_network_receive_packets_total", NET_LABELS),
          Map.entry("node_network_transmit_packets_total", NET_LABELS),
          Map.entry("node_network_receive_errs_total", NET_LABELS),
          Map.entry("node_network_transmit_errs_total", NET_LABELS),
          Map.entry("node_network_receive_drop_total", NET_LABELS),
          Map.entry("node_network_transmit_drop_total", NET_LABELS),
          Map.entry("node_boot_time_seconds", NO_LABELS),
          Map.entry("node_time_seconds", NO_LABELS),
          Map.entry(
              "node_uname_info",
              Set.of("sysname", "release", "version", "machine", "nodename", "domainname")));

  @TempDir Path root;
  private HostMetrics metrics;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @AfterEach
  void close() {
    if (metrics != null) {
      metrics.close();
    }
  }

  private Scrape sampleAndScrape() {
    metrics =
        new HostMetrics(
            registry,
            new FakeHost(root).sampler(),
            InstantSource.fixed(Instant.parse("2025-01-02T03:04:05.5Z")));
    metrics.sample();
    return Scrape.parse(registry.scrape());
  }

  @Test
  void exposesExactlyNodeExporterNamesAndLabelNames() {
    Scrape scrape = sampleAndScrape();

    Map<String, Set<Set<String>>> exposed = scrape.labelNamesByMetric();
    assertThat(exposed.keySet()).containsExactlyInAnyOrderElementsOf(NODE_EXPORTER.keySet());
    NODE_EXPORTER.forEach(
        (name, labels) -> assertThat(exposed.get(name)).as(name).containsExactly(labels));
  }

  @Test
  void keepsTheCaseOfMeminfoFieldsAndAddsNoUnitSuffix() {
    sampleAndScrape();

    assertThat(registry.scrape())
        .contains("\nnode_memory_MemTotal_bytes ")
        .doesNotContain("node_memory_memtotal")
        .doesNotContain("_bytes_bytes")
        .doesNotContain("node_load1_")
        .doesNotContain("_total_total");
  }

  @Test
  void typesCountersAndGaugesAsNodeExporterDoes() {
    Scrape scrape = sampleAndScrape();

    assertThat(scrape.types())
        .containsEntry("node_cpu_seconds_total", "counter")
        .containsEntry("node_network_receive_bytes_total", "counter")
        .containsEntry("node_network_transmit_drop_total", "counter")
        .containsEntry("node_load1", "gauge")
        .containsEntry("node_memory_MemAvailable_bytes", "gauge")
        .containsEntry("node_filesystem_avail_bytes", "gauge")
        .containsEntry("node_boot_time_seconds", "gauge")
        .containsEntry("node_time_seconds", "gauge")
        .containsEntry("node_uname_info", "gauge");
    assertThat(scrape.help())
        .containsEntry("node_load1", "1m load average.")
        .containsEntry("node_memory_MemTotal_bytes", "Memory information field MemTotal_bytes.")
        .containsEntry("node_cpu_seconds_total", "Seconds the CPUs spent in each mode.")
        .containsEntry(
            "node_filesystem_avail_bytes", "Filesystem space available to non-root users in bytes.")
        .containsEntry(
            "node_network_receive_bytes_total", "Network device statistic receive_bytes.")
        .containsEntry(
            "node_uname_info", "Labeled system information as provided by the uname system call.");
  }

  @Test
  void reportsValuesInNodeExporterUnits() {
    Scrape scrape = sampleAndScrape();

    assertThat(scrape.value("node_memory_MemTotal_bytes")).isEqualTo(8_000_000 * 1024.0);
    assertThat(scrape.value("node_memory_MemAvailable_bytes")).isEqualTo(6_000_000 * 1024.0);
    assertThat(scrape.value("node_memory_MemFree_bytes")).isEqualTo(1_000_000 * 1024.0);
    assertThat(scrape.value("node_memory_SwapTotal_bytes")).isEqualTo(2_000_000 * 1024.0);
    assertThat(scrape.value("node_memory_SwapFree_bytes")).isEqualTo(1_500_000 * 1024.0);
    assertThat(scrape.value("node_load1")).isEqualTo(0.52);
    assertThat(scrape.value("node_load15")).isEqualTo(0.59);
    assertThat(scrape.value("node_boot_time_seconds")).isEqualTo(1_700_000_000);
    assertThat(scrape.value("node_time_seconds")).isEqualTo(1_735_787_045.5);
    assertThat(scrape.one("node_cpu_seconds_total", Map.of("cpu", "1", "mode", "user")).value())
        .as("200 ticks of USER_HZ 100")
        .isEqualTo(2.0);
    assertThat(scrape.named("node_cpu_seconds_total")).hasSize(2 * 8);
    Map<String, String> root = Map.of("device", "/dev/sda1", "mountpoint", "/", "fstype", "ext4");
    assertThat(scrape.one("node_filesystem_size_bytes", root).value()).isEqualTo(1000 * 4096.0);
    assertThat(scrape.one("node_filesystem_free_bytes", root).value()).isEqualTo(400 * 4096.0);
    assertThat(scrape.one("node_filesystem_avail_bytes", root).value()).isEqualTo(300 * 4096.0);
    assertThat(scrape.one("node_filesystem_files", root).value()).isEqualTo(500);
    assertThat(scrape.one("node_filesystem_files_free", root).value()).isEqualTo(200);
    assertThat(scrape.one("node_filesystem_readonly", root).value()).isZero();
    assertThat(scrape.one("node_filesystem_device_error", root).value()).isZero();
    assertThat(scrape.one("node_network_transmit_bytes_total", Map.of("device", "eth0")).value())
        .isEqualTo(7000);
    assertThat(scrape.one("node_uname_info", Map.of()).labels())
        .containsEntry("sysname", "Linux")
        .containsEntry("release", "6.1.0-test")
        .containsEntry("machine", "x86_64")
        .containsEntry("nodename", "myhost")
        .containsEntry("domainname", "(none)");
    assertThat(scrape.value("node_uname_info")).isEqualTo(1);
  }

  @Test
  void keepsTmpfsAndDropsPseudoAndContainerFileSystemsLikeNodeExporter() {
    Scrape scrape = sampleAndScrape();

    assertThat(scrape.named("node_filesystem_size_bytes"))
        .extracting(s -> s.labels().get("mountpoint"))
        .containsExactlyInAnyOrder("/", "/run");
  }

  @Test
  void exposesUnameInfoThroughACompositeRegistry() {
    CompositeMeterRegistry composite = new CompositeMeterRegistry();
    composite.add(registry);
    metrics = new HostMetrics(composite, new FakeHost(root).sampler(), InstantSource.system());
    metrics.sample();

    Scrape scrape = Scrape.parse(registry.scrape());
    assertThat(scrape.named("node_uname_info")).hasSize(1);
    assertThat(scrape.named("node_uname")).isEmpty();
  }

  @Test
  void registersUnameInfoAsAGaugeOnOtherRegistries() {
    SimpleMeterRegistry simple = new SimpleMeterRegistry();
    metrics = new HostMetrics(simple, new FakeHost(root).sampler(), InstantSource.system());
    metrics.sample();

    assertThat(simple.get("node_uname_info").tag("nodename", "myhost").gauge().value())
        .isEqualTo(1);
  }

  @Test
  void exposesEveryFamilyForThisHost() {
    assumeThat(System.getProperty("os.name")).as("reads /proc").isEqualTo("Linux");
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      metrics = HostMetrics.start(registry, scheduler);

      Map<String, Set<Set<String>>> exposed = Scrape.parse(registry.scrape()).labelNamesByMetric();
      assertThat(exposed.keySet()).containsAll(NODE_EXPORTER.keySet());
      NODE_EXPORTER.forEach(
          (name, labels) -> assertThat(exposed.get(name)).as(name).containsExactly(labels));
    } finally {
      scheduler.shutdownNow();
    }
  }
}
