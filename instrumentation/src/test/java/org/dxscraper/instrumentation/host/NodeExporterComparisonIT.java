package org.dxscraper.instrumentation.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * This module and a real node_exporter (Debian's prometheus-node-exporter) scraped at the same
 * moment on the same host must agree. node_exporter is given upstream's defaults where Debian
 * patches them (the mount point filter, and loopback excluded from netdev), so that both apply the
 * same rules.
 */
class NodeExporterComparisonIT {
  private static final Path BINARY = Path.of("/usr/bin/prometheus-node-exporter");
  private static final Duration STARTUP_DEADLINE = Duration.ofSeconds(15);

  private static Process exporter;
  private static URI exporterUrl;
  private static Scrape theirs;
  private static Scrape ours;

  @BeforeAll
  static void scrapeBoth() throws Exception {
    assumeThat(System.getProperty("os.name"))
        .as("node_exporter compares on Linux")
        .isEqualTo("Linux");
    assumeThat(Files.isExecutable(BINARY))
        .as(BINARY + " is not installed (apt-get install prometheus-node-exporter)")
        .isTrue();
    startExporter();

    HostMetricsConfig config = HostMetricsConfig.defaults();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    HostSampler sampler =
        new LinuxHostSampler(
            config, LinuxProcReader.system(), new StatvfsReader(config.mountTimeout()));
    try (HostMetrics metrics = new HostMetrics(registry, sampler, InstantSource.system())) {
      // Both at once: node_exporter's scrape in flight while this module samples.
      CompletableFuture<String> exporterScrape =
          CompletableFuture.supplyAsync(() -> get(exporterUrl));
      metrics.sample();
      ours = Scrape.parse(registry.scrape());
      theirs = Scrape.parse(exporterScrape.get(STARTUP_DEADLINE.toSeconds(), TimeUnit.SECONDS));
    }
  }

  private static void startExporter() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    exporterUrl = URI.create("http://127.0.0.1:" + port + "/metrics");
    HostMetricsConfig config = HostMetricsConfig.defaults();
    exporter =
        new ProcessBuilder(
                BINARY.toString(),
                "--web.listen-address=127.0.0.1:" + port,
                "--collector.disable-defaults",
                "--collector.cpu",
                "--collector.filesystem",
                "--collector.loadavg",
                "--collector.meminfo",
                "--collector.netdev",
                "--collector.stat",
                "--collector.time",
                "--collector.uname",
                "--collector.filesystem.mount-points-exclude=" + config.mountPointsExclude(),
                "--collector.filesystem.fs-types-exclude=" + config.fsTypesExclude(),
                // Debian patches this default to ^lo$; upstream, like this module, keeps lo.
                "--collector.netdev.device-exclude=")
            .redirectErrorStream(true)
            .start();
    CompletableFuture<Void> listening = new CompletableFuture<>();
    StringBuilder output = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(exporter.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  synchronized (output) {
                    output.append(line).append('\n');
                  }
                  if (line.contains("msg=\"Listening on\"")) {
                    listening.complete(null);
                  }
                }
                listening.completeExceptionally(
                    new IllegalStateException("node_exporter exited:\n" + output));
              } catch (IOException e) {
                listening.completeExceptionally(e);
              }
            },
            "node-exporter-output");
    reader.setDaemon(true);
    reader.start();
    // Its own log line says when it accepts connections: no guessing how long to wait.
    listening.get(STARTUP_DEADLINE.toSeconds(), TimeUnit.SECONDS);
  }

  private static String get(URI url) {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(url).timeout(STARTUP_DEADLINE).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("GET " + url).isEqualTo(200);
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException("GET " + url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @AfterAll
  static void stopExporter() throws InterruptedException {
    if (exporter != null) {
      exporter.destroy();
      if (!exporter.waitFor(5, TimeUnit.SECONDS)) {
        exporter.destroyForcibly();
      }
    }
  }

  private static Set<Map<String, String>> labelSets(Scrape scrape, String name, String... keep) {
    Set<String> wanted = Set.of(keep);
    return scrape.named(name).stream()
        .map(
            s ->
                s.labels().entrySet().stream()
                    .filter(e -> wanted.contains(e.getKey()))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
        .collect(Collectors.toSet());
  }

  @Test
  void everyMetricHasTheSameLabelNamesAsNodeExporters() {
    Map<String, Set<Set<String>>> ourLabels = ours.labelNamesByMetric();
    Map<String, Set<Set<String>>> theirLabels = theirs.labelNamesByMetric();

    assertThat(theirLabels).containsKeys(ourLabels.keySet().toArray(String[]::new));
    ourLabels.forEach(
        (name, labels) -> assertThat(labels).as(name).isEqualTo(theirLabels.get(name)));
    ours.types()
        .forEach((name, type) -> assertThat(theirs.types()).as(name).containsEntry(name, type));
  }

  @Test
  void memoryTotalIsEqualAndAvailableClose() {
    assertThat(ours.value("node_memory_MemTotal_bytes"))
        .isEqualTo(theirs.value("node_memory_MemTotal_bytes"));
    assertThat(ours.value("node_memory_SwapTotal_bytes"))
        .isEqualTo(theirs.value("node_memory_SwapTotal_bytes"));
    double available = theirs.value("node_memory_MemAvailable_bytes");
    assertThat(ours.value("node_memory_MemAvailable_bytes"))
        .isCloseTo(available, within(available * 0.05));
  }

  @Test
  void rootFileSystemSizeAndInodesAreEqual() {
    Map<String, String> root = Map.of("mountpoint", "/");
    for (String name : List.of("node_filesystem_size_bytes", "node_filesystem_files")) {
      assertThat(ours.one(name, root).value()).as(name).isEqualTo(theirs.one(name, root).value());
      assertThat(ours.one(name, root).labels()).as(name).isEqualTo(theirs.one(name, root).labels());
    }
  }

  @Test
  void sameFileSystemsAreReported() {
    String[] labels = {"device", "mountpoint", "fstype"};

    assertThat(labelSets(ours, "node_filesystem_device_error", labels))
        .isEqualTo(labelSets(theirs, "node_filesystem_device_error", labels));
    assertThat(labelSets(ours, "node_filesystem_size_bytes", labels))
        .isEqualTo(labelSets(theirs, "node_filesystem_size_bytes", labels));
  }

  @Test
  void loadIsWithinHalfAUnit() {
    for (String name : List.of("node_load1", "node_load5", "node_load15")) {
      assertThat(ours.value(name)).as(name).isCloseTo(theirs.value(name), within(0.5));
    }
  }

  @Test
  void sameCpusModesAndNearlyTheSameSeconds() {
    assertThat(labelSets(ours, "node_cpu_seconds_total", "cpu", "mode"))
        .isEqualTo(labelSets(theirs, "node_cpu_seconds_total", "cpu", "mode"));
    Map<String, String> cpu0User = Map.of("cpu", "0", "mode", "user");
    assertThat(ours.one("node_cpu_seconds_total", cpu0User).value())
        .isCloseTo(theirs.one("node_cpu_seconds_total", cpu0User).value(), within(1.0));
  }

  @Test
  void sameNetworkDevicesIncludingLoopback() {
    assertThat(labelSets(ours, "node_network_receive_bytes_total", "device"))
        .isEqualTo(labelSets(theirs, "node_network_receive_bytes_total", "device"))
        .contains(Map.of("device", "lo"));
  }

  @Test
  void bootTimeUnameAndClockAgree() {
    assertThat(ours.value("node_boot_time_seconds"))
        .isEqualTo(theirs.value("node_boot_time_seconds"));
    assertThat(ours.one("node_uname_info", Map.of()).labels())
        .isEqualTo(theirs.one("node_uname_info", Map.of()).labels());
    assertThat(ours.value("node_time_seconds"))
        .isCloseTo(theirs.value("node_time_seconds"), within(5.0));
  }
}
