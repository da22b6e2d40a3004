package org.dxscraper.instrumentation.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProcessMetricsTest {

  /** Each series of a text scrape, name and labels, with its TYPE line's type. */
  private static Map<String, String> seriesWithTypes(PrometheusMeterRegistry registry) {
    Map<String, String> types = new TreeMap<>();
    Map<String, String> series = new TreeMap<>();
    for (String line : registry.scrape().split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        types.put(parts[2], parts[3]);
      } else if (!line.startsWith("#") && !line.isBlank()) {
        series.put(line.substring(0, line.lastIndexOf(' ')), "");
      }
    }
    return series.keySet().stream()
        .collect(
            Collectors.toMap(
                s -> s,
                s -> types.getOrDefault(s.replaceAll("\\{.*", ""), "?"),
                (a, b) -> a,
                TreeMap::new));
  }

  private static double value(PrometheusMeterRegistry registry, String name) {
    for (String line : registry.scrape().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1));
      }
    }
    throw new AssertionError(name + " not in the scrape:\n" + registry.scrape());
  }

  @Test
  void scrapesTheSameSeriesAsMicrometersProcessorAndFileDescriptorMetrics() {
    PrometheusMeterRegistry micrometers = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ProcessorMetrics().bindTo(micrometers);
    new FileDescriptorMetrics().bindTo(micrometers);
    PrometheusMeterRegistry ours = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ProcessMetrics(ours);

    assertThat(seriesWithTypes(ours))
        .isNotEmpty()
        .isEqualTo(seriesWithTypes(micrometers))
        .containsKeys("process_cpu_usage", "process_cpu_time_ns_total", "process_files_open_files");
  }

  @Test
  void aScrapeShowsTheLastSampleAndTheNextSampleMovesIt() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ProcessMetrics metrics = new ProcessMetrics(registry);
    double sampled = value(registry, "process_cpu_time_ns_total");
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long burnUntil = os.getProcessCpuTime() + Duration.ofMillis(50).toNanos();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long spin = 0;
    while (os.getProcessCpuTime() < burnUntil && System.nanoTime() < deadline) {
      spin += Long.numberOfTrailingZeros(spin + System.nanoTime()); // CPU time, not a sleep
    }
    assertThat(os.getProcessCpuTime()).as("CPU burnt (%d)", spin).isGreaterThanOrEqualTo(burnUntil);

    assertThat(value(registry, "process_cpu_time_ns_total")).isEqualTo(sampled);

    metrics.sample();

    assertThat(value(registry, "process_cpu_time_ns_total"))
        .isGreaterThanOrEqualTo(sampled + Duration.ofMillis(50).toNanos());
    assertThat(value(registry, "system_cpu_count"))
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(value(registry, "process_files_open_files")).isPositive();
    assertThat(value(registry, "process_files_max_files"))
        .isGreaterThanOrEqualTo(value(registry, "process_files_open_files"));
    assertThat(value(registry, "process_cpu_usage")).isBetween(0.0, 1.0);
    assertThat(value(registry, "system_cpu_usage")).isBetween(0.0, 1.0);
  }
}
