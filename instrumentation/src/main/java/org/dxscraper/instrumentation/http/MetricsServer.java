package org.dxscraper.instrumentation.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.prometheus.metrics.exporter.common.PrometheusHttpExchange;
import io.prometheus.metrics.exporter.common.PrometheusHttpRequest;
import io.prometheus.metrics.exporter.common.PrometheusHttpResponse;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /metrics} (Prometheus text or OpenMetrics as the {@code Accept} header asks, gzip
 * when accepted, {@code name[]} filters: client_java's {@link PrometheusScrapeHandler} on
 * Micrometer's registry) and {@code /health}, on a Netty server with one thread of its own.
 *
 * <p>Why not client_java's own server (the JDK's {@code HttpServer}, used until #11): its
 * dispatcher thread wakes every second whatever happens ({@code select(1000)}, hard-coded), a timer
 * thread enforces its time limits, and every request passes from the dispatcher to a worker thread,
 * a second wake-up that waits for a core when the machine is busy. Here one thread reads, renders
 * and writes, and sleeps in {@code epoll_wait} while nobody asks.
 *
 * <p>A scrape only reads meters: everything expensive is sampled on a schedule elsewhere. The
 * health check runs on the server's thread and must be as cheap. Neither blocks the ingest's event
 * loop: the server has its own.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

  /** Requests are one line and a few headers; Prometheus sends no body. */
  private static final int MAX_REQUEST_BYTES = 16 * 1024;

  /**
   * A connection that sends nothing for this long is closed: Prometheus scrapes every 15 s on a
   * kept-alive connection, and a client that connects and stays silent must not hold one forever.
   */
  private static final int IDLE_SECONDS = 300;

  private final EventLoopGroup group;
  private final Channel channel;

  private MetricsServer(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
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
    if (address.isUnresolved()) {
      throw cannotListen(address, "the host name does not resolve", null);
    }
    PrometheusScrapeHandler scrape = new PrometheusScrapeHandler(registry.getPrometheusRegistry());
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("metrics-http", true), NioIoHandler.newFactory());
    try {
      Channel channel =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(new ReadTimeoutHandler(IDLE_SECONDS))
                          .addLast(new HttpServerCodec())
                          .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                          .addLast(new Handler(scrape, health));
                    }
                  })
              .bind(address)
              .sync()
              .channel();
      MetricsServer server = new MetricsServer(group, channel);
      log.info(
          "metrics on http://{}:{}/metrics, health on /health",
          address.getHostString(),
          server.port());
      return server;
    } catch (Exception e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw cannotListen(address, e.getMessage(), e);
    }
  }

  private static IOException cannotListen(InetSocketAddress address, String why, Exception cause) {
    return new IOException(
        "cannot listen for metrics on "
            + address.getHostString()
            + ":"
            + address.getPort()
            + ": "
            + why,
        cause);
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /** One request at a time per connection, answered on the server's thread. */
  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final PrometheusScrapeHandler scrape;
    private final Supplier<HealthReport> health;

    Handler(PrometheusScrapeHandler scrape, Supplier<HealthReport> health) {
      this.scrape = scrape;
      this.health = health;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      if (!request.decoderResult().isSuccess()) {
        // The decoder discards whatever follows on this connection: answer, then close it.
        send(ctx, request, text(HttpResponseStatus.BAD_REQUEST, "bad request\n"), true);
        return;
      }
      Exchange exchange = null;
      FullHttpResponse response;
      try {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        if (path.equals("/metrics") || path.equals("/metrics/")) {
          exchange = new Exchange(request, uri, ctx);
          scrape.handleRequest(exchange);
          response = exchange.response();
        } else if (path.equals("/health")) {
          HealthReport report = health.get();
          response =
              body(
                  report.healthy() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                  "application/json",
                  report.json() + "\n");
        } else if (path.equals("/")) {
          response =
              text(
                  HttpResponseStatus.OK,
                  "dx-scraper: /metrics for Prometheus, /health for health checks\n");
        } else {
          response = text(HttpResponseStatus.NOT_FOUND, "not found: " + path + "\n");
        }
      } catch (IOException | RuntimeException e) {
        // A meter that fails to read, or a request the decoder let through but no one can
        // answer: say so, and let Prometheus record a failed scrape rather than wait for one.
        log.warn("metrics: {} {} failed", request.method(), request.uri(), e);
        if (exchange != null) {
          exchange.response().release();
        }
        send(
            ctx,
            request,
            text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "failed: " + e + "\n"),
            true);
        return;
      }
      send(ctx, request, response, false);
    }

    /**
     * A client that sends requests without reading the answers (pipelining) is read no further
     * until it does: the answers would otherwise queue without bound in direct memory.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      ctx.channel().config().setAutoRead(ctx.channel().isWritable());
      ctx.fireChannelWritabilityChanged();
    }

    private static void send(
        ChannelHandlerContext ctx,
        FullHttpRequest request,
        FullHttpResponse response,
        boolean close) {
      // The client's own version: an HTTP/1.0 client keeps the connection only when told so.
      response.setProtocolVersion(request.protocolVersion());
      response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
      if (request.method().equals(HttpMethod.HEAD)) {
        // No body; the length of what a GET would get where the answer was made (client_java
        // makes none for HEAD, so it says none).
        int length = response.content().readableBytes();
        response.content().clear();
        if (length > 0) {
          response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
        }
      } else {
        HttpUtil.setContentLength(response, response.content().readableBytes());
      }
      boolean keepAlive = !close && HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(response, keepAlive);
      if (keepAlive) {
        ctx.writeAndFlush(response);
      } else {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      }
    }

    private static FullHttpResponse text(HttpResponseStatus status, String text) {
      return body(status, "text/plain; charset=utf-8", text);
    }

    private static FullHttpResponse body(HttpResponseStatus status, String type, String text) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              status,
              Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8)));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
      return response;
    }
  }

  /** client_java's view of one Netty request and the response it builds. */
  private static final class Exchange
      implements PrometheusHttpExchange, PrometheusHttpRequest, PrometheusHttpResponse {
    private final FullHttpRequest request;
    private final QueryStringDecoder uri;
    private final ByteBuf body;
    private final FullHttpResponse response;

    Exchange(FullHttpRequest request, QueryStringDecoder uri, ChannelHandlerContext ctx) {
      this.request = request;
      this.uri = uri;
      this.body = ctx.alloc().buffer();
      this.response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
    }

    FullHttpResponse response() {
      return response;
    }

    @Override
    public PrometheusHttpRequest getRequest() {
      return this;
    }

    @Override
    public PrometheusHttpResponse getResponse() {
      return this;
    }

    @Override
    public String getQueryString() {
      String raw = uri.rawQuery();
      return raw.isEmpty() ? null : raw;
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
      return Collections.enumeration(request.headers().getAll(name));
    }

    @Override
    public String getMethod() {
      return request.method().name();
    }

    @Override
    public String getRequestPath() {
      return uri.path();
    }

    @Override
    public void setHeader(String name, String value) {
      response.headers().set(name, value);
    }

    @Override
    public OutputStream sendHeadersAndGetBody(int statusCode, int contentLength) {
      response.setStatus(HttpResponseStatus.valueOf(statusCode));
      return new ByteBufOutputStream(body);
    }

    @Override
    public void handleException(IOException e) throws IOException {
      throw e;
    }

    @Override
    public void handleException(RuntimeException e) {
      throw e;
    }

    @Override
    public void close() {
      // The response goes out when the handler sends it.
    }
  }
}
