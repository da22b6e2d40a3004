package org.dxscraper.instrumentation.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine client against a real HTTP server on a unix socket (and once on TCP), the stub. */
class NettyEngineTransportIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Duration SHORT = Duration.ofMillis(300);

  @TempDir Path dir;
  private EngineStub engine;

  @AfterEach
  void stop() {
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void readsChunkedBodyAsTheEngineSendsIt() throws Exception {
    // dockerd's framing for /containers/json: chunked, written as the encoder writes it.
    engine =
        onSocket(
            (ctx, request) -> {
              HttpResponse head =
                  new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
              head.headers()
                  .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
                  .set("Api-Version", "1.41");
              ctx.write(head);
              ctx.writeAndFlush(new DefaultHttpContent(ascii("[{\"Id\":")));
              ctx.writeAndFlush(new DefaultLastHttpContent(ascii("\"c1\"}]")))
                  .addListener(ChannelFutureListener.CLOSE);
            });

    EngineResponse response;
    try (var transport = new NettyEngineTransport(engine.host(), TIMEOUT)) {
      response = transport.get("/v1.41/containers/json?all=true");
    }

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("API-VERSION")).isEqualTo("1.41");
    assertThat(text(response)).isEqualTo("[{\"Id\":\"c1\"}]");
    EngineStub.Received request = engine.nextRequest();
    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.uri()).isEqualTo("/v1.41/containers/json?all=true");
    assertThat(request.headers().get("Host")).isEqualTo("docker");
    assertThat(request.headers().get("Connection")).isEqualTo("close");
    assertThat(request.headers().get("Accept")).isEqualTo("application/json");
    engine.awaitConnectionClosed(TIMEOUT);
  }

  @Test
  void readsChunkedBodyArrivingInPiecesWithExtensionsAndTrailers() throws Exception {
    engine =
        onSocket(
            (ctx, request) ->
                EngineStub.raw(
                    ctx,
                    "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nTransfer-",
                    "Encoding: chunked\r\n\r\n4;name=value\r\n[{}",
                    "]\r\n0\r\nX-Trailer: yes\r\n\r\n"));

    try (var transport = new NettyEngineTransport(engine.host(), TIMEOUT)) {
      EngineResponse response = transport.get("/_ping");

      assertThat(response.header("api-version")).isEqualTo("1.41");
      assertThat(text(response)).isEqualTo("[{}]");
    }
  }

  @Test
  void readsBodyWithContentLength() throws Exception {
    engine = onSocket((ctx, request) -> answer(ctx, HttpResponseStatus.OK, "{\"Id\":\"c1\"}"));

    try (var transport = new NettyEngineTransport(engine.host(), TIMEOUT)) {
      EngineResponse response = transport.get("/v1.41/containers/c1/json");

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("Content-Length")).isEqualTo("11");
      assertThat(text(response)).isEqualTo("{\"Id\":\"c1\"}");
    }
  }

  @Test
  void returnsErrorStatusWithItsBody() throws Exception {
    engine =
        onSocket(
            (ctx, request) ->
                answer(ctx, HttpResponseStatus.NOT_FOUND, "{\"message\":\"no such container\"}"));

    try (var transport = new NettyEngineTransport(engine.host(), TIMEOUT)) {
      EngineResponse response = transport.get("/v1.41/containers/gone/json");

      assertThat(response.status()).isEqualTo(404);
      assertThat(response.bodyExcerpt()).isEqualTo("{\"message\":\"no such container\"}");
    }
  }

  @Test
  void reportsErrorStatusOfPingAsOneMessage() throws Exception {
    engine =
        onSocket(
            (ctx, request) ->
                answer(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, "{\"message\":\"boom\"}"));

    try (var client = new DockerEngineClient(new NettyEngineTransport(engine.host(), TIMEOUT))) {
      assertThatThrownBy(client::containers)
          .isInstanceOf(IOException.class)
          .hasMessage("ping: HTTP 500 {\"message\":\"boom\"}");
    }
  }

  @Test
  void readsBodyUntilCloseWhenLengthIsMissing() throws Exception {
    engine = onSocket((ctx, request) -> EngineStub.raw(ctx, "HTTP/1.0 200 OK\r\n\r\n", "OK"));

    try (var transport = new NettyEngineTransport(engine.host(), TIMEOUT)) {
      assertThat(transport.get("/_ping").bodyExcerpt()).isEqualTo("OK");
    }
  }

  @Test
  void skipsInterimResponse() throws Exception {
    engine =
        onSocket(
            (ctx, request) ->
                EngineStub.raw(
                    ctx,
                    "HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n",
                    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"));

    try (var transport = new NettyEngineTransport(engine.host(), TIMEOUT)) {
      EngineResponse response = transport.get("/_ping");

      assertThat(response.status()).isEqualTo(200);
      assertThat(text(response)).isEqualTo("OK");
    }
  }

  @Test
  void givesUpWithinTimeoutWhenEngineNeverAnswersAndClosesTheConnection() throws Exception {
    engine = onSocket((ctx, request) -> {});
    long start = System.nanoTime();

    try (var transport = new NettyEngineTransport(engine.host(), SHORT)) {
      assertThatThrownBy(() -> transport.get("/_ping"))
          .isInstanceOf(IOException.class)
          .hasMessage(
              "GET /_ping on "
                  + engine.host()
                  + ": timed out after PT0.3S waiting for the response")
          .hasCauseInstanceOf(SocketTimeoutException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      // Before close(), which would close any connection left open.
      engine.awaitConnectionClosed(TIMEOUT);
    }
  }

  @Test
  void refusesBodyOverLimitDeclaredByContentLength() throws Exception {
    engine = onSocket((ctx, request) -> answer(ctx, HttpResponseStatus.OK, "x".repeat(2000)));

    try (var transport = new NettyEngineTransport(engine.host(), TIMEOUT, 1024)) {
      assertThatThrownBy(() -> transport.get("/containers/json"))
          .isInstanceOf(IOException.class)
          .hasMessage(
              "GET /containers/json on " + engine.host() + ": response is larger than 1024 bytes");
      engine.awaitConnectionClosed(TIMEOUT);
    }
  }

  @Test
  void refusesChunkedBodyOverLimit() throws Exception {
    engine =
        onSocket(
            (ctx, request) -> {
              HttpResponse head =
                  new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
              head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
              ctx.write(head);
              for (int i = 0; i < 3; i++) {
                ctx.writeAndFlush(new DefaultHttpContent(ascii("y".repeat(600))));
              }
              ctx.writeAndFlush(new DefaultLastHttpContent())
                  .addListener(ChannelFutureListener.CLOSE);
            });

    try (var transport = new NettyEngineTransport(engine.host(), TIMEOUT, 1024)) {
      assertThatThrownBy(() -> transport.get("/containers/json"))
          .isInstanceOf(IOException.class)
          .hasMessage(
              "GET /containers/json on " + engine.host() + ": response is larger than 1024 bytes");
    }
  }

  @Test
  void reportsResponseCutShort() throws Exception {
    engine =
        onSocket(
            (ctx, request) ->
                EngineStub.raw(ctx, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", "abc"));

    try (var transport = new NettyEngineTransport(engine.host(), TIMEOUT)) {
      assertThatThrownBy(() -> transport.get("/_ping"))
          .isInstanceOf(IOException.class)
          .hasMessage(
              "GET /_ping on "
                  + engine.host()
                  + ": connection closed while waiting for the response, before the response was"
                  + " complete");
    }
  }

  @Test
  void refusesWhatIsNoHttpResponse() throws Exception {
    engine = onSocket((ctx, request) -> EngineStub.raw(ctx, "SSH-2.0-OpenSSH_9.2\r\n\r\n"));

    try (var transport = new NettyEngineTransport(engine.host(), TIMEOUT)) {
      assertThatThrownBy(() -> transport.get("/_ping"))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("GET /_ping on " + engine.host() + ": malformed response: ");
    }
  }

  @Test
  void namesSocketThatDoesNotExist() {
    DockerHost missing = DockerHost.parse("unix://" + dir.resolve("missing.sock"));

    try (var transport = new NettyEngineTransport(missing, TIMEOUT)) {
      assertThatThrownBy(() -> transport.get("/_ping"))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("GET /_ping on " + missing + ": ")
          .hasMessageContaining("No such file or directory");
    }
  }

  @Test
  void namesSocketNobodyListensOn() throws Exception {
    // What a stopped engine leaves behind: the socket file, and nothing accepting on it.
    Path stale = dir.resolve("stale.sock");
    try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      gone.bind(UnixDomainSocketAddress.of(stale));
    }
    DockerHost host = DockerHost.parse("unix://" + stale);

    try (var transport = new NettyEngineTransport(host, TIMEOUT)) {
      assertThatThrownBy(() -> transport.get("/_ping"))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("GET /_ping on " + host + ": ")
          .hasMessageContaining("Connection refused");
    }
  }

  @Test
  void namesSocketItMayNotUse() throws Exception {
    Assumptions.assumeFalse(
        "root".equals(System.getProperty("user.name")),
        "root may connect to any socket; only another user sees permission denied");
    engine = onSocket((ctx, request) -> answer(ctx, HttpResponseStatus.OK, "OK"));
    Path socket = Path.of(engine.host().uri().getPath());
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("---------"));

    try (var transport = new NettyEngineTransport(engine.host(), TIMEOUT)) {
      assertThatThrownBy(() -> transport.get("/_ping"))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("GET /_ping on " + engine.host() + ": ")
          .hasMessageContaining("Permission denied");
    }
  }

  @Test
  void stopsWaitingWhenInterruptedAndClosesTheConnection() throws Exception {
    engine = onSocket((ctx, request) -> {});
    try (var transport = new NettyEngineTransport(engine.host(), Duration.ofSeconds(30))) {
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      Thread caller =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      transport.get("/_ping");
                      outcome.complete(null);
                    } catch (Exception e) {
                      outcome.complete(e);
                    }
                  });
      engine.nextRequest();

      caller.interrupt();

      assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
      engine.awaitConnectionClosed(TIMEOUT);
    }
  }

  @Test
  void speaksTheSameOverTcp() throws Exception {
    engine = EngineStub.onLoopback((ctx, request) -> answer(ctx, HttpResponseStatus.OK, "[]"));

    try (var transport = new NettyEngineTransport(engine.host(), TIMEOUT)) {
      EngineResponse response = transport.get("/containers/json?all=true");

      assertThat(text(response)).isEqualTo("[]");
    }
    assertThat(engine.nextRequest().headers().get("Host"))
        .isEqualTo(engine.host().uri().getRawAuthority());
  }

  @Test
  void namesTcpAddressNobodyListensOn() throws Exception {
    engine = EngineStub.onLoopback((ctx, request) -> {});
    DockerHost host = engine.host();
    engine.close();
    engine = null;

    try (var transport = new NettyEngineTransport(host, TIMEOUT)) {
      assertThatThrownBy(() -> transport.get("/_ping"))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("GET /_ping on " + host + ": ")
          .hasMessageContaining("Connection refused");
    }
  }

  private EngineStub onSocket(EngineStub.Answer answer) throws InterruptedException {
    return EngineStub.onUnixSocket(dir.resolve("engine.sock"), answer);
  }

  private static void answer(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, ascii(body));
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length());
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private static ByteBuf ascii(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
  }

  private static String text(EngineResponse response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }
}
