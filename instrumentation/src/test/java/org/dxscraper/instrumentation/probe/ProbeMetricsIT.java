package org.dxscraper.instrumentation.probe;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Probes real loopback servers: a listening port, a closed port, an HTTP server, a mute one. */
class ProbeMetricsIT {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private final AtomicInteger flakyStatus = new AtomicInteger(200);
  private ServerSocket open;
  private ServerSocket mute;
  private int closedPort;
  private HttpServer http;
  private PrometheusMeterRegistry registry;

  @BeforeEach
  void startServers() throws IOException {
    // The kernel completes the TCP handshake from the backlog, so neither socket needs accept().
    open = new ServerSocket(0, 50, LOOPBACK);
    mute = new ServerSocket(0, 50, LOOPBACK);
    try (ServerSocket closed = new ServerSocket(0, 50, LOOPBACK)) {
      closedPort = closed.getLocalPort();
    }
    http = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
    http.createContext("/ok", exchange -> answer(exchange, 200));
    http.createContext("/down", exchange -> answer(exchange, 503));
    http.createContext("/flaky", exchange -> answer(exchange, flakyStatus.get()));
    http.createContext(
        "/moved",
        exchange -> {
          exchange.getResponseHeaders().add("Location", "/ok");
          answer(exchange, 302);
        });
    http.start();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  @AfterEach
  void stopServers() throws IOException {
    http.stop(0);
    open.close();
    mute.close();
    registry.close();
  }

  @Test
  void reportsOpenPortAsUpAndClosedPortAsDown() {
    try (ProbeMetrics probes =
        probes(target("open", "tcp://127.0.0.1:" + open.getLocalPort()), closedTarget())) {
      probes.bindTo(registry);
      probes.probeNow();

      assertThat(value("probe_success", "open")).isEqualTo(1.0);
      assertThat(value("probe_success", "closed")).isEqualTo(0.0);
      assertThat(value("probe_duration_seconds", "open")).isBetween(0.0, 5.0);
      assertThat(value("probe_duration_seconds", "closed")).isBetween(0.0, 5.0);
      assertThat(registry.find("probe_http_status_code").gauges()).isEmpty();
    }
  }

  @Test
  void reportsHttpStatusAndSuccessOnlyFor2xx() {
    try (ProbeMetrics probes =
        probes(
            httpTarget("ok", "/ok"), httpTarget("down", "/down"), httpTarget("moved", "/moved"))) {
      probes.bindTo(registry);
      probes.probeNow();

      assertThat(value("probe_success", "ok")).isEqualTo(1.0);
      assertThat(value("probe_http_status_code", "ok")).isEqualTo(200.0);
      assertThat(value("probe_success", "down")).isEqualTo(0.0);
      assertThat(value("probe_http_status_code", "down")).isEqualTo(503.0);
      // Redirects are followed, as blackbox_exporter does by default; the final status counts.
      assertThat(value("probe_success", "moved")).isEqualTo(1.0);
      assertThat(value("probe_http_status_code", "moved")).isEqualTo(200.0);
    }
  }

  @Test
  void failsWithinTimeoutWhenServerAcceptsButNeverAnswers() {
    Duration timeout = Duration.ofMillis(300);
    ProbeTarget target = target("mute", "http://127.0.0.1:" + mute.getLocalPort() + "/");
    try (ProbeMetrics probes =
        new ProbeMetrics(List.of(target), new ProbeSettings(Duration.ofSeconds(15), timeout))) {
      probes.bindTo(registry);

      long start = System.nanoTime();
      probes.probeNow();
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(value("probe_success", "mute")).isEqualTo(0.0);
      assertThat(value("probe_http_status_code", "mute")).isEqualTo(0.0);
      assertThat(value("probe_duration_seconds", "mute")).isBetween(0.25, 1.0);
      assertThat(took).isLessThan(timeout.plusMillis(500));
    }
  }

  @Test
  void startsTheHttpClientsThreadOnlyForHttpTargets() {
    Set<String> before = httpClientThreads();
    String port = "tcp://127.0.0.1:" + open.getLocalPort();
    try (ProbeMetrics none = new ProbeMetrics(List.of(), ProbeSettings.defaults());
        ProbeMetrics ports =
            new ProbeMetrics(List.of(target("open", port)), ProbeSettings.defaults())) {
      none.bindTo(registry);
      ports.bindTo(registry);
      assertThat(httpClientThreads()).isSubsetOf(before);
    }
    try (ProbeMetrics web =
        new ProbeMetrics(List.of(target("web", "http://127.0.0.1:1/")), ProbeSettings.defaults())) {
      web.bindTo(registry);
      assertThat(httpClientThreads()).isNotEmpty().isNotEqualTo(before);
    }
  }

  /** The JDK HTTP client's selector threads, which it starts when it is built. */
  private static Set<String> httpClientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .filter(name -> name.startsWith("HttpClient-") && name.endsWith("-SelectorManager"))
        .collect(Collectors.toSet());
  }

