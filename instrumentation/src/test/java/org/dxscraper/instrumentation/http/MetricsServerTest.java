package org.dxscraper.instrumentation.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The metrics server over a raw socket: what Prometheus, curl and health checks send. */
class MetricsServerTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private MetricsServer server;

  @BeforeEach
  void start() throws IOException {
    registry.counter("test_spots", "band", "20m").increment(3);
    registry.gauge("test_backlog", 7);
    server =
        MetricsServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            registry,
            () -> new HealthReport(healthy.get(), "{\"status\":\"" + healthy.get() + "\"}"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** One response: status line, headers (lower-case names), body of Content-Length bytes. */
  private record Response(String status, Map<String, String> headers, String body) {}

  private static Response read(BufferedReader in, boolean head) throws IOException {
    String status = in.readLine();
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
    }
    int length = head ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
    char[] body = new char[length];
    int read = 0;
    while (read < length) {
      int n = in.read(body, read, length - read);
      if (n < 0) {
        break;
      }
      read += n;
    }
    return new Response(status, headers, new String(body, 0, read));
  }

  private static void send(OutputStream out, String method, String path, String... headers)
      throws IOException {
    StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: x\r\n");
    for (String header : headers) {
      request.append(header).append("\r\n");
    }
    out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Test
  void answersEveryRequestOfOneKeptAliveConnection() throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
      // A response that never comes fails the test instead of hanging it.
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();

      send(out, "GET", "/metrics");
      Response metrics = read(in, false);
      send(out, "GET", "/metrics?name[]=test_backlog");
      Response filtered = read(in, false);
      send(out, "HEAD", "/metrics");
      Response head = read(in, true);
      send(out, "GET", "/nothing-here");
      Response missing = read(in, false);
      send(out, "GET", "/");
      Response index = read(in, false);

      assertThat(metrics.status()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(metrics.headers().get("content-type")).startsWith("text/plain; version=0.0.4");
      assertThat(metrics.headers()).containsEntry("cache-control", "no-store");
      assertThat(metrics.body()).contains("test_spots_total{band=\"20m\"} 3.0", "test_backlog 7.0");
      assertThat(filtered.body()).contains("test_backlog 7.0").doesNotContain("test_spots");
      assertThat(head.status()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(missing.status()).isEqualTo("HTTP/1.1 404 Not Found");
      assertThat(missing.body()).isEqualTo("not found: /nothing-here\n");
      assertThat(index.body()).contains("/metrics", "/health");
    }
  }

  @Test
  void healthIs503WhileUnhealthyAndAClosingClientIsClosed() throws IOException {
    healthy.set(false);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
      socket.setSoTimeout(10_000);
      send(socket.getOutputStream(), "GET", "/health", "Connection: close");
      Response health = read(in, false);

      assertThat(health.status()).isEqualTo("HTTP/1.1 503 Service Unavailable");
      assertThat(health.headers().get("content-type")).isEqualTo("application/json");
      assertThat(health.body()).isEqualTo("{\"status\":\"false\"}\n");
      assertThat(in.read()).as("the server closed the connection").isEqualTo(-1);
    }
  }

  @Test
  void aBadRequestIsAnsweredAndItsConnectionClosed() throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              "GET /metrics HTTP/1.1\r\nno colon here\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

      Response bad = read(in, false);

      assertThat(bad.status()).isEqualTo("HTTP/1.1 400 Bad Request");
      assertThat(in.read()).as("the server closed the connection").isEqualTo(-1);
    }
  }

  @Test
  void anHttp10ClientThatAsksToKeepTheConnectionIsToldItMay() throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          "GET /metrics/ HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      Response first = read(in, false);
      out.write("GET /health HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      Response second = read(in, false);

      assertThat(first.status()).isEqualTo("HTTP/1.0 200 OK");
      assertThat(first.headers()).containsEntry("connection", "keep-alive");
      assertThat(first.body()).contains("test_backlog 7.0");
      assertThat(second.status()).isEqualTo("HTTP/1.0 200 OK");
      assertThat(in.read()).as("closed after a request without keep-alive").isEqualTo(-1);
    }
  }

  @Test
  void aTakenAddressIsAnErrorThatNamesIt() throws IOException {
    InetSocketAddress taken = new InetSocketAddress("127.0.0.1", server.port());

    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> MetricsServer.start(taken, registry, () -> new HealthReport(true, "{}"))))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot listen for metrics on 127.0.0.1:" + server.port());
  }
}
