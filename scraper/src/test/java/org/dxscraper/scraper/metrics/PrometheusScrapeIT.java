package org.dxscraper.scraper.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dxscraper.scraper.simulate.SimulatorOptions;
import org.dxscraper.scraper.testing.Await;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's package) scrapes a running daemon: the exposition is what Prometheus
 * accepts (it asks for OpenMetrics), and the daemon's series can be queried.
 */
class PrometheusScrapeIT {
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Pattern VALUE = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]");

  @TempDir Path temp;

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void prometheusScrapesTheDaemonAndCanQueryItsSeries() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(PROMETHEUS),
        "no /usr/bin/prometheus: install Debian's prometheus package (.ci/run does)");
    try (DaemonFixture fixture =
        new DaemonFixture(
            SimulatorOptions.defaults().withRate(200).withSeed(3), InstantSource.system(), null)) {
      int port = freePort();
      Path config = temp.resolve("prometheus.yml");
      Files.writeString(
          config,
          """
          global:
            scrape_interval: 1s
            scrape_timeout: 1s
          scrape_configs:
            - job_name: dx-scraper
              static_configs:
                - targets: ['127.0.0.1:%d']
          """
              .formatted(fixture.instrumentation.port()));
      Process prometheus =
          new ProcessBuilder(
                  PROMETHEUS.toString(),
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + temp.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + port)
              .redirectErrorStream(true)
              .redirectOutput(temp.resolve("prometheus.log").toFile())
              .start();
      try {
        String api = "http://127.0.0.1:" + port + "/api/v1/";
        Await.until(
            () -> "Prometheus to scrape the daemon successfully; its log:\n" + log(),
            () -> "1".equals(query(api, "up{job=\"dx-scraper\"}")),
            Duration.ofSeconds(60));
        Await.until(
            () -> "stored spots in Prometheus",
            () -> number(query(api, "sum(dx_scraper_spots_stored_total)")) > 0,
            Duration.ofSeconds(30));

        assertThat(query(api, "dx_scraper_cluster_connected{node=\"sim\"}")).isEqualTo("1");
        assertThat(query(api, "dx_scraper_build_info")).isEqualTo("1");
        assertThat(number(query(api, "node_memory_MemTotal_bytes"))).isPositive();
        assertThat(query(api, "probe_success{target=\"closed\"}")).isEqualTo("0");
        assertThat(query(api, "scrape_samples_scraped{job=\"dx-scraper\"}")).isNotNull();
      } finally {
        prometheus.destroy();
        if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly();
        }
      }
    }
  }

  private String log() {
    try {
      return Files.readString(temp.resolve("prometheus.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** The value of the first series of an instant query, or null when there is none yet. */
  private String query(String api, String promql) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          api + "query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      Matcher m = VALUE.matcher(response.body());
      return m.find() ? m.group(1) : null;
    } catch (IOException e) {
      return null; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static double number(String value) {
    return value == null ? Double.NaN : Double.parseDouble(value);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
