package org.dxscraper.instrumentation.container;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The engine API over a unix socket or TCP through Netty's HTTP/1.1 codec: one connection per
 * request with {@code Connection: close}, so nothing is held between refreshes and no pooled
 * connection can go stale while the engine restarts. Bodies may come chunked (dockerd's usual
 * framing), with a length, or until the engine closes; one over the size limit is refused.
 *
 * <p>Threading: {@link #get} blocks its caller (the metrics sampler) until the response is complete
 * or the timeout has passed; the timeout covers name resolution, connect, sending and the whole
 * response. The I/O runs on an event loop of one daemon thread that this transport owns, never on
 * the daemon's cluster loop, which must not wait for an engine. {@link #get} is used by one thread
 * at a time and must not be called from that event loop. {@link #close} ends the event loop and
 * with it any connection still open.
 */
final class NettyEngineTransport implements EngineTransport {

  /** Responses larger than this are refused, so a confused engine cannot exhaust the heap. */
  static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

  private final DockerHost host;
  private final Duration timeout;
  private final int maxResponseBytes;
  private final SocketAddress address;
  private final String hostHeader;
  private final EventLoopGroup group;
  private final Bootstrap bootstrap;

  NettyEngineTransport(DockerHost host, Duration timeout) {
    this(host, timeout, MAX_RESPONSE_BYTES);
  }

  /** Tests pass a small size limit. */
  NettyEngineTransport(DockerHost host, Duration timeout, int maxResponseBytes) {
    this.host = Objects.requireNonNull(host, "host");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("engine timeout must be positive, got " + timeout);
    }
    if (maxResponseBytes < 1) {
      throw new IllegalArgumentException(
          "maximum response size must be positive, got " + maxResponseBytes);
    }
    this.maxResponseBytes = maxResponseBytes;
    this.address = host.socketAddress();
    // dockerd refuses HTTP/1.1 requests without Host; on a socket any name will do.
    this.hostHeader = host.isUnixSocket() ? "docker" : host.uri().getRawAuthority();
    // Its thread starts with the first request, so a daemon without --docker-host has none.
    this.group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("container-engine", true), NioIoHandler.newFactory());
    this.bootstrap =
        new Bootstrap()
            .group(group)
            .channelFactory(
                host.isUnixSocket() ? NioDomainSocketChannel::new : NioSocketChannel::new);
  }

  @Override
  public EngineResponse get(String pathAndQuery) throws IOException, InterruptedException {
    EngineResponseHandler handler =
        new EngineResponseHandler(request(pathAndQuery), maxResponseBytes);
    ChannelFuture connect =
        bootstrap
            .clone()
            .handler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel channel) {
                    channel
                        .pipeline()
                        .addLast(
                            new HttpClientCodec(),
                            // Joins chunks into one body and bounds it.
                            new HttpObjectAggregator(maxResponseBytes),
                            handler);
                  }
                })
            .connect(address);
    connect.addListener(
        connected -> {
          if (!connected.isSuccess()) {
            handler.connectFailed(connected.cause());
          }
        });
    try {
      return handler.response().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw failure(
          pathAndQuery,
          new SocketTimeoutException("timed out after " + timeout + " " + handler.phase()));
    } catch (ExecutionException e) {
      throw failure(pathAndQuery, e.getCause());
    } finally {
      // Already closed after a response or a failure; this is for a timeout or an interrupt.
      connect.channel().close();
    }
  }

  private FullHttpRequest request(String pathAndQuery) {
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.GET, pathAndQuery, Unpooled.EMPTY_BUFFER);
    request
        .headers()
        .set(HttpHeaderNames.HOST, hostHeader)
        .set(HttpHeaderNames.USER_AGENT, "dx-scraper")
        .set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return request;
  }

  /** One message naming the request, the engine and what went wrong; the cause is kept. */
  private IOException failure(String pathAndQuery, Throwable cause) {
    String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    return new IOException("GET " + pathAndQuery + " on " + host + ": " + reason, cause);
  }

  @Override
  public void close() {
    // No quiet period: nothing else submits to this loop. Shutting it down closes its channels.
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
  }
}