  @Test
  void reportsDurationMeasuredByTicker() {
    AtomicLong now = new AtomicLong();
    // Each probe reads the ticker twice, at start and end: 250 ms apart.
    ProbeMetrics probes =
        new ProbeMetrics(
            List.of(target("open", "tcp://127.0.0.1:" + open.getLocalPort())),
            ProbeSettings.defaults(),
            () -> now.getAndAdd(250_000_000L));
    try (probes) {
      probes.bindTo(registry);
      probes.probeNow();

      assertThat(value("probe_duration_seconds", "open")).isEqualTo(0.25);
    }
  }

  @Test
  void scrapeShowsBlackboxExporterNamesExactly() {
    try (ProbeMetrics probes =
        probes(
            target("open", "tcp://127.0.0.1:" + open.getLocalPort()),
            closedTarget(),
            httpTarget("web", "/ok"))) {
      probes.bindTo(registry);
      assertThat(registry.scrape()).contains("probe_success{target=\"open\"} NaN");

      probes.probeNow();
      String scrape = registry.scrape();

      assertThat(scrape)
          .contains("# TYPE probe_success gauge")
          .contains("probe_success{target=\"open\"} 1.0")
          .contains("probe_success{target=\"closed\"} 0.0")
          .contains("probe_success{target=\"web\"} 1.0")
          .contains("# TYPE probe_duration_seconds gauge")
          .containsPattern("(?m)^probe_duration_seconds\\{target=\"open\"} [0-9.E-]+$")
          .contains("# TYPE probe_http_status_code gauge")
          .contains("probe_http_status_code{target=\"web\"} 200.0")
          .doesNotContain("_seconds_seconds")
          .doesNotContain("probe_http_status_code{target=\"open\"}");
    }
  }

  @Test
  void logsOneWarningWhenTargetStartsFailingAndOneInfoWhenItRecovers() {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(ProbeMetrics.class);
    logger.addAppender(logs);
    logs.start();
    try (ProbeMetrics probes = probes(httpTarget("flaky", "/flaky"))) {
      probes.bindTo(registry);
      probes.probeNow();
      flakyStatus.set(500);
      probes.probeNow();
      probes.probeNow();
      probes.probeNow();
      flakyStatus.set(204);
      probes.probeNow();
      probes.probeNow();

      assertThat(logs.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.INFO)).hasSize(2);
      assertThat(logs.list)
          .filteredOn(e -> e.getLevel() == Level.WARN)
          .singleElement()
          .extracting(ILoggingEvent::getFormattedMessage)
          .asString()
          .startsWith("probe flaky=http://")
          .endsWith(": HTTP status 500 (not logged again until it has recovered)");
      assertThat(logs.list)
          .filteredOn(e -> e.getLevel() == Level.INFO)
          .singleElement()
          .extracting(ILoggingEvent::getFormattedMessage)
          .asString()
          .endsWith("/flaky succeeds again");
      assertThat(value("probe_http_status_code", "flaky")).isEqualTo(204.0);
    } finally {
      logger.detachAppender(logs);
    }
  }

  @Test
  void runsFirstRoundOnTheSchedulerAtOnce() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (ProbeMetrics probes = probes(target("open", "tcp://127.0.0.1:" + open.getLocalPort()))) {
      probes.bindTo(registry);
      probes.start(scheduler);
      // A single-thread scheduler runs tasks due at the same time in submission order, so this
      // returns once the first round, scheduled with no delay, has finished.
      scheduler.schedule(() -> {}, 0, TimeUnit.NANOSECONDS).get(10, TimeUnit.SECONDS);

      assertThat(value("probe_success", "open")).isEqualTo(1.0);
    } finally {
      scheduler.shutdownNow();
    }
  }

  private ProbeMetrics probes(ProbeTarget... targets) {
    return new ProbeMetrics(List.of(targets), ProbeSettings.defaults());
  }

  private ProbeTarget closedTarget() {
    return target("closed", "tcp://127.0.0.1:" + closedPort);
  }

  private ProbeTarget httpTarget(String name, String path) {
    return target(name, "http://127.0.0.1:" + http.getAddress().getPort() + path);
  }

  private static ProbeTarget target(String name, String url) {
    return ProbeTarget.parse(name + "=" + url);
  }

  private double value(String metric, String target) {
    return registry.get(metric).tag("target", target).gauge().value();
  }

  private static void answer(HttpExchange exchange, int status) throws IOException {
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }
}
