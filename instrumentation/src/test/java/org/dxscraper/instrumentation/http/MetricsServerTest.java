package org.dxscraper.instrumentation.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  /** One connection to the server, written and read as raw HTTP. */
  private static final class Client implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;

    Client(int port) throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      // A response that never comes fails the test instead of hanging it.
      socket.setSoTimeout(10_000);
      in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Sends {@code request} (lines without their CRLF) and reads the response. */
    Response exchange(boolean head, String... request) throws IOException {
      OutputStream out = socket.getOutputStream();
      out.write((String.join("\r\n", request) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
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

    Response get(String path, String... headers) throws IOException {
      String[] request = new String[headers.length + 2];
      request[0] = "GET " + path + " HTTP/1.1";
      request[1] = "Host: x";
      System.arraycopy(headers, 0, request, 2, headers.length);
      return exchange(false, request);
    }

    boolean closedByServer() throws IOException {
      return in.read() == -1;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void answersEveryRequestOfOneKeptAliveConnection() throws IOException {
    try (Client client = new Client(server.port())) {
      Response metrics = client.get("/metrics");
      Response filtered = client.get("/metrics?name[]=test_backlog");
      Response head = client.exchange(true, "HEAD /metrics HTTP/1.1", "Host: x");
      Response missing = client.get("/nothing-here");
      Response index = client.get("/");

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
    try (Client client = new Client(server.port())) {
      Response health = client.get("/health", "Connection: close");

      assertThat(health.status()).isEqualTo("HTTP/1.1 503 Service Unavailable");
      assertThat(health.headers().get("content-type")).isEqualTo("application/json");
      assertThat(health.body()).isEqualTo("{\"status\":\"false\"}\n");
      assertThat(client.closedByServer()).as("the server closed the connection").isTrue();
    }
  }

  @Test
  void aBadRequestIsAnsweredAndItsConnectionClosed() throws IOException {
    try (Client client = new Client(server.port())) {
      Response bad = client.exchange(false, "GET /metrics HTTP/1.1", "no colon here");

      assertThat(bad.status()).isEqualTo("HTTP/1.1 400 Bad Request");
      assertThat(client.closedByServer()).as("the server closed the connection").isTrue();
    }
  }

  @Test
  void anHttp10ClientThatAsksToKeepTheConnectionIsToldItMay() throws IOException {
    try (Client client = new Client(server.port())) {
      Response first = client.exchange(false, "GET /metrics/ HTTP/1.0", "Connection: keep-alive");
      Response second = client.exchange(false, "GET /health HTTP/1.0");

      assertThat(first.status()).isEqualTo("HTTP/1.0 200 OK");
      assertThat(first.headers()).containsEntry("connection", "keep-alive");
      assertThat(first.body()).contains("test_backlog 7.0");
      assertThat(second.status()).isEqualTo("HTTP/1.0 200 OK");
      assertThat(client.closedByServer()).as("closed after a request without keep-alive").isTrue();
    }
  }

  @Test
  void aTakenAddressIsAnErrorThatNamesIt() throws IOException {
    InetSocketAddress taken = new InetSocketAddress("127.0.0.1", server.port());

    assertThatThrownBy(
            () -> MetricsServer.start(taken, registry, () -> new HealthReport(true, "{}")))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot listen for metrics on 127.0.0.1:" + server.port());
  }
}
