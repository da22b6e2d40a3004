package org.dxscraper.scraper.simulate;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback DX cluster node that talks like DXSpider, for tests and for {@code dx-scraper
 * simulate}: {@code login: }, prompt lines, {@code set/page}, {@code set/width}, {@code
 * unset/beep}, {@code sh/dx} (newest first), {@code bye}, a prompt for an empty line, takeover of a
 * session by a second login with the same call, and a stream of spots at a chosen rate with
 * optional misbehaviour (see {@link SimulatorOptions}).
 *
 * <p>Tests of a client's reconnect, watchdog and backfill steer the node while it runs: {@link
 * #silenceClients()} leaves every logged-in session half-open, {@link #disconnectClients()} drops
 * every connection, {@link #stopListening()} and {@link #startListening()} take the node off the
 * network and back on the same port, and {@link #logins()} and {@link #commandsReceived()} tell
 * what the clients did; {@link #historyServed()} and {@link #unwrittenBytes()} tell what the node
 * could give back to a client that lost part of the stream, and what it holds for a slow one. With
 * {@link SimulatorOptions#spotWithoutClients()} the stream goes on while nobody is connected, so a
 * client that comes back finds spots to backfill with {@code sh/dx N}.
 *
 * <p>One event loop thread serves the listener, every client and the broadcast timer, so the node's
 * state needs no locks. Every public method may be called from any thread. {@link #start()}, the
 * controls and {@link #close()} return when their work is done; the controls do it on that loop and
 * give up with an {@link IllegalStateException} after a few seconds.
 */
public final class SimulatorServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SimulatorServer.class);
  private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);
  private static final int GENERATED_CALLS = 20_000;

  private final SimulatorOptions options;
  private final EventLoopGroup group;
  private final EventLoop loop;
  private final SimulatorBroadcaster broadcaster;
  private final ChannelGroup clients;
  private final ServerBootstrap bootstrap;
  private volatile Channel listener;
  private volatile int boundPort;

  /**
   * @param clock the node's wall clock: prompt lines, spot times, WWV hours
   */
  public SimulatorServer(SimulatorOptions options, InstantSource clock) {
    this.options = Objects.requireNonNull(options, "options");
    Objects.requireNonNull(clock, "clock");
    this.group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("simulator", true), NioIoHandler.newFactory());
    this.loop = group.next();
    List<String> calls =
        SpotGenerator.loadCalls(options.callsFile(), options.seed(), GENERATED_CALLS);
    SpotGenerator generator =
        new SpotGenerator(calls, options.seed(), options.nodeCall(), clock, options.extraOneIn());
    this.broadcaster = new SimulatorBroadcaster(options, generator, loop);
    this.clients = new DefaultChannelGroup("simulator-clients", loop);
    this.bootstrap =
        new ServerBootstrap()
            .group(loop)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new SimulatorInitializer(options, broadcaster, clock, clients));
  }

  /**
   * Binds the listening socket; returns once it accepts connections. With {@link
   * SimulatorOptions#spotWithoutClients()} the spot stream starts here too.
   */
  public SimulatorServer start() {
    listener = bind(options.port());
    boundPort = ((InetSocketAddress) listener.localAddress()).getPort();
    runOnLoop("start the spot stream", broadcaster::startWithoutClients);
    log.info(
        "simulator: {} listening on {}:{} (rate {}/s, count {}, seed {}, silentAfter {}, "
            + "closeAfter {}, garbageEvery {}, overlongEvery {}, spotWithoutClients {})",
        options.nodeCall(),
        options.host(),
        boundPort,
        options.rate(),
        options.count() == 0 ? "unlimited" : options.count(),
        options.seed(),
        options.silentAfter(),
        options.closeAfter(),
        options.garbageEvery(),
        options.overlongEvery(),
        options.spotWithoutClients());
    return this;
  }

  private Channel bind(int port) {
    ChannelFuture bound = bootstrap.bind(options.host(), port).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      throw new IllegalStateException(
          "simulator " + options.nodeCall() + ": cannot listen on " + options.host() + ":" + port,
          bound.cause());
    }
    return bound.channel();
  }

  /**
   * The bound port: the ephemeral one when the options said 0. The same after {@link
   * #stopListening()} and {@link #startListening()}.
   */
  public int port() {
    int port = boundPort;
    if (port == 0) {
      throw new IllegalStateException("simulator " + options.nodeCall() + ": not started");
    }
    return port;
  }

  /** Called for every broadcast line from now on, on the simulator's event loop. */
  public void addListener(SentLineListener sentLineListener) {
    broadcaster.addListener(Objects.requireNonNull(sentLineListener, "sentLineListener"));
  }

  /**
   * The broadcast lines sent so far, oldest first (at most the last {@value
   * SimulatorBroadcaster#SENT_LOG_CAPACITY}); with {@link SimulatorOptions#spotWithoutClients()}
   * also those that no client received.
   */
  public List<SentLine> sentLines() {
    return onLoop("read the sent log", broadcaster::sentLog);
  }

  /**
   * Every command line that logged-in clients sent so far, oldest first, stripped of surrounding
   * whitespace (an empty keepalive line is {@code ""}), including lines sent to silent sessions; at
   * most the last {@value SimulatorBroadcaster#COMMAND_LOG_CAPACITY}. The callsign answering {@code
   * login: } is not a command.
   */
  public List<String> commandsReceived() {
    return onLoop("read the command log", broadcaster::commandLog);
  }

  /**
   * The spots sent in answer to {@code sh/dx}, in the order written, every answer to every client
   * (at most the last {@value SimulatorBroadcaster#SERVED_LOG_CAPACITY}): what a client that lost
   * part of the stream could get back from the node's history.
   */
  public List<SimulatedSpot> historyServed() {
    return onLoop("read the history answers", broadcaster::servedLog);
  }

  /** Spots broadcast so far (not counting WWV, WCY, announcements and misbehaviour lines). */
  public long spotsSent() {
    return broadcaster.spotsSent();
  }

  /**
   * Bytes the node has written to its client connections that the kernel has not taken yet (held in
   * the node's own outbound buffers because a client reads slower than the node sends).
   */
  public long unwrittenBytes() {
    return onLoop(
        "read the outbound buffers",
        () -> {
          long bytes = 0;
          for (Channel client : clients) {
            ChannelOutboundBuffer buffer = client.unsafe().outboundBuffer();
            if (buffer != null) {
              bytes += buffer.totalPendingWriteBytes();
            }
          }
          return bytes;
        });
  }

  /** Clients that are past {@code login: } and still connected, silent ones included. */
  public int loggedInClients() {
    return broadcaster.loggedInClients();
  }

  /** Successful logins since {@link #start()}, takeovers and logins after a restart included. */
  public long logins() {
    return broadcaster.logins();
  }

  /**
   * Makes every logged-in session half-open, like a node that got stuck: its socket stays open, it
   * reads commands (see {@link #commandsReceived()}) but sends nothing more, no broadcasts, no
   * replies, no prompts. Silent sessions stay logged in, so the stream goes on. Sessions that log
   * in afterwards are normal.
   *
   * @return the broadcast lines sent before the silence, oldest first (taken in the same step, so
   *     that a test knows exactly what a silenced client can have received)
   */
  public List<SentLine> silenceClients() {
    List<SentLine> sent =
        onLoop(
            "silence the clients",
            () -> {
              broadcaster.silenceAll();
              return broadcaster.sentLog();
            });
    log.info("simulator: {} silenced every logged-in client", options.nodeCall());
    return sent;
  }

  /**
   * Stops making spots, for every session, current and future: a node that is up and answers but
   * whose spot stream has dried up (what the stall watchdog and its alert are for).
   */
  public void holdSpots() {
    onLoop(
        "hold the spots",
        () -> {
          broadcaster.holdSpots(true);
          return null;
        });
    log.info("simulator: {} holds its spots", options.nodeCall());
  }

  /** Makes spots again after {@link #holdSpots()}, at the configured rate. */
  public void releaseSpots() {
    onLoop(
        "release the spots",
        () -> {
          broadcaster.holdSpots(false);
          return null;
        });
    log.info("simulator: {} makes spots again", options.nodeCall());
  }

  /**
   * Closes every client connection, logged in or not; the node keeps listening. When this returns
   * the sessions are closed and {@link #loggedInClients()} counts them no more.
   */
  public void disconnectClients() {
    int closed = closeClients("disconnect the clients");
    log.info("simulator: {} disconnected {} client(s)", options.nodeCall(), closed);
  }

  /**
   * Closes the listening socket and every client connection, and returns once connects to the port
   * are refused. The stream goes on with {@link SimulatorOptions#spotWithoutClients()}, else it
   * pauses with the last client. Does nothing more than close the clients when the node is not
   * listening. Blocks until the port is free, so it must not be called on the simulator's event
   * loop (from a {@link SentLineListener}).
   */
  public synchronized void stopListening() {
    requireOffLoop("stopListening() blocks until the port is free");
    boolean wasListening =
        onLoop(
            "close the listening socket",
            () -> {
              Channel current = listener;
              if (current == null || !current.isOpen()) {
                return false;
              }
              current.close(); // on the event loop this closes the channel at once
              return true;
            });
    int closed;
    try {
      if (wasListening) {
        awaitRefused(boundPort);
      }
    } finally {
      closed = closeClients("disconnect the clients");
    }
    log.info(
        "simulator: {} stopped listening on port {} and disconnected {} client(s)",
        options.nodeCall(),
        boundPort,
        closed);
  }

  /**
   * Listens again on the port {@link #port()} returns, after {@link #stopListening()}; does nothing
   * while the node is listening. Blocks until bound, so it must not be called on the simulator's
   * event loop (from a {@link SentLineListener}).
   *
   * @throws IllegalStateException when the port cannot be bound (another process took it)
   */
  public synchronized void startListening() {
    int port = port();
    requireOffLoop("startListening() blocks until the port is bound");
    Channel current = listener;
    if (current != null && current.isOpen()) {
      return;
    }
    listener = bind(port);
    log.info("simulator: {} listening again on {}:{}", options.nodeCall(), options.host(), port);
  }

  /** Closes the listener and every client connection. */
  @Override
  public void close() {
    Channel current = listener;
    if (current != null) {
      current.close().awaitUninterruptibly();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    log.info("simulator: stopped after {} spots", broadcaster.spotsSent());
  }

  private void requireOffLoop(String why) {
    if (loop.inEventLoop()) {
      throw new IllegalStateException(
          "simulator "
              + options.nodeCall()
              + ": "
              + why
              + ", so it cannot run on the simulator's own event loop");
    }
  }

  /**
   * Returns once a connect to {@code port} is refused. Netty's close of the listening channel does
   * not release its socket yet: the JDK defers that for a channel registered with a selector until
   * the loop's next select, and until then the kernel still completes connects into the backlog and
   * the port cannot be bound again. Each probe that still gets through is closed at once, and the
   * next one waits for a round trip through the loop, which selects in between.
   */
  private void awaitRefused(int port) {
    InetAddress host = probeAddress();
    long deadline = System.nanoTime() + QUERY_TIMEOUT.toNanos();
    int probes = 0;
    while (true) {
      probes++;
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress(host, port), (int) QUERY_TIMEOUT.toMillis());
      } catch (ConnectException refused) {
        return;
      } catch (IOException resetOrTimedOut) {
        // a probe caught in the backlog when the socket is released, or not answered: try again
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "simulator "
                + options.nodeCall()
                + ": port "
                + port
                + " still accepts connects "
                + QUERY_TIMEOUT
                + " after its listener closed ("
                + probes
                + " probes); has another process bound it?");
      }
      runOnLoop("let the event loop release the listening socket", () -> {});
    }
  }

  /** Where to probe the listening port: the bound host, or loopback for a wildcard host. */
  private InetAddress probeAddress() {
    try {
      InetAddress bound = InetAddress.getByName(options.host());
      if (!bound.isAnyLocalAddress()) {
        return bound;
      }
      // The loopback of the wildcard's own family: "::" may not take IPv4 (bindv6only), and a
      // probe refused by the wrong family would end the wait at once.
      return bound instanceof Inet6Address
          ? InetAddress.getByName("::1")
          : InetAddress.getByName("127.0.0.1");
    } catch (UnknownHostException e) {
      throw new IllegalStateException(
          "simulator " + options.nodeCall() + ": cannot resolve " + options.host(), e);
    }
  }

  /** Closes every client channel; returns how many there were. */
  private int closeClients(String what) {
    int closed =
        onLoop(
            what,
            () -> {
              int open = clients.size();
              clients.close(); // on the event loop each channel closes at once
              return open;
            });
    // Netty fires channelInactive in a task of its own after the close: let those run first, so
    // that the sessions have left the broadcaster when this returns.
    runOnLoop(what, () -> {});
    return closed;
  }

  private void runOnLoop(String what, Runnable task) {
    onLoop(
        what,
        () -> {
          task.run();
          return null;
        });
  }

  /**
   * Runs {@code task} on the simulator's event loop and returns its result; runs it directly when
   * called on that loop.
   */
  private <T> T onLoop(String what, Supplier<T> task) {
    if (loop.inEventLoop()) {
      return task.get();
    }
    try {
      return loop.submit(task::get).get(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "simulator " + options.nodeCall() + ": interrupted while waiting to " + what, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "simulator "
              + options.nodeCall()
              + ": cannot "
              + what
              + " (waited "
              + QUERY_TIMEOUT
              + ")",
          e);
    }
  }
}
