package org.dxscraper.scraper.simulate;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback DX cluster node that talks like DXSpider, for tests and for {@code dx-scraper
 * simulate}: {@code login: }, prompt lines, {@code set/page}, {@code set/width}, {@code
 * unset/beep}, {@code sh/dx}, {@code bye}, and a stream of spots at a chosen rate with optional
 * misbehaviour (see {@link SimulatorOptions}).
 *
 * <p>One event loop thread serves the listener, every client and the broadcast timer, so the node's
 * state needs no locks. {@link #start()} and {@link #close()} block briefly; the getters may be
 * called from any thread.
 */
public final class SimulatorServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SimulatorServer.class);
  private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);
  private static final int GENERATED_CALLS = 20_000;

  private final SimulatorOptions options;
  private final InstantSource clock;
  private final EventLoopGroup group;
  private final EventLoop loop;
  private final SimulatorBroadcaster broadcaster;
  private Channel listener;

  /**
   * @param clock the node's wall clock: prompt lines, spot times, WWV hours
   */
  public SimulatorServer(SimulatorOptions options, InstantSource clock) {
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("simulator", true), NioIoHandler.newFactory());
    this.loop = group.next();
    List<String> calls =
        SpotGenerator.loadCalls(options.callsFile(), options.seed(), GENERATED_CALLS);
    SpotGenerator generator = new SpotGenerator(calls, options.seed(), options.nodeCall(), clock);
    this.broadcaster = new SimulatorBroadcaster(options, generator, loop);
  }

  /** Binds the listening socket; returns once it accepts connections. */
  public SimulatorServer start() {
    listener =
        new ServerBootstrap()
            .group(loop)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new SimulatorInitializer(options, broadcaster, clock))
            .bind(options.host(), options.port())
            .syncUninterruptibly()
            .channel();
    log.info(
        "simulator: {} listening on {}:{} (rate {}/s, count {}, seed {}, silentAfter {}, "
            + "closeAfter {}, garbageEvery {}, overlongEvery {})",
        options.nodeCall(),
        options.host(),
        port(),
        options.rate(),
        options.count() == 0 ? "unlimited" : options.count(),
        options.seed(),
        options.silentAfter(),
        options.closeAfter(),
        options.garbageEvery(),
        options.overlongEvery());
    return this;
  }

  /** The bound port: the ephemeral one when the options said 0. */
  public int port() {
    if (listener == null) {
      throw new IllegalStateException("not started");
    }
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Called for every broadcast line from now on, on the simulator's event loop. */
  public void addListener(SentLineListener sentLineListener) {
    broadcaster.addListener(Objects.requireNonNull(sentLineListener, "sentLineListener"));
  }

  /**
   * The broadcast lines sent so far, oldest first (at most the last {@value
   * SimulatorBroadcaster#SENT_LOG_CAPACITY}).
   */
  public List<SentLine> sentLines() {
    if (loop.inEventLoop()) {
      return broadcaster.sentLog();
    }
    try {
      return loop.submit(broadcaster::sentLog).get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the simulator's sent log", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read the simulator's sent log", e);
    }
  }

  /** Spots broadcast so far (not counting WWV, WCY, announcements and misbehaviour lines). */
  public long spotsSent() {
    return broadcaster.spotsSent();
  }

  /** Clients that are past {@code login: } and still connected. */
  public int loggedInClients() {
    return broadcaster.loggedInClients();
  }

  /** Closes the listener and every client connection. */
  @Override
  public void close() {
    if (listener != null) {
      listener.close().awaitUninterruptibly();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    log.info("simulator: stopped after {} spots", broadcaster.spotsSent());
  }
}
