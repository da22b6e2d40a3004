package org.dxscraper.scraper.metrics;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * accepts (it asks for OpenMetrics), and the daemon's series can be queried. With the shipped alert
 * rules and a real Alertmanager, a stalled node's alert reaches a person: a webhook this test runs.
 */
class PrometheusScrapeIT {
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");
  // The shipped files, from the scraper module's directory (the tests' working directory).
  private static final Path RULES = Path.of("../dashboards/prometheus/rules/dx-scraper.rules.yml");
  private static final Path DASHBOARDS = Path.of("../dashboards/grafana/dashboards");
  private static final Path ALERTMANAGER_CONFIG =
      Path.of("../dashboards/alertmanager/alertmanager.yml");
  private static final Pattern RULE_EXPR =
      Pattern.compile("(?m)^        expr: (?:\\|\n((?:          .*\n)+)|(.*)\n)");
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
        everyDashboardQueryReturnsData(api, fixture);
      } finally {
        prometheus.destroy();
        if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly();
        }
      }
    }
  }

  @Test
  void aStalledNodesAlertFiresAndReachesTheReceiverThenResolves() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(PROMETHEUS) && Files.isExecutable(ALERTMANAGER),
        "needs Debian's prometheus and prometheus-alertmanager packages (.ci/run installs them)");
    List<String> deliveries = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/",
        exchange -> {
          deliveries.add(new String(exchange.getRequestBody().readAllBytes(), UTF_8));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
    List<Process> started = new ArrayList<>();
    try (DaemonFixture fixture =
        new DaemonFixture(
            SimulatorOptions.defaults().withRate(20).withSeed(5),
            InstantSource.system(),
            Duration.ofSeconds(2))) {
      fixture.watchdog.start();
      int prometheusPort = freePort();
      int alertmanagerPort = freePort();
      // The shipped Alertmanager file with the test's receiver and no waiting for more alerts.
      String amConfig =
          Files.readString(ALERTMANAGER_CONFIG)
              .replace(
                  "http://sms-gateway.invalid:8080/alertmanager",
                  "http://127.0.0.1:" + receiver.getAddress().getPort() + "/")
              .replace("group_wait: 30s", "group_wait: 1s")
              .replace("group_interval: 5m", "group_interval: 1s");
      assertThat(amConfig).contains("127.0.0.1:" + receiver.getAddress().getPort());
      Files.writeString(temp.resolve("alertmanager.yml"), amConfig);
      Files.writeString(
          temp.resolve("prometheus.yml"),
          """
          global:
            scrape_interval: 1s
            scrape_timeout: 1s
            evaluation_interval: 1s
          rule_files:
            - %s
          alerting:
            alertmanagers:
              - static_configs:
                  - targets: ['127.0.0.1:%d']
          scrape_configs:
            - job_name: dx-scraper
              static_configs:
                - targets: ['127.0.0.1:%d']
          """
              .formatted(
                  RULES.toAbsolutePath().normalize(),
                  alertmanagerPort,
                  fixture.instrumentation.port()));
      started.add(
          new ProcessBuilder(
                  ALERTMANAGER.toString(),
                  "--config.file=" + temp.resolve("alertmanager.yml"),
                  "--storage.path=" + temp.resolve("am-data"),
                  "--web.listen-address=127.0.0.1:" + alertmanagerPort,
                  "--cluster.listen-address=")
              .redirectErrorStream(true)
              .redirectOutput(temp.resolve("alertmanager.log").toFile())
              .start());
      started.add(
          new ProcessBuilder(
                  PROMETHEUS.toString(),
                  "--config.file=" + temp.resolve("prometheus.yml"),
                  "--storage.tsdb.path=" + temp.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + prometheusPort)
              .redirectErrorStream(true)
              .redirectOutput(temp.resolve("prometheus.log").toFile())
              .start());
      String api = "http://127.0.0.1:" + prometheusPort + "/api/v1/";
      Await.until(
          () -> "spots stored and scraped; Prometheus log:\n" + log(),
          () -> number(query(api, "sum(dx_scraper_spots_stored_total)")) > 0,
          Duration.ofSeconds(60));
      // Every rule's expression is one Prometheus accepts, and every metric it names is one this
      // daemon exports (a misspelt name would evaluate to nothing, silently); container_* needs
      // --docker-host, which this daemon has not.
      String exported = get(api + "label/__name__/values");
      Matcher names =
          Pattern.compile("\\b((?:dx_scraper|node|pg|probe)_[a-zA-Z0-9_]+)").matcher("");
      for (String expr : ruleExpressions()) {
        assertThat(status(api, expr)).as(expr).isEqualTo("success");
        names.reset(expr);
        while (names.find()) {
          assertThat(exported).as("a metric named in " + expr).contains('"' + names.group(1) + '"');
        }
      }

      fixture.node.holdSpots(); // the node stays up and answers, but its spots dry up
      long held = System.nanoTime();
      Await.until(
          () -> "the stall alert delivered; got " + deliveries + "\nAlertmanager log:\n" + amLog(),
          () -> delivered(deliveries, "firing"),
          Duration.ofSeconds(120));
      Duration toDelivery = Duration.ofNanos(System.nanoTime() - held);
      String firing =
          deliveries.stream().filter(d -> d.contains("\"status\":\"firing\"")).findFirst().get();
      assertThat(firing)
          .contains(
              "\"alertname\":\"DxScraperIngestStalled\"",
              "\"node\":\"sim\"",
              "\"severity\":\"page\"",
              "Ingest from sim stalled");

      assertThat(delivered(deliveries, "resolved"))
          .as("resolved while held: " + deliveries)
          .isFalse();
      fixture.node.releaseSpots();
      long released = System.nanoTime();
      Await.until(
          () -> "the resolved notice; got " + deliveries,
          () -> delivered(deliveries, "resolved"),
          Duration.ofSeconds(120));
      Duration toResolved = Duration.ofNanos(System.nanoTime() - released);
      System.out.printf(
          "stall alert: delivered %d s after the node's last spot (stall timeout 2 s, rule for 1m,"
              + " scrape and evaluation every 1 s, group_wait 1 s); resolved notice %d s after"
              + " spots flowed again%n",
          toDelivery.toSeconds(), toResolved.toSeconds());
    } finally {
      for (Process process : started) {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
      receiver.stop(0);
    }
  }

  /**
   * Every query of the shipped Grafana dashboards, as Grafana would send it with "All" chosen: the
   * PromQL returns data from this Prometheus, the SQL runs as the read-only role and returns rows.
   * Container panels need --docker-host, which this daemon does not have: they must be accepted,
   * not filled.
   */
  private void everyDashboardQueryReturnsData(String api, DaemonFixture fixture) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> checked = new ArrayList<>();
    Instant now = Instant.now();
    try (var files = Files.list(DASHBOARDS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        JsonNode dashboard = json.readTree(file.toFile());
        GrafanaSql grafana =
            new GrafanaSql(
                dashboard,
                now.minus(Duration.ofHours(6)),
                now.plus(Duration.ofHours(1)),
                Duration.ofMinutes(1),
                Map.of("call", mostSpottedCall(fixture)));
        for (JsonNode panel : panels(dashboard)) {
          for (JsonNode target : panel.path("targets")) {
            String title = file.getFileName() + ": " + panel.path("title").asText();
            if (target.has("expr")) {
              String promql =
                  target
                      .path("expr")
                      .asText()
                      .replace("$instance", ".*")
                      .replace("$node", ".*")
                      .replace("$__rate_interval", "1m");
              assertThat(status(api, promql)).as(title + ": " + promql).isEqualTo("success");
              if (!promql.contains("container_")) {
                Await.until(
                    () -> "data for " + title + ": " + promql,
                    () -> query(api, promql) != null,
                    Duration.ofSeconds(30));
              }
              checked.add(promql);
            } else if (target.has("rawSql")) {
              String sql = grafana.expand(target.path("rawSql").asText());
              assertThat(sql).as("macros and variables of " + title).doesNotContain("$");
              try (Connection c = fixture.testDatabase.connect();
                  Statement st = c.createStatement()) {
                st.execute("SET ROLE dx_scraper_reader");
                try (ResultSet rows = st.executeQuery(sql)) {
                  assertThat(rows.next()).as("rows for " + title + ": " + sql).isTrue();
                }
              }
              checked.add(sql);
            }
          }
        }
      }
    }
    assertThat(checked).hasSizeGreaterThan(35);
  }

  /** A call the "who spotted this call" panel finds: the one spotted most so far. */
  private static String mostSpottedCall(DaemonFixture fixture) throws Exception {
    try (Connection c = fixture.testDatabase.connect();
        Statement st = c.createStatement();
        ResultSet rows =
            st.executeQuery(
                "SELECT dx_call FROM spot GROUP BY dx_call ORDER BY count(*) DESC LIMIT 1")) {
      assertThat(rows.next()).as("a stored spot").isTrue();
      return rows.getString(1).toLowerCase(Locale.ROOT);
    }
  }

  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      all.add(panel);
      panel.path("panels").forEach(all::add);
    }
    return all;
  }

  private static boolean delivered(List<String> deliveries, String status) {
    return deliveries.stream()
        .anyMatch(
            d ->
                d.contains("\"status\":\"" + status + "\"")
                    && d.contains("\"alertname\":\"DxScraperIngestStalled\""));
  }

  /** Every rule's expr in the shipped file, one line or a YAML block. */
  private static List<String> ruleExpressions() throws IOException {
    List<String> exprs = new ArrayList<>();
    Matcher m = RULE_EXPR.matcher(Files.readString(RULES));
    while (m.find()) {
      exprs.add(m.group(1) != null ? m.group(1).strip() : m.group(2).strip());
    }
    assertThat(exprs).hasSizeGreaterThanOrEqualTo(15);
    return exprs;
  }

  /** The status of an instant query: "success", or "error" when Prometheus refused it. */
  private String status(String api, String promql) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        api + "query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Matcher m = Pattern.compile("\"status\":\"(\\w+)\"").matcher(response.body());
    return m.find() ? m.group(1) : response.body();
  }

  private String get(String url) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private String amLog() {
    try {
      return Files.readString(temp.resolve("alertmanager.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
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
