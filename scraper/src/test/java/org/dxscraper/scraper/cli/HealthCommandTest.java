package org.dxscraper.scraper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `health` against an HTTP server answering as a daemon's /health does, and against nothing. */
class HealthCommandTest {
  private HttpServer server;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private String serving(int status, String body) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/health",
        exchange -> {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  private int health(String listen) {
    CommandLine cli = Main.commandLine(Map.of());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute("health", "--metrics-listen", listen, "--timeout", "2s");
  }

  @Test
  void healthyIsZeroWithTheBody() throws IOException {
    assertThat(health(serving(200, "{\"status\":\"UP\"}"))).isZero();
    assertThat(out.toString()).contains("\"status\":\"UP\"");
  }

  @Test
  void unhealthyIsOneWithTheProblems() throws IOException {
    assertThat(health(serving(503, "{\"problems\":[\"sim: stalled\"]}"))).isEqualTo(1);
    assertThat(out.toString()).contains("sim: stalled");
  }

  @Test
  void nothingListeningIsOneWithOneLine() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    assertThat(health("127.0.0.1:" + port)).isEqualTo(1);
    assertThat(err.toString().lines())
        .singleElement()
        .asString()
        .startsWith("dx-scraper: http://127.0.0.1:" + port + "/health does not answer");
  }

  @Test
  void aWildcardListenAddressIsAskedOnLoopback() throws IOException {
    String listen = serving(200, "ok");
    assertThat(health("0.0.0.0:" + listen.substring(listen.indexOf(':') + 1))).isZero();
  }
}
