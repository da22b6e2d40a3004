package org.dxscraper.instrumentation.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-written HTTP/1.1 client against a real unix socket server played by the test. */
class UnixSocketTransportIT {

  @TempDir Path dir;
  private Path socket;
  private ServerSocketChannel server;

  @BeforeEach
  void listen() throws IOException {
    socket = dir.resolve("engine.sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  @Test
  void sendsMinimalGetAndReadsChunkedResponseArrivingInPieces() throws Exception {
    CompletableFuture<String> request =
        serveOnce(
            List.of(
                "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nTransfer-",
                "Encoding: chunked\r\n\r\n4\r\n[{}]",
                "\r\n0\r\n\r\n"));

    EngineResponse response;
    try (var transport = new UnixSocketTransport(socket, Duration.ofSeconds(5))) {
      response = transport.get("/v1.41/containers/json?all=true");
    }

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("API-VERSION")).isEqualTo("1.41");
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("[{}]");
    assertThat(request.get(5, TimeUnit.SECONDS))
        .startsWith("GET /v1.41/containers/json?all=true HTTP/1.1\r\n")
        .contains("Host: docker\r\n")
        .contains("Connection: close\r\n")
        .endsWith("\r\n\r\n");
  }

  @Test
  void readsBodyUntilCloseWhenLengthIsMissing() throws Exception {
    serveOnce(List.of("HTTP/1.0 200 OK\r\n\r\n", "OK"));

    try (var transport = new UnixSocketTransport(socket, Duration.ofSeconds(5))) {
      assertThat(transport.get("/_ping").bodyExcerpt()).isEqualTo("OK");
    }
  }

  @Test
  void givesUpWithinTimeoutWhenEngineNeverAnswers() {
    // The server never accepts; the kernel queues the connection, so connect and send succeed.
    Duration timeout = Duration.ofMillis(300);
    long start = System.nanoTime();

    try (var transport = new UnixSocketTransport(socket, timeout)) {
      assertThatThrownBy(() -> transport.get("/_ping"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("timed out after PT0.3S waiting for the response")
          .hasCauseInstanceOf(SocketTimeoutException.class);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void namesSocketThatDoesNotExist() {
    Path missing = dir.resolve("missing.sock");
    try (var transport = new UnixSocketTransport(missing, Duration.ofSeconds(1))) {
      assertThatThrownBy(() -> transport.get("/_ping"))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("GET /_ping on " + missing + ": ");
    }
  }

  /** Accepts one connection, reads the request head, writes the pieces, closes. */
  private CompletableFuture<String> serveOnce(List<String> pieces) {
    CompletableFuture<String> request = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (SocketChannel peer = server.accept()) {
                request.complete(readHead(peer));
                for (String piece : pieces) {
                  peer.write(ByteBuffer.wrap(piece.getBytes(StandardCharsets.ISO_8859_1)));
                }
              } catch (IOException e) {
                request.completeExceptionally(e);
              }
            });
    return request;
  }

  private static String readHead(SocketChannel peer) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      one.clear();
      if (peer.read(one) < 0) {
        break;
      }
      head.write(one.array()[0]);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }
}
