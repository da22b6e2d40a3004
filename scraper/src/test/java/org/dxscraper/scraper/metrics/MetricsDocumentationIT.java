package org.dxscraper.scraper.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dxscraper.scraper.simulate.SimulatorOptions;
import org.dxscraper.scraper.testing.Await;
import org.junit.jupiter.api.Test;

/**
 * README.md's metrics table against a real scrape of a running daemon: every documented metric is
 * exported with the documented type, and every exported metric is documented (by name, or by a
 * {@code prefix_*} row for library metrics such as {@code jvm_*}).
 */
class MetricsDocumentationIT {
  private static final Pattern ROW =
      Pattern.compile("^\\| `([A-Za-z0-9_*]+)` \\| ([a-z]+) \\|[^|]*\\| (with `--docker-host`)?");
  private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$");

  @Test
  void readmeTableAndScrapeListTheSameMetrics() throws IOException {
    Map<String, String> documented = documented();
    Map<String, String> exported = new TreeMap<>();
    try (DaemonFixture fixture =
        new DaemonFixture(
            SimulatorOptions.defaults().withRate(500).withSeed(8), InstantSource.system(), null)) {
      Await.until(
          () -> "a stored spot and a database sample",
          () -> fixture.daemon.writer().stats().spotsStored() > 0,
          Duration.ofSeconds(30));
      fixture.instrumentation.database().sample();
      Matcher m = TYPE.matcher(fixture.get("/metrics").body());
      while (m.find()) {
        exported.put(m.group(1), m.group(2));
      }
    }

    List<String> undocumented = new ArrayList<>();
    for (Map.Entry<String, String> metric : exported.entrySet()) {
      if (!documented.containsKey(metric.getKey())
          && !coveredByPrefix(metric.getKey(), documented)) {
        undocumented.add(metric.getKey() + " (" + metric.getValue() + ")");
      }
    }
    List<String> missing = new ArrayList<>();
    List<String> wrongType = new ArrayList<>();
    for (Map.Entry<String, String> row : documented.entrySet()) {
      if (row.getKey().endsWith("*")) {
        String prefix = row.getKey().substring(0, row.getKey().length() - 1);
        if (exported.keySet().stream().noneMatch(name -> name.startsWith(prefix))) {
          missing.add(row.getKey());
        }
        continue;
      }
      String type = exported.get(row.getKey());
      if (type == null && conditional.contains(row.getKey())) {
        continue; // no engine here: PodmanEngineIT checks these against a real one
      }
      if (type == null) {
        missing.add(row.getKey());
      } else if (!type.equals(row.getValue())) {
        wrongType.add(row.getKey() + ": README " + row.getValue() + ", scrape " + type);
      }
    }
    assertThat(undocumented).as("exported but not in README.md's metrics table").isEmpty();
    assertThat(missing).as("in README.md's metrics table but not exported").isEmpty();
    assertThat(wrongType).as("type differs").isEmpty();
  }

  private static boolean coveredByPrefix(String name, Map<String, String> documented) {
    return documented.keySet().stream()
        .filter(row -> row.endsWith("*"))
        .anyMatch(row -> name.startsWith(row.substring(0, row.length() - 1)));
  }

  /** Rows that only exist with --docker-host. */
  private final List<String> conditional = new ArrayList<>();

  /** Rows of the table under "## Metrics": name to type. */
  private Map<String, String> documented() throws IOException {
    Path readme = Path.of("..", "README.md");
    assertThat(readme).as("README.md beside the module").exists();
    Map<String, String> rows = new TreeMap<>();
    boolean inSection = false;
    for (String line : Files.readAllLines(readme, StandardCharsets.UTF_8)) {
      if (line.startsWith("## ")) {
        inSection = line.equals("## Metrics");
        continue;
      }
      Matcher row = ROW.matcher(line);
      if (inSection && row.find()) {
        rows.put(row.group(1), row.group(2));
        if (row.group(3) != null) {
          conditional.add(row.group(1));
        }
      }
    }
    assertThat(rows).as("rows in README.md's metrics table").isNotEmpty();
    return rows;
  }
}
