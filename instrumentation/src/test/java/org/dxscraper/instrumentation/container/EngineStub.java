package org.dxscraper.instrumentation.container;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An engine played by a test: a Netty HTTP server on a unix socket or a loopback port that records
 * each request and answers it as the test says, with HTTP objects through Netty's encoder or with
 * raw bytes.
 */
final class EngineStub implements AutoCloseable {

  /** How the stub answers a request; it may also never answer. */
  @FunctionalInterface
  interface Answer {
    void answer(ChannelHandlerContext ctx, FullHttpRequest request);
  }

  /** What the stub received. */
  record Received(String method, String uri, HttpHeaders headers) {}

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(
          1, new DefaultThreadFactory("engine-stub", true), NioIoHandler.newFactory());
  private final BlockingQueue<Received> requests = new LinkedBlockingQueue<>();
  private final BlockingQueue<Channel> connections = new LinkedBlockingQueue<>();
  private final Channel server;
  private final DockerHost host;

  private EngineStub(boolean unix, Path socket, Answer answer) throws InterruptedException {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channelFactory(unix ? NioServerDomainSocketChannel::new : NioServerSocketChannel::new)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel channel) {
                    connections.add(channel);
                    channel
                        .pipeline()
                        .addLast(
                            new HttpResponseEncoder(),
                            new HttpRequestDecoder(),
                            new HttpObjectAggregator(64 * 1024),
                            new Recorder(answer));
                  }
                });
    if (unix) {
      server = bootstrap.bind(UnixDomainSocketAddress.of(socket)).sync().channel();
      host = DockerHost.parse("unix://" + socket);
    } else {
      server =
          bootstrap
              .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .sync()
              .channel();
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      host = DockerHost.parse("tcp://127.0.0.1:" + port);
    }
  }

  static EngineStub onUnixSocket(Path socket, Answer answer) throws InterruptedException {
    return new EngineStub(true, socket, answer);
  }

  static EngineStub onLoopback(Answer answer) throws InterruptedException {
    return new EngineStub(false, null, answer);
  }

  /** Where a transport finds this stub. */
  DockerHost host() {
    return host;
  }

  /** The next request received, waiting up to 5 s for it. */
  Received nextRequest() throws InterruptedException {
    Received request = requests.poll(5, TimeUnit.SECONDS);
    if (request == null) {
      throw new AssertionError("the stub received no request within 5 s");
    }
    return request;
  }

  /** Waits up to {@code within} for the next accepted connection to be closed, by either side. */
  void awaitConnectionClosed(Duration within) throws InterruptedException {
    Channel connection = connections.poll(within.toNanos(), TimeUnit.NANOSECONDS);
    if (connection == null) {
      throw new AssertionError("the stub accepted no connection within " + within);
    }
    if (!connection.closeFuture().await(within.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new AssertionError("the connection was still open after " + within);
    }
  }

  /**
   * Writes {@code pieces} as they are, each flushed on its own, past the HTTP encoder; then closes.
   */
  static void raw(ChannelHandlerContext ctx, String... pieces) {
    // The encoder is the first handler: writing from its context goes straight to the socket.
    ChannelHandlerContext socket = ctx.pipeline().firstContext();
    ChannelFuture last = null;
    for (String piece : pieces) {
      last = socket.writeAndFlush(Unpooled.copiedBuffer(piece, StandardCharsets.ISO_8859_1));
    }
    if (last == null) {
      ctx.close();
    } else {
      last.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Recorder extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Answer answer;

    Recorder(Answer answer) {
      this.answer = answer;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      requests.add(new Received(request.method().name(), request.uri(), request.headers().copy()));
      answer.answer(ctx, request);
    }
  }
}
