package org.dxscraper.instrumentation.http;

import com.sun.net.httpserver.HttpExchange;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /metrics} (Prometheus text or OpenMetrics as the {@code Accept} header asks, gzip
 * when accepted; prometheus client_java's server on Micrometer's registry) and {@code /health}.
 *
 * <p>A scrape only reads meters: everything expensive is sampled on a schedule elsewhere. The
 * health check runs on the server's own threads and must be as cheap.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

  static {
    // The JDK's HTTP server writes headers and body separately and leaves Nagle's algorithm on:
    // on a kept-alive connection (Prometheus keeps its connections) the body then waits for the
    // client's delayed ACK, about 40 ms a scrape. Read once, when the first server is made.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    // client_java limits a request to 60 s and a response to 600 s, and the JDK's server enforces
    // such limits from a timer thread that wakes every second: every 10 s is ample for limits of a
    // minute and more, and an idle daemon wakes once a second less (#11). Also read once.
    if (System.getProperty("sun.net.httpserver.timerMillis") == null) {
      System.setProperty("sun.net.httpserver.timerMillis", "10000");
    }
  }

  private final HTTPServer server;

  private MetricsServer(HTTPServer server) {
    this.server = server;
  }

  /**
   * Starts listening on {@code address} (port 0 picks a free one; see {@link #port()}).
   *
   * @throws IOException when the address cannot be bound, with the address in the message
   */
  public static MetricsServer start(
      InetSocketAddress address, PrometheusMeterRegistry registry, Supplier<HealthReport> health)
      throws IOException {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(health, "health");
    try {
      HTTPServer server =
          HTTPServer.builder()
              .hostname(address.getHostString())
              .port(address.getPort())
              .registry(registry.getPrometheusRegistry())
              // Paths other than /metrics land here: /health, the index, and 404s.
              .defaultHandler(exchange -> other(exchange, health))
              .buildAndStart();
      log.info(
          "metrics on http://{}:{}/metrics, health on /health",
          address.getHostString(),
          server.getPort());
      return new MetricsServer(server);
    } catch (IOException e) {
      throw new IOException(
          "cannot listen for metrics on "
              + address.getHostString()
              + ":"
              + address.getPort()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static void other(HttpExchange exchange, Supplier<HealthReport> health)
      throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/health")) {
        HealthReport report = health.get();
        respond(exchange, report.healthy() ? 200 : 503, "application/json", report.json() + "\n");
      } else if (path.equals("/")) {
        respond(
            exchange,
            200,
            "text/plain; charset=utf-8",
            "dx-scraper: /metrics for Prometheus, /health for health checks\n");
      } else {
        respond(exchange, 404, "text/plain; charset=utf-8", "not found: " + path + "\n");
      }
    }
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
