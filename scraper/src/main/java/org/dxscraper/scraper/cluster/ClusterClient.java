package org.dxscraper.scraper.cluster;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.random.RandomGenerator;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one telnet session per configured node logged in and feeds their lines to a {@link
 * LineSink}.
 *
 * <p>All nodes share one event loop thread: a node delivers at most a few thousand lines per second
 * and the per-line work is small. Every node reconnects on its own after a close or a failed
 * connect (see {@link ConnectionPolicy} and {@link NodeConnector}).
 *
 * <p>Dead connections are found twice over: by the session's keepalive probe after {@link
 * ConnectionPolicy#probeAfter()} of silence, and by TCP keepalive (first probe after {@link
 * #TCP_KEEPALIVE_IDLE}, then every {@link #TCP_KEEPALIVE_INTERVAL}, {@value #TCP_KEEPALIVE_COUNT}
 * unanswered ones close the socket) instead of the kernel's two hours.
 *
 * <p>Thread-safe: {@link #start()} and {@link #disconnect} may be called from any thread, {@link
 * #close()} from any thread but the event loop's; {@link #status} readers see the latest state
 * without locking.
 */
public final class ClusterClient implements AutoCloseable {

  /** How long one TCP connect may take before it counts as a failure. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(ClusterClient.class);

  /** Silence before the kernel sends the first TCP keepalive probe. */
  public static final Duration TCP_KEEPALIVE_IDLE = Duration.ofSeconds(60);

  public static final Duration TCP_KEEPALIVE_INTERVAL = Duration.ofSeconds(10);
  public static final int TCP_KEEPALIVE_COUNT = 3;

  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

  private final EventLoopGroup group;
  private final Map<String, NodeStatus> statuses = new LinkedHashMap<>();
  private final Map<String, NodeConnector> connectors = new LinkedHashMap<>();
  private final List<NodeConfig> nodes;
  private final ConnectionPolicy policy;
  private final AtomicBoolean started = new AtomicBoolean();

  /**
   * @param nodes at least one; names must be unique
   * @param sink receives every line of every node on the event loop (see its contract)
   * @param clock stamps {@code receivedAt}
   * @param policy keepalive probes, waits between connection attempts, backfill at start
   * @param random jitter for the waits
   */
  public ClusterClient(
      List<NodeConfig> nodes,
      LineSink sink,
      InstantSource clock,
      ConnectionPolicy policy,
      RandomGenerator random) {
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(clock, "clock");
    this.nodes = List.copyOf(nodes);
    this.policy = Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(random, "random");
    if (this.nodes.isEmpty()) {
      throw new IllegalArgumentException("at least one node is needed, got none");
    }
    for (NodeConfig node : this.nodes) {
      if (statuses.putIfAbsent(node.name(), new NodeStatus(node.name())) != null) {
        throw new IllegalArgumentException(
            "node names must be unique, got '" + node.name() + "' twice");
      }
    }
    group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("cluster-client", true), NioIoHandler.newFactory());
    for (NodeConfig node : this.nodes) {
      NodeStatus status = statuses.get(node.name());
      EventLoop loop = group.next();
      Bootstrap bootstrap =
          new Bootstrap()
              .group(loop)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
              .option(ChannelOption.SO_KEEPALIVE, true)
              .option(
                  NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE),
                  (int) TCP_KEEPALIVE_IDLE.toSeconds())
              .option(
                  NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL),
                  (int) TCP_KEEPALIVE_INTERVAL.toSeconds())
              .option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), TCP_KEEPALIVE_COUNT)
              .option(ChannelOption.TCP_NODELAY, true);
      NodeConnector connector = new NodeConnector(node, status, loop, policy, clock, random);
      bootstrap.handler(
          new ClusterClientInitializer(
              node,
              status,
              sink,
              clock,
              policy,
              new BackfillPlanner(node.backfillMax(), policy.backfillAtStart()),
              connector::sessionEnded));
      connector.bootstrap(bootstrap);
      connectors.put(node.name(), connector);
    }
  }

  /** With the system clock and {@link ConnectionPolicy#DEFAULT}. */
  public ClusterClient(List<NodeConfig> nodes, LineSink sink) {
    this(
        nodes,
        sink,
        InstantSource.system(),
        ConnectionPolicy.DEFAULT,
        RandomGenerator.getDefault());
  }

  /** Starts connecting every node; returns at once. A second call does nothing. */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      return;
    }
    log.info(
        "starting {} node(s), connect timeout {}; after a failed connect {}; after a failed login"
            + " {}; after a takeover {} doubling to {}; keepalive probe after {} of silence, {} to"
            + " answer{}",
        nodes.size(),
        CONNECT_TIMEOUT,
        policy.connectBackoff(),
        policy.loginBackoff(),
        policy.takeoverWait(),
        policy.maxTakeoverWait(),
        policy.probes() ? policy.probeAfter() : "(off)",
        policy.probeTimeout(),
        policy.backfillAtStart() ? "; backfill at start" : "");
    for (NodeConfig node : nodes) {
      log.info("{}: {}", node.name(), node); // NodeConfig masks the password
      connectors.get(node.name()).start();
    }
  }

  /** Status of every node, in configuration order. */
  public Map<String, NodeStatus> statuses() {
    return Collections.unmodifiableMap(statuses);
  }

  /**
   * @throws IllegalArgumentException for a name that was not configured
   */
  public NodeStatus status(String node) {
    NodeStatus status = statuses.get(node);
    if (status == null) {
      throw new IllegalArgumentException(
          "no node named '" + node + "', known: " + statuses.keySet());
    }
    return status;
  }

  /**
   * Closes the node's session that logged in at {@code session} so that it reconnects, e.g. when a
   * watchdog finds it silent; {@code reason} is what the reconnect is counted under. A session that
   * has ended meanwhile is left alone, and so is the one that replaced it.
   *
   * @throws IllegalArgumentException for a name that was not configured
   */
  public void disconnect(String node, ReconnectReason reason, String why, Instant session) {
    status(node);
    connectors.get(node).disconnect(reason, why, session);
  }

  /**
   * The event loop every node channel runs on (one thread, DESIGN.md): work that shares state with
   * the line sink runs there without locks.
   */
  public java.util.concurrent.ScheduledExecutorService eventLoop() {
    return group.next();
  }

  /**
   * Stops ({@code false}) or resumes ({@code true}) reading from every node. While paused, lines
   * wait in the kernel's buffers and TCP slows the nodes down; nothing is dropped here.
   */
  public void setReading(boolean reading) {
    for (NodeConnector connector : connectors.values()) {
      connector.setReading(reading);
    }
  }

  /**
   * Closes every connection, each after a last read of what the kernel holds for it, and stops the
   * event loop; waits up to a few seconds. Not on the event loop.
   */
  @Override
  public void close() {
    for (EventExecutor loop : group) {
      if (loop.inEventLoop()) {
        throw new IllegalStateException("close() on the event loop would wait for itself");
      }
    }
    List<Future<?>> stops = new ArrayList<>();
    for (NodeConnector connector : connectors.values()) {
      stops.add(connector.stop());
    }
    for (Future<?> stop : stops) {
      stop.awaitUninterruptibly(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
    group
        .shutdownGracefully(0, SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(SHUTDOWN_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
    log.info("cluster client stopped");
  }
}
